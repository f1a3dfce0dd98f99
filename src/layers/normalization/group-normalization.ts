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
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

export interface GroupNormalizationArgs extends LayerArgs {
  /** Channel groups (default 32); -1 means one group per channel (instance normalization). */
  groups?: number;
  /** The channel axis (default -1); older configs wrote it as a one-element list. */
  axis?: number | readonly number[];
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: string | Initializer | KerasObject;
  gammaInitializer?: string | Initializer | KerasObject;
  betaRegularizer?: string | Regularizer | KerasObject | null;
  gammaRegularizer?: string | Regularizer | KerasObject | null;
  betaConstraint?: string | Constraint | KerasObject | null;
  gammaConstraint?: string | Constraint | KerasObject | null;
}

/**
 * Keras `GroupNormalization` (Wu & He, 2018): the channels along `axis` are split into `groups`
 * contiguous groups, and each example is normalized per group over the group's channels and
 * every other non-batch axis: `gamma · (x − mean) / sqrt(var + epsilon) + beta`, with gamma
 * and beta per channel (weights "gamma" then "beta", shape [channels]). Masks pass through.
 */
export class GroupNormalization extends Layer {
  /** Becomes the channel count when built with -1, as Keras's does. */
  groups: number;
  readonly axis: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  gamma: Variable | null = null;
  beta: Variable | null = null;

  constructor(private readonly args: GroupNormalizationArgs = {}) {
    super(args);
    const where = this.where();
    const groups = args.groups ?? 32;
    if (!Number.isInteger(groups) || (groups <= 0 && groups !== -1)) {
      throw new ValueError(
        `${where}: groups must be a positive integer (or -1 for instance normalization); ` +
          `received groups=${JSON.stringify(args.groups)}`,
      );
    }
    this.groups = groups;
    const axis = Array.isArray(args.axis) && args.axis.length === 1 ? args.axis[0] : args.axis;
    if (axis !== undefined && !Number.isInteger(axis)) {
      throw new ValueError(
        `${where}: axis must be an integer; received axis=${JSON.stringify(args.axis)}`,
      );
    }
    this.axis = (axis as number | undefined) ?? -1;
    this.epsilon = args.epsilon ?? 1e-3;
    this.center = args.center ?? true;
    this.scale = args.scale ?? true;
    this.supportsMasking = true;
  }

  private resolveAxis(rank: number, shape: ShapeSpec): number {
    if (this.axis < -rank || this.axis >= rank) {
      throw new ValueError(
        `${this.where()}: axis ${this.axis} is out of bounds for inputs of shape ${fmtSpec(shape)}`,
      );
    }
    return this.axis < 0 ? this.axis + rank : this.axis;
  }

  override build(inputShape: ShapeSpec): void {
    const where = this.where();
    const axis = this.resolveAxis(inputShape.length, inputShape);
    const dim = inputShape[axis];
    if (dim === null || dim === undefined) {
      throw new ValueError(
        `${where}: axis ${this.axis} of the inputs must have a known size; received shape ` +
          fmtSpec(inputShape),
      );
    }
    if (this.groups === -1) this.groups = dim;
    if (dim < this.groups || dim % this.groups !== 0) {
      throw new ValueError(
        `${where}: the number of channels (${dim}) must be a multiple of groups, and at least ` +
          `groups; received groups=${this.groups} for inputs of shape ${fmtSpec(inputShape)}`,
      );
    }
    const a = this.args;
    if (this.scale) {
      this.gamma = this.addWeight({
        name: "gamma",
        shape: [dim],
        initializer: a.gammaInitializer ?? "ones",
        regularizer: a.gammaRegularizer as Regularizer | string | null | undefined,
        constraint: a.gammaConstraint as Constraint | string | null | undefined,
      });
    }
    if (this.center) {
      this.beta = this.addWeight({
        name: "beta",
        shape: [dim],
        initializer: a.betaInitializer ?? "zeros",
        regularizer: a.betaRegularizer as Regularizer | string | null | undefined,
        constraint: a.betaConstraint as Constraint | string | null | undefined,
      });
    }
  }

  call(inputs: Tensor): Tensor {
    const shape = inputs.shape as number[];
    const axis = this.resolveAxis(shape.length, shape);
    const dim = shape[axis]!;
    const g = this.groups;
    // (…, channels, …) → (…, groups, channels / groups, …)
    const grouped = [...shape.slice(0, axis), g, dim / g, ...shape.slice(axis + 1)];
    const x = reshape(inputs, grouped);
    const reduce = grouped.map((_, i) => i).filter((i) => i !== 0 && i !== axis);
    const mean = meanOf(x, reduce, true);
    let inv = rsqrt(add(varianceOf(x, reduce, true), this.epsilon));
    const along = grouped.map((d, i) => (i === axis || i === axis + 1 ? d : 1));
    if (this.gamma) inv = multiply(inv, reshape(this.gamma, along));
    const shift = this.beta
      ? subtract(reshape(this.beta, along), multiply(mean, inv))
      : multiply(multiply(mean, inv), -1);
    return reshape(add(multiply(x, inv), shift), shape);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    this.resolveAxis(inputShape.length, inputShape);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...super.getConfig(),
      groups: this.groups,
      axis: this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: serializeInitializer(a.betaInitializer, "zeros"),
      gamma_initializer: serializeInitializer(a.gammaInitializer, "ones"),
      beta_regularizer: serializeRegularizer(a.betaRegularizer),
      gamma_regularizer: serializeRegularizer(a.gammaRegularizer),
      beta_constraint: serializeConstraint(a.betaConstraint),
      gamma_constraint: serializeConstraint(a.gammaConstraint),
    };
  }

  static fromConfig(config: Record<string, unknown>): GroupNormalization {
    return new GroupNormalization(fromKerasConfig(config) as GroupNormalizationArgs);
  }
}

registerKerasLayers({ GroupNormalization });
