import type { Variable } from "../../autodiff/variable.js";
import type { Initializer } from "../../nn/initializers.js";
import type { KerasObject } from "../../nn/serialization.js";
import { type Activation, activation as getActivation } from "../../ops/activations.js";
import { add, multiply, subtract } from "../../ops/elementwise.js";
import { concatenate, split } from "../../ops/join.js";
import { matmul } from "../../ops/linalg.js";
import { reshape } from "../../ops/movement.js";
import { gruSequence } from "../../ops/rnn.js";
import type { Tensor } from "../../tensor/tensor.js";
import { activationName, fromKerasConfig } from "../config.js";
import {
  type CellArgs,
  type SequenceOp,
  GateCell,
  type PreparedSequence,
  type StepFn,
  layerFields,
  cellArgs,
} from "./rnn-cell.js";
import { RNN, type RNNArgs } from "./rnn.js";
import { registerKerasLayers } from "../registry.js";

export interface GRUCellArgs extends CellArgs {
  recurrentActivation?: string | Activation | null;
  /** apply the reset gate after the recurrent matmul (Keras default, cuDNN-compatible) */
  resetAfter?: boolean;
}

export interface GRUArgs extends GRUCellArgs, RNNArgs {}

const CELL_KEYS = [
  "units",
  "activation",
  "recurrent_activation",
  "use_bias",
  "kernel_initializer",
  "recurrent_initializer",
  "bias_initializer",
  "kernel_regularizer",
  "recurrent_regularizer",
  "bias_regularizer",
  "kernel_constraint",
  "recurrent_constraint",
  "bias_constraint",
  "dropout",
  "recurrent_dropout",
  "reset_after",
  "seed",
] as const;
const LAYER_KEYS = [
  ...CELL_KEYS.slice(0, 10),
  "activity_regularizer",
  ...CELL_KEYS.slice(10),
] as const;

// The activations lstmSequence / gruSequence implement (Keras's defaults).
const TANH = getActivation("tanh");
const SIGMOID = getActivation("sigmoid");

function recurrentGiven(args: GRUCellArgs): string | Activation | null {
  return args.recurrentActivation === undefined ? "sigmoid" : args.recurrentActivation;
}

/**
 * One GRU step, gates in Keras's order z, r, h along the 3·units columns. With `resetAfter`
 * (default) the bias has two rows, for the input and the recurrent projections:
 *   z = σ(x Wz + bz + h Uz + b'z),  r = σ(x Wr + br + h Ur + b'r)
 *   h̃ = tanh(x Wh + bh + r ⊙ (h Uh + b'h))
 * and without it (one bias row) the reset gate acts before the matmul: h̃ = tanh(x Wh + bh + (r ⊙ h) Uh).
 * Then h' = z ⊙ h + (1 − z) ⊙ h̃, computed as h̃ + z ⊙ (h − h̃).
 */
export class GRUCell extends GateCell {
  readonly recurrentActivation: Activation;
  readonly resetAfter: boolean;

  constructor(units: number, args: GRUCellArgs = {}) {
    super(units, 3, args);
    this.recurrentActivation = getActivation(recurrentGiven(args) ?? "linear");
    this.resetAfter = args.resetAfter ?? true;
  }

  protected biasSpec(): { shape: number[]; initializer: Initializer | string | KerasObject } {
    const width = 3 * this.units;
    return {
      shape: this.resetAfter ? [2, width] : [width],
      initializer: this.args.biasInitializer ?? "zeros",
    };
  }

