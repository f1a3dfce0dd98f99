import { ValueError } from "../../errors.js";
import { reshape } from "../../ops/movement.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { type CallOptions, Layer, type LayerArgs } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../symbolic.js";
import { deserializeLayer, serializeLayer } from "./serialization.js";

/**
 * Keras `TimeDistributed(layer)`: applies the same layer (same weights) to every timestep of
 * [batch, time, ...] inputs. Time is folded into the batch ([batch·time, ...], a free reshape), so
 * the inner layer runs once; for layers that treat samples independently (Dense, Conv2D …) this
 * equals Keras's step-by-step loop. A BatchNormalization inside sees batch·time samples at once.
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
    const [batch, steps, ...rest] = inputs.shape as number[];
    // The timestep mask belongs to this layer's output, not to the folded samples inside.
    const out = this.layer.apply(reshape(inputs, [batch! * steps!, ...rest]), {
      training: opts.training,
      mask: null,
    }) as Tensor | Tensor[];
    const unfold = (t: Tensor): Tensor => reshape(t, [batch!, steps!, ...t.shape.slice(1)]);
    return Array.isArray(out) ? out.map(unfold) : unfold(out);
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
