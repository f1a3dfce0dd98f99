/**
 * Keras `layers.Softmax`: softmax along `axis` (one axis or several), with Keras's mask: masked
 * positions get a large negative logit (−1e9) before the softmax and 0 after it, so a fully
 * masked row gives zeros rather than a uniform distribution.
 */
import { ValueError } from "../../errors.js";
import { greater, where } from "../../ops/elementwise.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import type { CallOptions, LayerArgs } from "../layer.js";
import { registerKerasLayers } from "../registry.js";
import { ActivationLayer } from "./activation-layer.js";
import { softmax } from "./functions.js";

export interface SoftmaxArgs extends LayerArgs {
  /** The axis, or axes, the softmax normalizes over (default −1). */
  axis?: number | readonly number[];
}

/** Keras's `_large_negative_number` for float32 and float64 (−3e4 is for float16, absent here). */
const LARGE_NEGATIVE = -1e9;

export class Softmax extends ActivationLayer {
  readonly axis: number | number[];

  constructor(args: SoftmaxArgs = {}) {
    super(args, ["axis"]);
    const axis = args.axis ?? -1;
    const axes = typeof axis === "number" ? [axis] : axis;
    if (!Array.isArray(axes) || axes.length === 0 || !axes.every((a) => Number.isInteger(a))) {
      throw new ValueError(
        `${this.where()}: axis must be an integer or a non-empty list of integers; received axis=${JSON.stringify(axis)}`,
      );
    }
    this.axis = typeof axis === "number" ? axis : [...axis];
  }

  call(inputs: Tensor, opts: CallOptions = {}): Tensor {
    const mask = Array.isArray(opts.mask) ? (opts.mask[0] ?? null) : (opts.mask as Tensor | null);
    if (!mask) return softmax(inputs, this.axis);
    this.checkMask(inputs, mask);
    // Keep positions where the mask is true (or > 0.5 for a numeric mask).
    const keep = mask.dtype === "bool" ? mask : greater(mask, 0.5);
    const y = softmax(where(keep, inputs, LARGE_NEGATIVE), this.axis);
    return where(keep, y, 0);
  }

  /** Keras: the mask broadcasts to the inputs, with no more axes and each axis 1 or equal. */
  private checkMask(inputs: Tensor, mask: Tensor): void {
    const bad =
      mask.rank > inputs.rank ||
      mask.shape.some((d, i) => {
        const j = inputs.rank - mask.rank + i;
        return d !== 1 && d !== inputs.shape[j];
      });
    if (bad) {
      throw new ValueError(
        `${this.where()}: the mask must be broadcastable to the inputs (each mask axis 1 or the ` +
          `input's size, no more axes); received inputs.shape=[${inputs.shape}], mask.shape=[${mask.shape}]`,
      );
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), axis: Array.isArray(this.axis) ? [...this.axis] : this.axis };
  }

  static fromConfig(config: Record<string, unknown>): Softmax {
    return new Softmax(fromKerasConfig(config) as SoftmaxArgs);
  }
}

registerKerasLayers({ Softmax });
