import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import type { Constraint } from "../../nn/constraints.js";
import type { Initializer } from "../../nn/initializers.js";
import type { Regularizer } from "../../nn/regularizers.js";
import type { KerasObject } from "../../nn/serialization.js";
import { add, multiply, rsqrt, subtract } from "../../ops/elementwise.js";
import { reshape } from "../../ops/movement.js";
import { mean as meanOf, variance as varianceOf } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  fromKerasConfig,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
} from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

export interface LayerNormalizationArgs extends LayerArgs {
  /** the axis or axes to normalize over (default -1, the features) */
  axis?: number | readonly number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  /**
   * Keras's deprecated `rms_scaling`: ignores `center` and `scale` and returns
   * `x · gamma / sqrt(var(x) + epsilon)`. (Keras scales by the variance, not by the mean square
   * its name suggests; we follow Keras so that loaded models compute the same.)
   */
  rmsScaling?: boolean;
  betaInitializer?: string | Initializer | KerasObject;
  gammaInitializer?: string | Initializer | KerasObject;
  betaRegularizer?: string | Regularizer | null;
  gammaRegularizer?: string | Regularizer | null;
  betaConstraint?: string | Constraint | null;
  gammaConstraint?: string | Constraint | null;
}

/**
 * Keras `LayerNormalization` (Ba et al., 2016): each example is normalized over `axis` on its own,
 * `gamma · (x − mean) / sqrt(var + epsilon) + beta`, with gamma and beta spanning the normalized
 * axes (shape `[input_shape[a] for a in axis]`).
 */
export class LayerNormalization extends Layer {
  /** As given until built; then Keras's list of non-negative axes. */
  axis: number | number[];
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly rmsScaling: boolean;
  gamma: Variable | null = null;
  beta: Variable | null = null;

  constructor(private readonly args: LayerNormalizationArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    const list = typeof axis === "number" ? [axis] : axis;
    if (!Array.isArray(list) || list.length === 0 || !list.every((a) => Number.isInteger(a))) {
      throw new ValueError(
        `${this.where()}: axis must be an integer or a non-empty list of integers; received axis=${JSON.stringify(axis)}`,
      );
    }
    this.axis = typeof axis === "number" ? axis : [...list];
    this.epsilon = args.epsilon ?? 1e-3;
    if (
      typeof this.epsilon !== "number" ||
      !(this.epsilon >= 0) ||
      !Number.isFinite(this.epsilon)
    ) {
      throw new ValueError(
        `${this.where()}: epsilon must be a non-negative number; received epsilon=${String(args.epsilon)}`,
      );
    }
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.rmsScaling = args.rmsScaling ?? false;
    this.supportsMasking = true;
  }

  override build(inputShape: ShapeSpec): void {
    const axes = this.resolveAxes(inputShape.length);
    const shape = axes.map((a) => {
      const d = inputShape[a];
      if (d === null || d === undefined) {
        throw new ValueError(
          `the normalized axes of the input must have known sizes; received shape ${JSON.stringify(inputShape)}, axis=${JSON.stringify(this.axis)}`,
        );
      }
      return d;
    });
    // Keras stores the axes as a list of non-negative ints once built (its configs read [2], not -1).
    this.axis = axes;
    const a = this.args;
    if (this.scale || this.rmsScaling) {
      this.gamma = this.addWeight({
        name: "gamma",
        shape,
        initializer: a.gammaInitializer ?? "ones",
        regularizer: a.gammaRegularizer,
        constraint: a.gammaConstraint,
      });
    }
    if (this.center && !this.rmsScaling) {
      this.beta = this.addWeight({
        name: "beta",
        shape,
        initializer: a.betaInitializer ?? "zeros",
        regularizer: a.betaRegularizer,
        constraint: a.betaConstraint,
      });
    }
  }

  call(inputs: Tensor): Tensor {
    const axes = this.resolveAxes(inputs.rank);
    const expected = (this.gamma ?? this.beta)?.shape;
    if (expected && axes.some((a, i) => inputs.shape[a] !== expected[i])) {
      throw new ValueError(
        `expected the normalized axes ${JSON.stringify(axes)} of the input to have sizes [${expected}]; received shape [${inputs.shape}]`,
      );
    }
    const sorted = [...axes].sort((x, y) => x - y);
    // gamma/beta are laid out over the axes as listed; like Keras, reshape (not transpose) them
    // onto the input's rank with the normalized axes in increasing order.
    const broadcastShape = inputs.shape.map((d, i) => (sorted.includes(i) ? d : 1));
    const along = (p: Variable | null): Tensor | null => (p ? reshape(p, broadcastShape) : null);
    const gamma = along(this.gamma);
    const variance = varianceOf(inputs, sorted, true);
    let inv = rsqrt(add(variance, this.epsilon));
    if (this.rmsScaling) {
      const y = multiply(inputs, inv);
      return gamma ? multiply(y, gamma) : y;
    }
    // y = x·inv + (beta − mean·inv), inv = gamma / sqrt(var + eps)
    const mean = meanOf(inputs, sorted, true);
    if (gamma) inv = multiply(inv, gamma);
    const beta = along(this.beta);
    const shift = beta ? subtract(beta, multiply(mean, inv)) : multiply(multiply(mean, inv), -1);
    return add(multiply(inputs, inv), shift);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    this.resolveAxes(inputShape.length);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...super.getConfig(),
      axis: Array.isArray(this.axis) ? [...this.axis] : this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      rms_scaling: this.rmsScaling,
      beta_initializer: serializeInitializer(a.betaInitializer, "zeros"),
      gamma_initializer: serializeInitializer(a.gammaInitializer, "ones"),
      beta_regularizer: serializeRegularizer(a.betaRegularizer),
      gamma_regularizer: serializeRegularizer(a.gammaRegularizer),
      beta_constraint: serializeConstraint(a.betaConstraint),
      gamma_constraint: serializeConstraint(a.gammaConstraint),
    };
  }

  static fromConfig(config: Record<string, unknown>): LayerNormalization {
    return new LayerNormalization(fromKerasConfig(config) as LayerNormalizationArgs);
  }

  /** The axes as non-negative indices for an input of this rank; repeats and strays rejected. */
  private resolveAxes(rank: number): number[] {
    const list = typeof this.axis === "number" ? [this.axis] : this.axis;
    const axes = list.map((a) => {
      if (a < -rank || a >= rank) {
        throw new ValueError(
          `axis ${a} is out of bounds for an input of rank ${rank}; received axis=${JSON.stringify(this.axis)}`,
        );
      }
      return a < 0 ? a + rank : a;
    });
    if (new Set(axes).size !== axes.length) {
      throw new ValueError(`axis lists an axis twice; received axis=${JSON.stringify(this.axis)}`);
    }
    return axes;
  }
}

registerKerasLayers({ LayerNormalization });
