/**
 * Muon as Keras 3.16's `Muon` (keras/src/optimizers/muon.py): 2-D weights follow momentum whose
 * step is orthogonalized by a quintic Newton–Schulz iteration; every other variable (not 2-D, a
 * name containing "embedding" with `excludeEmbeddings`, or matching an `excludeLayers` regular
 * expression) follows AdamW. Per 2-D weight, with μ = momentum:
 *   m ← μm + g;  G = nesterov ? g + μm : m
 *   X = G (transposed when taller than wide) / (‖G‖_F + 1e-7);  ns_steps times:
 *     A = XXᵀ;  X ← aX + (bA + cA²)X   (a, b, c = muonA, muonB, muonC)
 *   w ← w − lr·X·√max(rows, cols)·rmsRate   (no rescaling when rmsRate is null)
 * AdamW variables: Adam's bias-corrected step with lr·adamLrRatio, adamBeta1/2 and ε.
 * Weight decay w ← w − w·wd·lr uses `weightDecay` for Muon weights and `adamWeightDecay` for the rest.
 * Slots, variable by variable as Keras creates them: momentum, then velocity for AdamW variables.
 */
import { type LearningRate, withLearningRate } from "./options.js";
import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import { add, divide, multiply, sqrt, square, subtract } from "../../ops/elementwise.js";
import { matmul } from "../../ops/linalg.js";
import { transpose } from "../../ops/movement.js";
import { sum } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  Optimizer,
  type OptimizerOptions,
  type SlotGroup,
  checkBool,
  checkRange,
} from "./optimizer.js";

export interface MuonOptions extends OptimizerOptions {
  adamBeta1?: number;
  adamBeta2?: number;
  adamWeightDecay?: number | null;
  epsilon?: number;
  excludeLayers?: readonly string[] | null;
  excludeEmbeddings?: boolean;
  muonA?: number;
  muonB?: number;
  muonC?: number;
  adamLrRatio?: number;
  momentum?: number;
  nsSteps?: number;
  nesterov?: boolean;
  rmsRate?: number | null;
}

const KEYS = [
  "adamBeta1",
  "adamBeta2",
  "adamWeightDecay",
  "epsilon",
  "excludeLayers",
  "excludeEmbeddings",
  "muonA",
  "muonB",
  "muonC",
  "adamLrRatio",
  "momentum",
  "nsSteps",
  "nesterov",
  "rmsRate",
];

function finite(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new ValueError(
      `Muon: ${name} must be a finite number; received ${name}=${String(value)}`,
    );
  }
  return value;
}

export class Muon extends Optimizer {
  readonly adamBeta1: number;
  readonly adamBeta2: number;
  readonly adamWeightDecay: number | null;
  readonly epsilon: number;
  readonly excludeLayers: string[];
  readonly excludeEmbeddings: boolean;
  readonly muonA: number;
  readonly muonB: number;
  readonly muonC: number;
  readonly adamLrRatio: number;
  readonly momentum: number;
  readonly nsSteps: number;
  readonly nesterov: boolean;
  readonly rmsRate: number | null;

  constructor(learningRate?: LearningRate | MuonOptions, opts?: MuonOptions);
  constructor(first?: LearningRate | MuonOptions, more?: MuonOptions) {
    const opts = withLearningRate("Muon", first, more);
    // Keras's default weight_decay is 0.004 here; null turns it off for the Muon weights.
    super(
      { ...opts, weightDecay: opts.weightDecay === undefined ? 0.004 : opts.weightDecay },
      { learningRate: 0.001, keys: KEYS },
    );
    const w = "Muon";
    this.adamBeta1 = checkRange(w, "adamBeta1", opts.adamBeta1 ?? 0.9, [0, 1], { openHigh: true });
    this.adamBeta2 = checkRange(w, "adamBeta2", opts.adamBeta2 ?? 0.999, [0, 1], {
      openHigh: true,
    });
    this.adamWeightDecay =
      opts.adamWeightDecay === null
        ? null
        : checkRange(w, "adamWeightDecay", opts.adamWeightDecay ?? 0.004, [0, Infinity]);
    this.epsilon = checkRange(w, "epsilon", opts.epsilon ?? 1e-7, [0, Infinity]);
    const exclude = opts.excludeLayers ?? [];
    if (!Array.isArray(exclude) || exclude.some((e) => typeof e !== "string")) {
      throw new ValueError(
        `Muon: excludeLayers must be a list of regular expressions (strings); received ${String(exclude)}`,
      );
    }
    this.excludeLayers = [...exclude];
    this.excludeEmbeddings = checkBool(w, "excludeEmbeddings", opts.excludeEmbeddings ?? true);
    this.muonA = finite("muonA", opts.muonA ?? 3.4445);
    this.muonB = finite("muonB", opts.muonB ?? -4.775);
    this.muonC = finite("muonC", opts.muonC ?? 2.0315);
    this.adamLrRatio = finite("adamLrRatio", opts.adamLrRatio ?? 1);
    this.momentum = finite("momentum", opts.momentum ?? 0.95);
    const ns = opts.nsSteps ?? 5;
    if (!Number.isInteger(ns) || ns < 0) {
      throw new ValueError(`Muon: nsSteps must be an integer >= 0; received nsSteps=${String(ns)}`);
    }
    this.nsSteps = ns;
    this.nesterov = checkBool(w, "nesterov", opts.nesterov ?? true);
    this.rmsRate = opts.rmsRate === null ? null : finite("rmsRate", opts.rmsRate ?? 0.2);
  }

