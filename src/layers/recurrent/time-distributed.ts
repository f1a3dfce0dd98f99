import { ValueError } from "../../errors.js";
import { split, stack } from "../../ops/join.js";
import { reshape, squeeze } from "../../ops/movement.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { type CallOptions, Layer, type LayerArgs } from "../layer.js";
import { BatchNormalization } from "../normalization/batch-normalization.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { deserializeLayer, serializeLayer } from "./serialization.js";
import { registerKerasLayers } from "../registry.js";

/**
 * Keras `TimeDistributed(layer)`: applies the same layer (same weights) to every timestep of
 * [batch, time, ...] inputs. Keras calls the layer once per timestep. For layers that treat
 * samples independently (Dense, Conv2D …) folding time into the batch ([batch·time, ...], a free
 * reshape) gives the same result in one call, so that is what runs — except in training with a
 * BatchNormalization inside, whose batch statistics (and moving-average updates) are per timestep.
 */
export class TimeDistributed extends Layer {
  readonly layer: Layer;

  constructor(layer: Layer, args: LayerArgs = {}) {
    super(args);
    if (!(layer instanceof Layer)) {
      throw new ValueError(
        `${this.where()}: layer must be a Layer instance; received ${String(layer)}`,
      );
    }
    this.layer = layer;
    this.supportsMasking = true;
  }

  private childShape(inputShape: ShapeSpec): ShapeSpec {
    if (inputShape.length < 3) {
      throw new ValueError(
        `expected inputs with at least 3 axes (batch, time, ...); received shape ${fmtSpec(inputShape)}`,
      );
    }
    return [inputShape[0] ?? null, ...inputShape.slice(2)];
  }

  override build(inputShape: ShapeSpec): void {
    this.layer.ensureBuilt(this.childShape(inputShape));
  }

  call(inputs: Tensor, opts: CallOptions): Tensor | Tensor[] {
    if (inputs.rank < 3) {
      throw new ValueError(
        `expected inputs with at least 3 axes (batch, time, ...); received rank ${inputs.rank}`,
      );
    }
    if (opts.training && inputs.shape[1]! > 0 && dependsOnBatch(this.layer))
      return this.stepByStep(inputs, opts);
    const [batch, steps, ...rest] = inputs.shape as number[];
    // The timestep mask belongs to this layer's output, not to the folded samples inside.
    const out = this.layer.apply(reshape(inputs, [batch! * steps!, ...rest]), {
      training: opts.training,
      mask: null,
    }) as Tensor | Tensor[];
    const unfold = (t: Tensor): Tensor => reshape(t, [batch!, steps!, ...t.shape.slice(1)]);
    return Array.isArray(out) ? out.map(unfold) : unfold(out);
  }

  /** Keras's loop: the layer applied to each [batch, ...] timestep, the outputs stacked on axis 1. */
  private stepByStep(inputs: Tensor, opts: CallOptions): Tensor | Tensor[] {
    const outs = split(inputs, inputs.shape[1]!, 1).map(
      (step) =>
        this.layer.apply(squeeze(step, 1), { training: opts.training, mask: null }) as
          Tensor | Tensor[],
    );
    if (!Array.isArray(outs[0])) return stack(outs as Tensor[], 1);
    return outs[0].map((_, i) =>
      stack(
        (outs as Tensor[][]).map((o) => o[i]!),
        1,
      ),
    );
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec | ShapeSpec[] {
    const inner = this.layer.computeOutputShape(this.childShape(inputShape));
    const unfold = (s: ShapeSpec): ShapeSpec => [
      s[0] ?? null,
      inputShape[1] ?? null,
      ...s.slice(1),
    ];
    return Array.isArray(inner[0])
      ? (inner as ShapeSpec[]).map(unfold)
      : unfold(inner as ShapeSpec);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), layer: serializeLayer(this.layer) };
  }

  static fromConfig(config: Record<string, unknown>): TimeDistributed {
    const { layer, ...rest } = config;
    return new TimeDistributed(deserializeLayer(layer), fromKerasConfig(rest) as LayerArgs);
  }
}

/** Whether a layer's training output for one sample depends on the rest of the batch. */
function dependsOnBatch(layer: Layer): boolean {
  return layer instanceof BatchNormalization || layer.layers.some(dependsOnBatch);
}

registerKerasLayers({ TimeDistributed });
