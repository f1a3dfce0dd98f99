import type { Initializer } from "../../nn/initializers.js";
import type { KerasObject } from "../../nn/serialization.js";
import { add, multiply } from "../../ops/elementwise.js";
import { matmul } from "../../ops/linalg.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import {
  type CellArgs,
  GateCell,
  type PreparedSequence,
  type StepFn,
  layerFields,
  cellArgs,
} from "./rnn-cell.js";
import { RNN, type RNNArgs } from "./rnn.js";
import { registerKerasLayers } from "../registry.js";

export type SimpleRNNCellArgs = CellArgs;
export interface SimpleRNNArgs extends CellArgs, RNNArgs {}

const CELL_KEYS = [
  "units",
  "activation",
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
  "seed",
] as const;
// Keras's SimpleRNN config has no seed (its cell's has).
const LAYER_KEYS = [
  ...CELL_KEYS.slice(0, 9),
  "activity_regularizer",
  ...CELL_KEYS.slice(9, 14),
] as const;

/** One step of the fully connected RNN: h' = activation(x W + b + h U). */
export class SimpleRNNCell extends GateCell {
  constructor(units: number, args: SimpleRNNCellArgs = {}) {
    super(units, 1, args);
  }

  protected biasSpec(): { shape: number[]; initializer: Initializer | string | KerasObject } {
    return { shape: [this.units], initializer: this.args.biasInitializer ?? "zeros" };
  }

  override prepare(sequence: Tensor, training: boolean): PreparedSequence {
    this.checkSequence(sequence);
    const [, batch, features] = sequence.shape as [number, number, number];
    const dropMasks = this.masks(training, this.dropout, 1, [batch, features]);
    const recMask = this.masks(training, this.recurrentDropout, 1, [batch, this.units])?.[0];
    const inputs = this.projectInputs(sequence, dropMasks, this.bias);
    const u = this.recurrentKernel;
    const act = this.activation;
    const step: StepFn = (xw, [h]) => {
      const out = act(add(xw, matmul(recMask ? multiply(h!, recMask) : h!, u)));
      return { output: out, states: [out] };
    };
    return { inputs, step };
  }

  override getConfig(): Record<string, unknown> {
    return this.ordered(this.cellFields(), CELL_KEYS);
  }

  static fromConfig(config: Record<string, unknown>): SimpleRNNCell {
    return new SimpleRNNCell(config.units as number, fromKerasConfig(config) as SimpleRNNCellArgs);
  }
}

/**
 * Keras `SimpleRNN(units, opts)`: weights `kernel` [input, units], `recurrent_kernel`
 * [units, units], `bias` [units]. `returnState` gives `[output, h]`.
 */
export class SimpleRNN extends RNN {
  /** The seed of the dropout masks: its cell keeps it (in the cell's config). */
  static readonly extraOptions: readonly string[] = ["seed"];
  declare readonly cell: SimpleRNNCell;

  constructor(units: number, args: SimpleRNNArgs = {}) {
    super(new SimpleRNNCell(units, cellArgs(args, "simple_rnn_cell")), args);
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

  static override fromConfig(config: Record<string, unknown>): SimpleRNN {
    return new SimpleRNN(config.units as number, fromKerasConfig(config) as SimpleRNNArgs);
  }
}

registerKerasLayers({ SimpleRNN, SimpleRNNCell });
