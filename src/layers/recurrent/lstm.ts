import type { Activation } from "../../ops/activations.js";
import { activation as getActivation } from "../../ops/activations.js";
import { add, multiply } from "../../ops/elementwise.js";
import { concatenate, split } from "../../ops/join.js";
import { matmul } from "../../ops/linalg.js";
import { lstmSequence } from "../../ops/rnn.js";
import { Initializer, getInitializer } from "../../nn/initializers.js";
import type { KerasObject } from "../../nn/serialization.js";
import { ones } from "../../tensor/creation.js";
import type { NumericDType } from "../../tensor/dtype.js";
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

export interface LSTMCellArgs extends CellArgs {
  recurrentActivation?: string | Activation | null;
  /** add 1 to the forget gate's bias at initialization (Jozefowicz et al.) */
  unitForgetBias?: boolean;
}

export interface LSTMArgs extends LSTMCellArgs, RNNArgs {}

// The activations lstmSequence / gruSequence implement (Keras's defaults).
const TANH = getActivation("tanh");
const SIGMOID = getActivation("sigmoid");

/** Keras's unit_forget_bias initializer: [init(units), ones(units), init(2·units)] for gates i, f, c, o. */
export class UnitForgetBias extends Initializer {
  constructor(
    private readonly base: Initializer,
    private readonly units: number,
  ) {
    super();
  }
  apply(_shape: readonly number[], dtype: NumericDType = "float32"): Tensor {
    const u = this.units;
    return concatenate(
      [this.base.apply([u], dtype), ones([u], dtype), this.base.apply([2 * u], dtype)],
      0,
    );
  }
  getConfig(): Record<string, unknown> {
    return this.base.getConfig();
  }
}

const LAYER_KEYS = [
  "units",
  "activation",
  "recurrent_activation",
  "use_bias",
  "kernel_initializer",
  "recurrent_initializer",
  "bias_initializer",
  "unit_forget_bias",
  "kernel_regularizer",
  "recurrent_regularizer",
  "bias_regularizer",
  "activity_regularizer",
  "kernel_constraint",
  "recurrent_constraint",
  "bias_constraint",
  "dropout",
  "recurrent_dropout",
  "seed",
] as const;
const CELL_KEYS = [
  "units",
  "activation",
  "recurrent_activation",
  "use_bias",
  "unit_forget_bias",
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
  "seed",
] as const;

/**
 * The LSTM update from the summed pre-activations `z` (x·W + h·U + b, gates i, f, c, o in four
 * equal blocks along `axis`) and the previous carry `c` → [h', c'] (LSTMCell and ConvLSTMCell).
 */
export function lstmUpdate(
  z: Tensor,
  c: Tensor,
  axis: number,
  act: Activation,
  gate: Activation,
): [Tensor, Tensor] {
  const [zi, zf, zc, zo] = split(z, 4, axis);
  const cNext = add(multiply(gate(zf!), c), multiply(gate(zi!), act(zc!)));
  return [multiply(gate(zo!), act(cNext)), cNext];
}

/**
 * One LSTM step, gates in Keras's order i, f, c, o along the 4·units columns:
 *   i = σ(x Wi + h Ui + bi),  f = σ(x Wf + h Uf + bf),  c̃ = tanh(x Wc + h Uc + bc),  o = σ(x Wo + h Uo + bo)
 *   c' = f ⊙ c + i ⊙ c̃,  h' = o ⊙ tanh(c')
 * (σ is `recurrentActivation`, tanh is `activation`).
 */
export class LSTMCell extends GateCell {
  readonly recurrentActivation: Activation;
  readonly unitForgetBias: boolean;

  constructor(units: number, args: LSTMCellArgs = {}) {
    super(units, 4, args);
    this.recurrentActivation = getActivation(recurrentGiven(args) ?? "linear");
    this.unitForgetBias = args.unitForgetBias ?? true;
  }

  override get stateSize(): number[] {
    return [this.units, this.units];
  }

