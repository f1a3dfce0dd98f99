/**
 * The two small layers Keras's FeatureSpace puts in its graph besides the preprocessing layers:
 * `TFDIdentity` (the preprocessor of a plain "float" feature) and `TFDConcat` (the concatenation
 * of the encoded features in "concat" mode). They are registered under Keras's class names and
 * module, so an inference model built on `getEncodedFeatures()` saves and loads as Keras's does.
 */
import { ValueError } from "../../../errors.js";
import { concatenate } from "../../../ops/join.js";
import type { DType } from "../../../tensor/dtype.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { Layer, type LayerArgs } from "../../layer.js";
import { registerBuiltInLayer } from "../../registry.js";
import type { ShapeSpec } from "../../shape-spec.js";

/** Keras's module for the classes of feature_space.py that are not exported. */
export const FEATURE_SPACE_MODULE = "keras.src.layers.preprocessing.feature_space";

/** Passes its input through unchanged (Keras `TFDIdentity`). */
export class TFDIdentity extends Layer {
  call(inputs: Tensor | Tensor[]): Tensor {
    return Array.isArray(inputs) ? inputs[0]! : inputs;
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return inputShape;
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  static fromConfig(config: Record<string, unknown>): TFDIdentity {
    return new TFDIdentity(fromKerasConfig(config) as LayerArgs);
  }
}

export interface TFDConcatArgs extends LayerArgs {
  axis: number;
}

/** Concatenates a list of tensors along `axis` (Keras `TFDConcat`). */
export class TFDConcat extends Layer {
  readonly axis: number;

  constructor(args: TFDConcatArgs) {
    super(args);
    if (!Number.isInteger(args.axis)) {
      throw new ValueError(`${this.where()}: axis must be an integer; received ${args.axis}`);
    }
    this.axis = args.axis;
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    return concatenate(Array.isArray(inputs) ? inputs : [inputs], this.axis);
  }

  override computeOutputShape(inputShape: ShapeSpec | readonly ShapeSpec[]): ShapeSpec {
    const shapes = (
      Array.isArray(inputShape[0]) ? inputShape : [inputShape]
    ) as readonly ShapeSpec[];
    const first = shapes[0]!;
    const axis = this.axis < 0 ? this.axis + first.length : this.axis;
    const out = [...first];
    let size: number | null = 0;
    for (const s of shapes) {
      const d = s[axis] ?? null;
      size = size === null || d === null ? null : size + d;
    }
    out[axis] = size;
    return out;
  }

  override computeOutputDtype(inputDtypes: readonly DType[]): DType {
    return inputDtypes[0] ?? this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: this.axis };
  }

  static fromConfig(config: Record<string, unknown>): TFDConcat {
    return new TFDConcat(fromKerasConfig(config) as unknown as TFDConcatArgs);
  }
}

registerBuiltInLayer("TFDIdentity", TFDIdentity, FEATURE_SPACE_MODULE, "TFDIdentity");
registerBuiltInLayer("TFDConcat", TFDConcat, FEATURE_SPACE_MODULE, "TFDConcat");
