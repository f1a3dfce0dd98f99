import { noGrad } from "../../autodiff/tape.js";
import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import type { Constraint } from "../../nn/constraints.js";
import type { Initializer } from "../../nn/initializers.js";
import type { Regularizer } from "../../nn/regularizers.js";
import type { KerasObject } from "../../nn/serialization.js";
import {
  add,
  cast,
  clip,
  divide,
  maximum,
  minimum,
  multiply,
  relu,
  rsqrt,
  sqrt,
  square,
  subtract,
} from "../../ops/elementwise.js";
import { broadcastTo, expandDims, reshape, squeeze } from "../../ops/movement.js";
import { mean as meanOf, sum, variance as varianceOf } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  fromKerasConfig,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
} from "../config.js";
import { type CallOptions, Layer, type LayerArgs } from "../layer.js";
import type { ShapeSpec } from "../shape-spec.js";
import { registerKerasLayers } from "../registry.js";

/** Batch renormalization's clipping of its corrections r ∈ [rmin, rmax] and |d| ≤ dmax. */
export interface RenormClipping {
  rmax?: number | null;
  rmin?: number | null;
  dmax?: number | null;
}

export interface BatchNormalizationArgs extends LayerArgs {
  axis?: number;
  momentum?: number;
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
  betaInitializer?: string | Initializer | KerasObject;
  gammaInitializer?: string | Initializer | KerasObject;
  movingMeanInitializer?: string | Initializer | KerasObject;
  movingVarianceInitializer?: string | Initializer | KerasObject;
  betaRegularizer?: string | Regularizer | null;
  gammaRegularizer?: string | Regularizer | null;
  betaConstraint?: string | Constraint | null;
  gammaConstraint?: string | Constraint | null;
  /** Keras accepts `true` only on its TensorFlow backend; here only `false`. */
  synchronized?: boolean;
  renorm?: boolean;
  renormClipping?: RenormClipping | null;
  renormMomentum?: number;
}

/** Keras's `backend.epsilon()`, which guards the masked moments against an all-masked batch. */
const FUZZ = 1e-7;

/**
 * Keras `BatchNormalization`: `gamma · (x − mean) / sqrt(var + epsilon) + beta` per feature of
 * `axis`. Training uses the batch's moments (biased variance) and moves the moving statistics
 * towards them (`moving = moving·momentum + batch·(1 − momentum)`); inference uses the moving
 * statistics. A frozen layer (`trainable = false`) always runs in inference mode, as in Keras 3.
 */
export class BatchNormalization extends Layer {
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;
  readonly renorm: boolean;
  readonly renormClipping: RenormClipping | null;
  readonly renormMomentum: number;
  gamma: Variable | null = null;
  beta: Variable | null = null;
  movingMean!: Variable;
  movingVariance!: Variable;
  /** batch renormalization only: the inference stddev and the renorm statistics */
  movingStddev: Variable | null = null;
  renormMean: Variable | null = null;
  renormStddev: Variable | null = null;

  constructor(private readonly args: BatchNormalizationArgs = {}) {
    super(args);
    const axis = args.axis ?? -1;
    if (!Number.isInteger(axis)) {
      throw new ValueError(
        `${this.where()}: axis must be an integer; received axis=${String(axis)}`,
      );
    }
    this.axis = axis;
    this.momentum = checkFraction(args.momentum ?? 0.99, "momentum", this.where());
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
    if (args.synchronized) {
      throw new ValueError(
        `${this.where()}: synchronized=true is only supported with Keras's TensorFlow backend; received synchronized=true`,
      );
    }
    this.renorm = args.renorm ?? false;
    this.renormMomentum = checkFraction(
      args.renormMomentum ?? 0.99,
      "renormMomentum",
      this.where(),
    );
    // Keras keeps `renorm_clipping` as given, but turns a missing one into {} when renorm is on.
    this.renormClipping = this.renorm
      ? checkClipping(args.renormClipping ?? {}, this.where())
      : (args.renormClipping ?? null);
    this.supportsMasking = true;
  }