  protected biasSpec(): { shape: number[]; initializer: Initializer | string | KerasObject } {
    const init = this.args.biasInitializer ?? "zeros";
    return {
      shape: [4 * this.units],
      initializer: this.unitForgetBias
        ? new UnitForgetBias(getInitializer(init, this.where()), this.units)
        : init,
    };
  }

  override prepare(sequence: Tensor, training: boolean): PreparedSequence {
    this.checkSequence(sequence);
    const [, batch, features] = sequence.shape as [number, number, number];
    // Keras uses one mask per gate (its implementation 1) when recurrent dropout is on, else one.
    const perGate = this.recurrentDropout > 0 ? 4 : 1;
    const dropMasks = this.masks(training, this.dropout, perGate, [batch, features]);
    const recMasks = this.masks(training, this.recurrentDropout, 4, [batch, this.units]);
    const inputs = this.projectInputs(sequence, dropMasks, this.bias);
    const u = this.recurrentKernel;
    const uGates = recMasks ? split(u, 4, 1) : null;
    const act = this.activation;
    const gate = this.recurrentActivation;
    const step: StepFn = (xw, [h, c]) => {
      const hu = uGates
        ? concatenate(
            uGates.map((k, g) => matmul(multiply(h!, recMasks![g]!), k)),
            1,
          )
        : matmul(h!, u);
      const [hNext, cNext] = lstmUpdate(add(xw, hu), c!, 1, act, gate);
      return { output: hNext, states: [hNext, cNext] };
    };
    return { inputs, step };
  }

  /**
   * The whole sequence in one op (lstmSequence) for Keras's default activations, without
   * recurrent dropout (whose masks act inside each step) — the same values as `prepare`'s steps.
   */
  override sequenceOp(training: boolean): SequenceOp | null {
    if (this.activation !== TANH || this.recurrentActivation !== SIGMOID) return null;
    if (training && this.recurrentDropout > 0) return null;
    if (this.dtype !== "float32" && this.dtype !== "float64") return null;
    return (sequence, [h0, c0], mask, returnSequences) => {
      const xProj = this.projectSequence(sequence, training);
      return lstmSequence(xProj, this.recurrentKernel, this.bias, h0!, c0!, {
        mask,
        returnSequences,
        overwriteXProj: true,
      });
    };
  }

  /** Keys shared with the LSTM layer's config. */
  override cellFields(): Record<string, unknown> {
    return {
      ...super.cellFields(),
      recurrent_activation: activationName(this.recurrentActivation, recurrentGiven(this.args)),
      unit_forget_bias: this.unitForgetBias,
    };
  }

  override getConfig(): Record<string, unknown> {
    return this.ordered(this.cellFields(), CELL_KEYS);
  }

  static fromConfig(config: Record<string, unknown>): LSTMCell {
    return new LSTMCell(config.units as number, fromKerasConfig(config) as LSTMCellArgs);
  }
}

/** `recurrentActivation` as given: undefined means Keras's default "sigmoid", null means linear. */
export function recurrentGiven(args: LSTMCellArgs): string | Activation | null {
  return args.recurrentActivation === undefined ? "sigmoid" : args.recurrentActivation;
}

/**
 * Keras `LSTM(units, opts)`: weights `kernel` [input, 4·units], `recurrent_kernel` [units, 4·units],
 * `bias` [4·units] (gates i, f, c, o). The input projection of all timesteps is one matmul; each
 * step adds one matmul with the recurrent kernel. `returnState` gives `[output, h, c]`.
 */
export class LSTM extends RNN {
  /** The seed of the dropout masks: its cell keeps it (in the cell's config). */
  static readonly extraOptions: readonly string[] = ["seed"];
  declare readonly cell: LSTMCell;

  constructor(units: number, args: LSTMArgs = {}) {
    super(new LSTMCell(units, cellArgs(args, "lstm_cell")), args);
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

  static override fromConfig(config: Record<string, unknown>): LSTM {
    return new LSTM(config.units as number, fromKerasConfig(config) as LSTMArgs);
  }
}

registerKerasLayers({ LSTM, LSTMCell });
