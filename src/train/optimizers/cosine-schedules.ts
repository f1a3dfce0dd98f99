/** The cosine learning rate schedules: CosineDecay (with optional warmup) and CosineDecayRestarts. */
import { ValueError } from "../../errors.js";
import { LearningRateSchedule, checkDecaySteps, checkNumber } from "./schedule-base.js";

/**
 * Optional linear warmup from `initialLearningRate` to `warmupTarget` over `warmupSteps`, then
 * cosine decay from the warmup target (or the initial rate without warmup) to `alpha` times it
 * over `decaySteps`: `lr0 · ((1 − alpha) · ½(1 + cos(π · min(t, decaySteps) / decaySteps)) + alpha)`.
 */
export class CosineDecay extends LearningRateSchedule {
  readonly alpha: number;
  readonly name: string;
  readonly warmupTarget: number | null;
  readonly warmupSteps: number;

  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    opts: {
      alpha?: number;
      name?: string;
      warmupTarget?: number | null;
      warmupSteps?: number;
    } = {},
  ) {
    super();
    checkNumber("CosineDecay", "initialLearningRate", initialLearningRate);
    checkDecaySteps("CosineDecay", "decaySteps", decaySteps);
    this.alpha = checkNumber("CosineDecay", "alpha", opts.alpha ?? 0.0);
    this.name = opts.name ?? "CosineDecay";
    this.warmupTarget =
      opts.warmupTarget === null || opts.warmupTarget === undefined
        ? null
        : checkNumber("CosineDecay", "warmupTarget", opts.warmupTarget);
    this.warmupSteps = opts.warmupSteps ?? 0;
    if (!(this.warmupSteps >= 0) || !Number.isFinite(this.warmupSteps)) {
      throw new ValueError(
        `CosineDecay: warmupSteps must be >= 0; received warmupSteps=${String(this.warmupSteps)}`,
      );
    }
  }

  private decay(step: number, from: number): number {
    const cosine = 0.5 * (1 + Math.cos(Math.PI * (step / this.decaySteps)));
    return from * ((1 - this.alpha) * cosine + this.alpha);
  }

  call(step: number): number {
    if (this.warmupTarget === null)
      return this.decay(Math.min(step, this.decaySteps), this.initialLearningRate);
    const t = Math.min(step, this.decaySteps + this.warmupSteps);
    if (t < this.warmupSteps) {
      // Linear ramp: initial + (target − initial) · t / warmupSteps.
      return (
        (this.warmupTarget - this.initialLearningRate) * (t / this.warmupSteps) +
        this.initialLearningRate
      );
    }
    return this.decay(t - this.warmupSteps, this.warmupTarget);
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      alpha: this.alpha,
      name: this.name,
      warmup_target: this.warmupTarget,
      warmup_steps: this.warmupSteps,
    };
  }
}

/**
 * SGDR: cosine decay that restarts. Period i lasts `firstDecaySteps · tMul^i` steps and starts
 * from `initialLearningRate · mMul^i`; within a period the factor is `(1 − alpha) · ½(1 + cos(πf)) + alpha`.
 */
export class CosineDecayRestarts extends LearningRateSchedule {
  readonly tMul: number;
  readonly mMul: number;
  readonly alpha: number;
  readonly name: string;

  constructor(
    readonly initialLearningRate: number,
    readonly firstDecaySteps: number,
    opts: { tMul?: number; mMul?: number; alpha?: number; name?: string } = {},
  ) {
    super();
    checkNumber("CosineDecayRestarts", "initialLearningRate", initialLearningRate);
    checkDecaySteps("CosineDecayRestarts", "firstDecaySteps", firstDecaySteps);
    this.tMul = checkNumber("CosineDecayRestarts", "tMul", opts.tMul ?? 2.0);
    this.mMul = checkNumber("CosineDecayRestarts", "mMul", opts.mMul ?? 1.0);
    this.alpha = checkNumber("CosineDecayRestarts", "alpha", opts.alpha ?? 0.0);
    this.name = opts.name ?? "SGDRDecay";
  }

  call(step: number): number {
    let fraction = step / this.firstDecaySteps;
    let restart: number;
    if (this.tMul === 1) {
      restart = Math.floor(fraction);
      fraction -= restart;
    } else {
      // Periods grow geometrically: period i starts at (1 − tMul^i) / (1 − tMul) first-periods.
      restart = Math.floor(Math.log(1 - fraction * (1 - this.tMul)) / Math.log(this.tMul));
      const start = (1 - Math.pow(this.tMul, restart)) / (1 - this.tMul);
      fraction = (fraction - start) / Math.pow(this.tMul, restart);
    }
    const cosine = 0.5 * Math.pow(this.mMul, restart) * (1 + Math.cos(Math.PI * fraction));
    return this.initialLearningRate * ((1 - this.alpha) * cosine + this.alpha);
  }

  getConfig(): Record<string, unknown> {
    return {
      initial_learning_rate: this.initialLearningRate,
      first_decay_steps: this.firstDecaySteps,
      t_mul: this.tMul,
      m_mul: this.mMul,
      alpha: this.alpha,
      name: this.name,
    };
  }
}