  override prepare(sequence: Tensor, training: boolean): PreparedSequence {
    this.checkSequence(sequence);
    const [, batch, features] = sequence.shape as [number, number, number];
    const n = this.units;
    const perGate = this.recurrentDropout > 0 ? 3 : 1;
    const dropMasks = this.masks(training, this.dropout, perGate, [batch, features]);
    const recMasks = this.masks(training, this.recurrentDropout, 3, [batch, n]);

    let inputBias: Tensor | Variable | null = this.bias;
    let recBias: Tensor | null = null;
    if (this.bias && this.resetAfter) {
      const [b0, b1] = split(this.bias, 2, 0);
      inputBias = reshape(b0!, [3 * n]);
      recBias = reshape(b1!, [3 * n]);
    }
    const inputs = this.projectInputs(sequence, dropMasks, inputBias);
    const u = this.recurrentKernel;
    const [uZR, uH] = split(u, [2 * n], 1) as [Tensor, Tensor];
    const [recBiasZR, recBiasH] = recBias
      ? (split(recBias, [2 * n], 0) as [Tensor, Tensor])
      : [null, null];
    const uZ = recMasks ? split(uZR, 2, 1) : null;
    const act = this.activation;
    const gate = this.recurrentActivation;

    const step: StepFn = (xw, [h]) => {
      const [xZR, xH] = split(xw, [2 * n], 1) as [Tensor, Tensor];
      // hZR: the recurrent part of the z and r gates; candidate(r): the recurrent part of h̃.
      let hZR: Tensor;
      let candidate: (r: Tensor) => Tensor;
      if (recMasks) {
        // Keras's implementation 1: each gate sees h through its own dropout mask.
        const [hz, hr, hh] = recMasks.map((m) => multiply(h!, m)) as [Tensor, Tensor, Tensor];
        hZR = concatenate([matmul(hz, uZ![0]!), matmul(hr, uZ![1]!)], 1);
        if (recBiasZR) hZR = add(hZR, recBiasZR);
        candidate = this.resetAfter
          ? (r) => multiply(r, recBiasH ? add(matmul(hh, uH), recBiasH) : matmul(hh, uH))
          : (r) => matmul(multiply(r, hh), uH);
      } else if (this.resetAfter) {
        // One matmul gives the recurrent parts of all three gates.
        let inner = matmul(h!, u);
        if (recBias) inner = add(inner, recBias);
        const [innerZR, innerH] = split(inner, [2 * n], 1) as [Tensor, Tensor];
        hZR = innerZR;
        candidate = (r) => multiply(r, innerH);
      } else {
        hZR = matmul(h!, uZR);
        candidate = (r) => matmul(multiply(r, h!), uH);
      }
      const [z, r] = split(gate(add(xZR, hZR)), 2, 1) as [Tensor, Tensor];
      const hTilde = act(add(xH, candidate(r)));
      const hNext = add(hTilde, multiply(z, subtract(h!, hTilde)));
      return { output: hNext, states: [hNext] };
    };
    return { inputs, step };
  }

  /**
   * The whole sequence in one op (gruSequence) for Keras's defaults (resetAfter, tanh, sigmoid),
   * without recurrent dropout (whose masks act inside each step) — the same values as `prepare`.
   */
  override sequenceOp(training: boolean): SequenceOp | null {
    if (!this.resetAfter || this.activation !== TANH || this.recurrentActivation !== SIGMOID) {
      return null;
    }
    if (training && this.recurrentDropout > 0) return null;
    if (this.dtype !== "float32" && this.dtype !== "float64") return null;
    return (sequence, [h0], mask, returnSequences) => {
      const xProj = this.projectSequence(sequence, training);
      const width = 3 * this.units;
      const [b, rb] = this.bias ? split(this.bias, 2, 0).map((t) => reshape(t, [width])) : [];
      return gruSequence(xProj, this.recurrentKernel, b ?? null, rb ?? null, h0!, {
        mask,
        returnSequences,
        overwriteXProj: true,
      });
    };
  }

  override cellFields(): Record<string, unknown> {
    return {
      ...super.cellFields(),
      recurrent_activation: activationName(this.recurrentActivation, recurrentGiven(this.args)),
      reset_after: this.resetAfter,
    };
  }

  override getConfig(): Record<string, unknown> {
    return this.ordered(this.cellFields(), CELL_KEYS);
  }

  static fromConfig(config: Record<string, unknown>): GRUCell {
    return new GRUCell(config.units as number, fromKerasConfig(config) as GRUCellArgs);
  }
}

/**
 * Keras `GRU(units, opts)`: weights `kernel` [input, 3·units], `recurrent_kernel` [units, 3·units],
 * `bias` [2, 3·units] with `resetAfter` (default) or [3·units] (gates z, r, h).
 * `returnState` gives `[output, h]`.
 */
export class GRU extends RNN {
  /** The seed of the dropout masks: its cell keeps it (in the cell's config). */
  static readonly extraOptions: readonly string[] = ["seed"];
  declare readonly cell: GRUCell;

  constructor(units: number, args: GRUArgs = {}) {
    super(new GRUCell(units, cellArgs(args, "gru_cell")), args);
    this.nameCell();
  }

  get units(): number {
    return this.cell.units;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...this.rnnConfig(),
      ...layerFields(this.cell.cellFields(), this.activityRegularizer, LAYER_KEYS),
    };
  }

  static override fromConfig(config: Record<string, unknown>): GRU {
    return new GRU(config.units as number, fromKerasConfig(config) as GRUArgs);
  }
}

registerKerasLayers({ GRU, GRUCell });
