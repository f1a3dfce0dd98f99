/**
 * Keras's `CustomScaleLayer` (keras/src/applications/inception_resnet_v2.py): the scaled
 * residual of InceptionResNetV2, `inputs[0] + inputs[1] * scale`. Registered under Keras's
 * class name and module, with Keras's config (the base keys plus `scale`), so that a saved
 * InceptionResNetV2 loads back here and in Keras.
 */
import { ValueError } from "../errors.js";
import { add, multiply } from "../ops/elementwise.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { fromKerasConfig } from "../layers/config.js";
import { Layer, type LayerArgs } from "../layers/layer.js";
import { type Shapes, broadcastSpecs, fmtSpecs } from "../layers/merging/base-merge.js";
import { registerBuiltInLayer } from "../layers/registry.js";
import type { ShapeSpec } from "../layers/shape-spec.js";

export interface CustomScaleLayerArgs extends LayerArgs {
  /** The factor of the second input (InceptionResNetV2: 0.17, 0.1, 0.2 or 1). */
  scale: number;
}

export class CustomScaleLayer extends Layer {
  readonly scale: number;

  constructor(args: CustomScaleLayerArgs) {
    super(args);
    if (typeof args?.scale !== "number" || !Number.isFinite(args.scale)) {
      throw new ValueError(
        `${this.where()}: scale must be a finite number; received scale=${String(args?.scale)}`,
      );
    }
    this.scale = args.scale;
  }

  /** Two inputs, the shortcut and the residual, of shapes that add. */
  private shapesOf(inputShape: Shapes): [ShapeSpec, ShapeSpec] {
    const isList = inputShape.length > 0 && Array.isArray(inputShape[0]);
    const shapes = (isList ? inputShape : [inputShape]) as ShapeSpec[];
    if (shapes.length !== 2) {
      throw new ValueError(
        `${this.where()}: expected a list of two inputs [shortcut, residual]; received ` +
          `${isList ? shapes.length : "one input of shape " + fmtSpecs(shapes)}`,
      );
    }
    return [shapes[0]!, shapes[1]!];
  }

  override build(inputShape: Shapes): void {
    this.computeOutputShape(inputShape);
  }

  call(inputs: Tensor[]): Tensor {
    if (!Array.isArray(inputs) || inputs.length !== 2) {
      throw new ValueError(`${this.where()}: expected a list of two inputs [shortcut, residual]`);
    }
    return add(inputs[0]!, multiply(inputs[1]!, this.scale));
  }

  override computeOutputShape(inputShape: Shapes): ShapeSpec {
    const [a, b] = this.shapesOf(inputShape);
    const out = broadcastSpecs(a, b);
    if (out === null) {
      throw new ValueError(
        `${this.where()}: the inputs' shapes do not add; received ${fmtSpecs([a, b])}`,
      );
    }
    return out;
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), scale: this.scale };
  }

  static fromConfig(config: Record<string, unknown>): CustomScaleLayer {
    return new CustomScaleLayer(fromKerasConfig(config) as unknown as CustomScaleLayerArgs);
  }
}

// Keras writes the class with its module and (unregistered) class name as registered name.
registerBuiltInLayer(
  "CustomScaleLayer",
  CustomScaleLayer,
  "keras.src.applications.inception_resnet_v2",
  "CustomScaleLayer",
);