  /** Keras's `_should_use_adamw`: not 2-D, an embedding, or a name an excludeLayers pattern matches. */
  usesAdamW(v: { shape: readonly number[]; name: string }): boolean {
    if (v.shape.length !== 2) return true;
    if (this.excludeEmbeddings && v.name.toLowerCase().includes("embedding")) return true;
    return this.excludeLayers.some((pattern) => new RegExp(pattern).test(v.name));
  }

  protected override slotSpecs(): SlotGroup[] {
    return [
      [
        { name: "momentum" },
        { name: "velocity", shape: (s, v) => (this.usesAdamW(v) ? [...s] : null) },
      ],
    ];
  }

  protected override weightDecayFor(v: Variable): number | null {
    return this.usesAdamW(v) ? this.adamWeightDecay : this.weightDecay;
  }

  protected updateStep(g: Tensor, w: Tensor, slots: readonly Variable[], lr: number): Tensor {
    const [m, v] = slots as [Variable, Variable?];
    return v ? this.adamwStep(g, w, m, v, lr * this.adamLrRatio) : this.muonStep(g, w, m, lr);
  }

  private muonStep(g: Tensor, w: Tensor, momentum: Variable, lr: number): Tensor {
    const m = add(multiply(momentum, this.momentum), g);
    momentum.assign(m);
    const direction = this.nesterov ? add(g, multiply(m, this.momentum)) : m;
    let update = multiply(this.newtonSchulz(direction), lr);
    if (this.rmsRate !== null) {
      update = multiply(update, Math.sqrt(Math.max(w.shape[0]!, w.shape[1]!)) * this.rmsRate);
    }
    return subtract(w, update);
  }

  /** The quintic Newton–Schulz iteration towards the orthogonal factor of a 2-D `g` (Keras's zeropower_via_newtonschulz5). */
  newtonSchulz(g: Tensor, steps = this.nsSteps): Tensor {
    const tall = g.shape[0]! > g.shape[1]!;
    let x = tall ? transpose(g) : g;
    x = divide(x, add(sqrt(sum(square(x))), 1e-7));
    for (let i = 0; i < steps; i++) {
      const a = matmul(x, transpose(x));
      const b = add(multiply(a, this.muonB), multiply(matmul(a, a), this.muonC));
      x = add(multiply(x, this.muonA), matmul(b, x));
    }
    return tall ? transpose(x) : x;
  }

  private adamwStep(g: Tensor, w: Tensor, momentum: Variable, velocity: Variable, lr: number) {
    const t = this.iterations + 1;
    const alpha =
      (lr * Math.sqrt(1 - Math.pow(this.adamBeta2, t))) / (1 - Math.pow(this.adamBeta1, t));
    const m = add(momentum, multiply(subtract(g, momentum), 1 - this.adamBeta1));
    const v = add(velocity, multiply(subtract(square(g), velocity), 1 - this.adamBeta2));
    momentum.assign(m);
    velocity.assign(v);
    return subtract(w, divide(multiply(m, alpha), add(sqrt(v), this.epsilon)));
  }

  protected override ownConfig(): Record<string, unknown> {
    return {
      adam_beta_1: this.adamBeta1,
      adam_beta_2: this.adamBeta2,
      epsilon: this.epsilon,
      exclude_layers: this.excludeLayers,
      muon_a: this.muonA,
      muon_b: this.muonB,
      muon_c: this.muonC,
      adam_lr_ratio: this.adamLrRatio,
      momentum: this.momentum,
      ns_steps: this.nsSteps,
      nesterov: this.nesterov,
      exclude_embeddings: this.excludeEmbeddings,
      adam_weight_decay: this.adamWeightDecay,
      rms_rate: this.rmsRate,
    };
  }
}
