/** Keras `layers.LeakyReLU`: x for x ≥ 0, negativeSlope · x otherwise. */
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import type { LayerArgs } from "../layer.js";
import { registerKerasLayers } from "../registry.js";
import { ActivationLayer, nonNegative } from "./activation-layer.js";
import { leakyRelu } from "./functions.js";

export interface LeakyReLUArgs extends LayerArgs {
  /** Slope for x < 0 (Keras `negative_slope`, >= 0). Keras 3's default is 0.3. */
  negativeSlope?: number;
}

export class LeakyReLU extends ActivationLayer {
  readonly negativeSlope: number;

  constructor(args: LeakyReLUArgs = {}) {
    super(args, ["negativeSlope"], { alpha: "negativeSlope" });
    this.negativeSlope = nonNegative(args.negativeSlope ?? 0.3, this.where(), "negative_slope")!;
  }

  call(inputs: Tensor): Tensor {
    return leakyRelu(inputs, this.negativeSlope);
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), negative_slope: this.negativeSlope };
  }

  /** Keras 2 wrote the slope as `alpha`; Keras 3 reads it as `negative_slope`, and so do we. */
  static fromConfig(config: Record<string, unknown>): LeakyReLU {
    const { alpha, ...args } = fromKerasConfig(config) as LeakyReLUArgs & { alpha?: number };
    return new LeakyReLU(alpha !== undefined ? { ...args, negativeSlope: alpha } : args);
  }
}

registerKerasLayers({ LeakyReLU });
