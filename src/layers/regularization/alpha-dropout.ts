import { ValueError } from "../../errors.js";
import { add, cast, greaterEqual, multiply, subtract } from "../../ops/elementwise.js";
import { isFloat } from "../../tensor/dtype.js";
import { uniform } from "../../tensor/random.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { Dropout, type DropoutArgs } from "../core/dropout.js";
import type { CallOptions } from "../layer.js";
import { fmtSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

/** SELU's constants (Klambauer et al., 2017), as Keras writes them. */
const ALPHA = 1.6732632423543772;
const SCALE = 1.0507009873554805;

/**
 * Keras `AlphaDropout`: dropout for self-normalizing (SELU) networks. In training each entry is
 * kept when a uniform draw is ≥ rate, else set to α' = −α·λ (SELU's negative saturation), and
 * the result is mapped affinely, a·x + b with a = ((1 − rate)(1 + rate·α'²))^−½ and
 * b = −a·α'·rate, so that zero mean and unit variance are kept. `noiseShape` as Dropout's (null
 * entries take the input's size). The identity at inference; masks pass through. Its arguments,
 * checks, seed stream and config are Dropout's.
 */
export class AlphaDropout extends Dropout {
  /** The uniform draws' shape: the input's, or noiseShape with nulls filled from the input. */
  private concreteNoiseShape(inputs: Tensor): number[] {
    if (!this.noiseShape) return [...inputs.shape];
    const shape = this.noiseShape.map((d, i) => d ?? inputs.shape[i]!);
    const ok =
      shape.length === inputs.rank && shape.every((d, i) => d === 1 || d === inputs.shape[i]);
    if (!ok) {
      throw new ValueError(
        `${this.where()}: noiseShape ${JSON.stringify(this.noiseShape)} does not broadcast ` +
          `against inputs of shape ${fmtSpec(inputs.shape)}`,
      );
    }
    return shape;
  }

  override call(inputs: Tensor, opts: CallOptions = {}): Tensor {
    if (!opts.training || this.rate === 0 || !this.seedGenerator) return inputs;
    const dtype = isFloat(inputs.dtype) ? inputs.dtype : "float32";
    const x = inputs.dtype === dtype ? inputs : cast(inputs, dtype);
    const seed = this.seedGenerator.generator.fork();
    const draws = uniform(this.concreteNoiseShape(x), { seed, dtype });
    const kept = cast(greaterEqual(draws, this.rate), dtype);
    const alphaP = -ALPHA * SCALE;
    const a = ((1 - this.rate) * (1 + this.rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * this.rate;
    // x·kept + α'·(1 − kept), then a·(…) + b
    const mixed = add(multiply(x, kept), multiply(subtract(1, kept), alphaP));
    return add(multiply(mixed, a), b);
  }

  static override fromConfig(config: Record<string, unknown>): AlphaDropout {
    const { rate, ...args } = fromKerasConfig(config);
    return new AlphaDropout(rate as number, args as DropoutArgs);
  }
}

registerKerasLayers({ AlphaDropout });