  override build(inputShape: ShapeSpec): void {
    const axis = this.resolveAxis(inputShape.length);
    const dim = inputShape[axis];
    if (dim === null || dim === undefined) {
      throw new ValueError(
        `axis ${this.axis} of the input must have a known size; received shape ${JSON.stringify(inputShape)}`,
      );
    }
    const a = this.args;
    const shape = [dim];
    // Keras's creation order; `weights` lists the trainable ones first, which it keeps.
    if (this.scale) {
      this.gamma = this.addWeight({
        name: "gamma",
        shape,
        initializer: a.gammaInitializer ?? "ones",
        regularizer: a.gammaRegularizer,
        constraint: a.gammaConstraint,
      });
    }
    if (this.center) {
      this.beta = this.addWeight({
        name: "beta",
        shape,
        initializer: a.betaInitializer ?? "zeros",
        regularizer: a.betaRegularizer,
        constraint: a.betaConstraint,
      });
    }
    const movingVarianceInit = a.movingVarianceInitializer ?? "ones";
    this.movingMean = this.addWeight({
      name: "moving_mean",
      shape,
      initializer: a.movingMeanInitializer ?? "zeros",
      trainable: false,
    });
    this.movingVariance = this.addWeight({
      name: "moving_variance",
      shape,
      initializer: movingVarianceInit,
      trainable: false,
    });
    if (this.renorm) {
      // Batch renorm tracks the inference stddev rather than the variance; both stddevs start
      // at the square root of the moving-variance initializer's values.
      const stddev = (name: string): Variable => {
        const v = this.addWeight({
          name,
          shape,
          initializer: movingVarianceInit,
          trainable: false,
        });
        v.assign(sqrt(v.value));
        return v;
      };
      this.movingStddev = stddev("moving_stddev");
      this.renormMean = this.addWeight({
        name: "renorm_mean",
        shape,
        initializer: a.movingMeanInitializer ?? "zeros",
        trainable: false,
      });
      this.renormStddev = stddev("renorm_stddev");
    }
  }

  call(inputs: Tensor, opts: CallOptions): Tensor {
    const axis = this.resolveAxis(inputs.rank);
    const features = this.movingMean.shape[0]!;
    if (inputs.shape[axis] !== features) {
      throw new ValueError(
        `expected axis ${this.axis} of the input to have size ${features}; received shape [${inputs.shape}]`,
      );
    }
    const mask = Array.isArray(opts.mask)
      ? (opts.mask[0] ?? null)
      : (opts.mask as Tensor | null | undefined);
    if (mask && mask.rank !== inputs.rank - 1) {
      throw new ValueError(
        `the mask should have one axis less than the inputs; received mask.shape=[${mask.shape}], inputs.shape=[${inputs.shape}]`,
      );
    }
    // Parameters of shape [C] broadcast along `axis` of the input.
    const along = (p: Tensor | Variable): Tensor => {
      const shape = inputs.shape.map((_, i) => (i === axis ? features : 1));
      return reshape(p, shape);
    };
    let mean: Tensor;
    let variance: Tensor;
    let gamma: Tensor | Variable | null = this.gamma;
    let beta: Tensor | Variable | null = this.beta;
    if (opts.training && this.trainable) {
      [mean, variance] = this.moments(inputs, axis, mask ?? null);
      if (this.renorm) {
        // (x̂·r + d)·gamma + beta = x̂·(r·gamma) + (d·gamma + beta): renorm folds its
        // corrections, which carry no gradient, into the affine transform.
        const [r, d] = this.renormCorrections(mean, variance);
        const g = gamma;
        gamma = g ? multiply(r, g) : r;
        beta = beta ? add(g ? multiply(d, g) : d, beta) : g ? multiply(d, g) : d;
        this.updateRenormStatistics(mean, variance);
      } else {
        noGrad(() => {
          this.movingMean.assign(movingAverage(this.movingMean.value, mean, this.momentum));
          this.movingVariance.assign(
            movingAverage(this.movingVariance.value, variance, this.momentum),
          );
        });
      }
    } else {
      mean = this.movingMean.value;
      variance = this.movingVariance.value;
    }
    // y = x·inv + (beta − mean·inv) with inv = gamma / sqrt(var + eps): two full-size ops.
    let inv: Tensor = rsqrt(add(variance, this.epsilon));
    if (gamma) inv = multiply(inv, gamma);
    let shift: Tensor = multiply(mean, inv);
    shift = beta ? subtract(beta, shift) : multiply(shift, -1);
    return add(multiply(inputs, along(inv)), along(shift));
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    this.resolveAxis(inputShape.length);
    return inputShape;
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    return {
      ...super.getConfig(),
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      beta_initializer: serializeInitializer(a.betaInitializer, "zeros"),
      gamma_initializer: serializeInitializer(a.gammaInitializer, "ones"),
      moving_mean_initializer: serializeInitializer(a.movingMeanInitializer, "zeros"),
      moving_variance_initializer: serializeInitializer(a.movingVarianceInitializer, "ones"),
      beta_regularizer: serializeRegularizer(a.betaRegularizer),
      gamma_regularizer: serializeRegularizer(a.gammaRegularizer),
      beta_constraint: serializeConstraint(a.betaConstraint),
      gamma_constraint: serializeConstraint(a.gammaConstraint),
      synchronized: false,
      renorm: this.renorm,
      renorm_clipping: this.renormClipping === null ? null : { ...this.renormClipping },
      renorm_momentum: this.renormMomentum,
    };
  }

