/** Keras `layers.ReLU`: relu with a maximum value, a threshold and a negative slope. */
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import type { LayerArgs } from "../layer.js";
import { registerKerasLayers } from "../registry.js";
import { ActivationLayer, nonNegative } from "./activation-layer.js";
import { relu } from "./functions.js";

export interface ReLUArgs extends LayerArgs {
  /** The largest output; null (default) leaves it unbounded. Keras `max_value`, >= 0. */
  maxValue?: number | null;
  /** Slope below the threshold (Keras `negative_slope`, default 0, >= 0). */
  negativeSlope?: number;
  /** Inputs at or below it are damped by the slope or zeroed (Keras `threshold`, default 0, >= 0). */
  threshold?: number;
}

/**
 * f(x) = maxValue for x ≥ maxValue, x for threshold < x < maxValue, and
 * negativeSlope · (x − threshold) otherwise: Keras's `activations.relu` with the layer's settings.
 */
export class ReLU extends ActivationLayer {
  readonly maxValue: number | null;
  readonly negativeSlope: number;
  readonly threshold: number;

  constructor(args: ReLUArgs = {}) {
    super(args, ["maxValue", "negativeSlope", "threshold"]);
    this.maxValue = nonNegative(args.maxValue, this.where(), "max_value", true);
    this.negativeSlope = nonNegative(args.negativeSlope ?? 0, this.where(), "negative_slope")!;
    this.threshold = nonNegative(args.threshold ?? 0, this.where(), "threshold")!;
  }

  call(inputs: Tensor): Tensor {
    return relu(inputs, {
      maxValue: this.maxValue,
      negativeSlope: this.negativeSlope,
      threshold: this.threshold,
    });
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      max_value: this.maxValue,
      negative_slope: this.negativeSlope,
      threshold: this.threshold,
    };
  }

  static fromConfig(config: Record<string, unknown>): ReLU {
    return new ReLU(fromKerasConfig(config) as ReLUArgs);
  }
}

registerKerasLayers({ ReLU });
