import { ValueError, checkOptionNames } from "../../../errors.js";
import type { TensorLike } from "../../../ops/core.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { type CallOptions, Layer, SymbolicTensor } from "../../layer.js";
import type { Shapes } from "../../shape-spec.js";
import { deserializeLayer, registerKerasLayers, serializeLayer } from "../../registry.js";

export interface PipelineArgs {
  name?: string;
}

/**
 * Keras 3's `Pipeline(layers)`: applies preprocessing layers one after another, each layer's
 * output (and mask) feeding the next. As in Keras, `training` defaults to true when the call
 * does not say (so random augmentations apply), and the config holds only `layers` and `name`.
 * The layers are kept in `_pipeline_layers`, Keras's attribute, so their state in .keras files
 * sits where Keras puts it (`layers/pipeline/_pipeline_layers/<class>_<n>/`).
 */
export class Pipeline extends Layer {
  // Keras's attribute name, for the weights file layout.
  readonly _pipeline_layers: Layer[];

  constructor(layers: readonly Layer[], args: PipelineArgs = {}) {
    super({ name: args.name });
    checkOptionNames("Pipeline", args, ["name"]);
    if (!Array.isArray(layers) || layers.some((l) => !(l instanceof Layer))) {
      throw new ValueError(
        `${this.where()}: layers must be a list of layers; received ${String(layers)}`,
      );
    }
    this._pipeline_layers = [...layers];
    this.supportsMasking = true;
  }

  override get layers(): Layer[] {
    return [...this._pipeline_layers];
  }

  override apply(
    inputs: SymbolicTensor | readonly SymbolicTensor[],
    opts?: CallOptions,
  ): SymbolicTensor;
  override apply(inputs: TensorLike | readonly TensorLike[], opts?: CallOptions): Tensor;
  override apply(inputs: unknown, opts: CallOptions = {}): unknown {
    const isSymbolic =
      inputs instanceof SymbolicTensor ||
      (Array.isArray(inputs) && inputs.some((x) => x instanceof SymbolicTensor));
    const training = opts.training ?? (isSymbolic ? undefined : true);
    return super.apply(inputs as never, { ...opts, training });
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    let x: Tensor | Tensor[] = inputs;
    let mask = opts.mask;
    for (const layer of this._pipeline_layers) {
      x = layer.apply(x as Tensor, { training: opts.training, mask }) as Tensor | Tensor[];
      mask = undefined; // later layers read the mask the previous one attached
    }
    return x;
  }

  override computeOutputShape(inputShape: Shapes): Shapes {
    let shape: Shapes = inputShape;
    for (const layer of this._pipeline_layers) {
      layer.ensureBuilt(shape);
      shape = layer.computeOutputShape(shape);
    }
    return shape;
  }

  override getConfig(): Record<string, unknown> {
    return { layers: this._pipeline_layers.map((l) => serializeLayer(l)), name: this.name };
  }

  static fromConfig(config: Record<string, unknown>): Pipeline {
    const layers = config.layers;
    if (!Array.isArray(layers)) {
      throw new ValueError(
        `Pipeline.fromConfig: the config must hold "layers", a list of serialized layers; ` +
          `received layers=${JSON.stringify(layers)}`,
      );
    }
    return new Pipeline(
      layers.map((l) => deserializeLayer(l)),
      { name: typeof config.name === "string" ? config.name : undefined },
    );
  }
}

registerKerasLayers({ Pipeline });