  static fromConfig(config: Record<string, unknown>): BatchNormalization {
    return new BatchNormalization(fromKerasConfig(config) as BatchNormalizationArgs);
  }

  // ------------------------------------------------------------ internals

  private resolveAxis(rank: number): number {
    if (this.axis < -rank || this.axis >= rank) {
      throw new ValueError(
        `axis ${this.axis} is out of bounds for an input of rank ${rank}; received axis=${this.axis}`,
      );
    }
    return this.axis < 0 ? this.axis + rank : this.axis;
  }

  /** Mean and biased variance over every axis but `axis`; masked entries (mask 0) left out. */
  private moments(x: Tensor, axis: number, mask: Tensor | null): [Tensor, Tensor] {
    const reduce = x.shape.map((_, i) => i).filter((i) => i !== axis);
    if (!mask) return [meanOf(x, reduce), varianceOf(x, reduce)];
    // Keras's weighted moments: w broadcast over the features, Σw·x / (Σw + ε) and
    // Σw·(w·x − mean)² / (Σw + ε); for a 0/1 mask the second is the masked variance.
    const w = broadcastTo(expandDims(cast(mask, x.dtype), -1), [...x.shape]);
    const wx = multiply(w, x);
    const total = add(sum(w, reduce, true), FUZZ);
    const mean = divide(sum(wx, reduce, true), total);
    const variance = divide(sum(multiply(w, square(subtract(wx, mean))), reduce, true), total);
    return [squeeze(mean, reduce), squeeze(variance, reduce)];
  }

  /** r = σ_batch / σ_renorm and d = (μ_batch − μ_renorm) / σ_renorm, clipped, without gradient. */
  private renormCorrections(mean: Tensor, variance: Tensor): [Tensor, Tensor] {
    return noGrad(() => {
      const stddev = sqrt(add(variance, this.epsilon));
      // Avoids dividing by ~0 early in training.
      const renormStddev = maximum(this.renormStddev!.value, Math.sqrt(this.epsilon));
      let r = divide(stddev, renormStddev);
      let d = divide(subtract(mean, this.renormMean!.value), renormStddev);
      const { rmin, rmax, dmax } = this.renormClipping ?? {};
      if (rmin !== null && rmin !== undefined) r = maximum(r, rmin);
      if (rmax !== null && rmax !== undefined) r = minimum(r, rmax);
      if (dmax !== null && dmax !== undefined) d = clip(d, -dmax, dmax);
      return [r, d];
    });
  }

  private updateRenormStatistics(mean: Tensor, variance: Tensor): void {
    noGrad(() => {
      const stddev = sqrt(add(variance, this.epsilon));
      this.renormMean!.assign(movingAverage(this.renormMean!.value, mean, this.renormMomentum));
      this.renormStddev!.assign(
        movingAverage(this.renormStddev!.value, stddev, this.renormMomentum),
      );
      this.movingMean.assign(movingAverage(this.movingMean.value, mean, this.momentum));
      const movingStddev = movingAverage(this.movingStddev!.value, stddev, this.momentum);
      this.movingStddev!.assign(movingStddev);
      // The variance follows from the stddev; relu guards against rounding below zero.
      this.movingVariance.assign(relu(subtract(square(movingStddev), this.epsilon)));
    });
  }
}

/** moving·momentum + value·(1 − momentum) */
function movingAverage(moving: Tensor, value: Tensor, momentum: number): Tensor {
  return add(multiply(moving, momentum), multiply(value, 1 - momentum));
}

function checkFraction(value: number, name: string, where: string): number {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) {
    throw new ValueError(
      `${where}: ${name} must be a number in [0, 1]; received ${name}=${String(value)}`,
    );
  }
  return value;
}

function checkClipping(clipping: RenormClipping, where: string): RenormClipping {
  const extra = Object.keys(clipping).filter((k) => !["rmax", "rmin", "dmax"].includes(k));
  if (extra.length > 0) {
    throw new ValueError(
      `${where}: renormClipping accepts the keys rmax, rmin, dmax; received renormClipping=${JSON.stringify(clipping)}`,
    );
  }
  const { rmax, rmin, dmax } = clipping;
  if (rmax != null && rmin != null && rmax < rmin) {
    throw new ValueError(
      `${where}: renormClipping needs rmax ≥ rmin; received rmax=${rmax}, rmin=${rmin}`,
    );
  }
  if (dmax != null && dmax < 0) {
    throw new ValueError(`${where}: renormClipping needs dmax ≥ 0; received dmax=${dmax}`);
  }
  return clipping;
}

registerKerasLayers({ BatchNormalization });
