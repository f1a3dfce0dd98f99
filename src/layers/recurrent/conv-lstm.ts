/*
 * Keras's convolutional LSTM: ConvLSTMCell (one step: the LSTM gates i, f, c, o from a
 * convolution of the input and a "same" convolution of the previous output) and ConvLSTM1D /
 * ConvLSTM2D / ConvLSTM3D, which run it over the time axis with RNN's loop (masks, initial
 * states, goBackwards, stateful). Weights, their shapes and order, and the configs are Keras's,
 * so `.keras` files move both ways. The cell computes channels-last; a channels_first layer
 * transposes its inputs, initial states and outputs around it.
 */
import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import { getInitializer } from "../../nn/initializers.js";
import { type Activation, activation as getActivation } from "../../ops/activations.js";
import { convBias } from "../../ops/conv-bias.js";
import { conv } from "../../ops/conv.js";
import { add, multiply } from "../../ops/elementwise.js";
import { concatenate, split } from "../../ops/join.js";
import { reshape, transpose } from "../../ops/movement.js";
import { SeedGenerator } from "../../tensor/random.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  activationName,
  fromKerasConfig,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
} from "../config.js";
import { convOutputShape, checkPositive, standardizeGeometry } from "../conv/base-conv.js";
import { knownChannels } from "../conv/conv-utils.js";
import type { CallOptions } from "../layer.js";
import { registerKerasLayers } from "../registry.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { type LSTMCellArgs, UnitForgetBias, lstmUpdate, recurrentGiven } from "./lstm.js";
import {
  type PreparedSequence,
  RNNCell,
  type StepFn,
  cellArgs,
  dropoutMasks,
  pick,
  rate,
  splitRows,
} from "./rnn-cell.js";
import { RNN, type RNNArgs, sequenceShape } from "./rnn.js";

export type ConvLSTMDataFormat = "channels_last" | "channels_first";

export interface ConvLSTMCellArgs extends LSTMCellArgs {
  /** one stride per spatial axis, or one number for all (default 1); > 1 excludes dilation > 1 */
  strides?: number | readonly number[];
  /** "valid" (default) or "same", for the input convolution (the recurrent one is always "same") */
  padding?: "valid" | "same";
  /** "channels_last" (default: (batch, time, spatial…, channels)) or "channels_first" */
  dataFormat?: ConvLSTMDataFormat | null;
  /** spacing between kernel taps of the input convolution (default 1) */
  dilationRate?: number | readonly number[];
}

export interface ConvLSTMArgs extends ConvLSTMCellArgs, RNNArgs {}

/**
 * One ConvLSTM step on channels-last tensors, gates i, f, c, o in four blocks of `filters` output
 * channels of `kernel` (kernel…, inChannels, 4·filters) and `recurrent_kernel`
 * (kernel…, filters, 4·filters):
 *   z = conv(x, W) + b + conv_same(h, U),  c' = f ⊙ c + i ⊙ tanh(z_c),  h' = o ⊙ tanh(c')
 * Dropout (training only) multiplies each gate's input and previous output by its own mask, drawn
 * once per sequence, as Keras's DropoutRNNCell with four masks.
 */
export class ConvLSTMCell extends RNNCell {
  readonly rank: number;
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: "valid" | "same";
  readonly dilationRate: number[];
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly useBias: boolean;
  readonly unitForgetBias: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | null;
  private readonly seedGenerator: SeedGenerator;
  kernel!: Variable;
  recurrentKernel!: Variable;
  bias: Variable | null = null;
  /** The step input's (spatial…, channels) and the state's spatial axes, once built. */
  private stepDims: number[] | null = null;
  private outSpatial: number[] | null = null;

  constructor(
    rank: number,
    filters: number,
    kernelSize: number | readonly number[],
    private readonly args: ConvLSTMCellArgs = {},
  ) {
    super(args);
    const where = this.where();
    this.rank = rank;
    this.filters = checkPositive(filters, "filters", where);
    // The data format is the layer's business: the cell sees channels-last tensors.
    const g = standardizeGeometry(rank, kernelSize, { ...args, dataFormat: null }, where, false);
    this.kernelSize = g.kernelSize;
    this.strides = g.strides;
    this.padding = g.padding as "valid" | "same";
    this.dilationRate = g.dilationRate;
    this.activation = getActivation(
      args.activation === undefined ? "tanh" : (args.activation ?? "linear"),
    );
    this.recurrentActivation = getActivation(recurrentGiven(args) ?? "linear");
    this.useBias = args.useBias ?? true;
    this.unitForgetBias = args.unitForgetBias ?? true;
    this.dropout = rate(args.dropout, "dropout", where);
    this.recurrentDropout = rate(args.recurrentDropout, "recurrentDropout", where);
    this.seed = args.seed ?? null;
    this.seedGenerator = new SeedGenerator(args.seed ?? undefined);
  }

  /** Two states (h and c) of `filters` channels each; their spatial axes follow the input's. */
  get stateSize(): number[] {
    return [this.filters, this.filters];
  }

  override stateShapes(batchSize: number): number[][] {
    if (!this.outSpatial) {
      throw new ValueError(
        `${this.where()}: the state shapes follow the input's spatial axes; build the cell first`,
      );
    }
    const shape = [batchSize, ...this.outSpatial, this.filters];
    return [shape, [...shape]];
  }

  /** `stepShape`: (batch, spatial…, channels), channels-last. */
  override build(stepShape: ShapeSpec | readonly ShapeSpec[]): void {
    const shape = sequenceShape(stepShape);
    const spatial = shape.slice(1, -1);
    if (shape.length !== this.rank + 2 || spatial.some((d) => d === null)) {
      throw new ValueError(
        `ConvLSTM needs every spatial axis of the input known, ${this.rank} of them; ` +
          `received step shape ${fmtSpec(shape)} (batch, spatial…, channels)`,
      );
    }
    const channels = knownChannels(shape, this.where());
    const out = this.computeOutputShape(shape)[0]!;
    this.stepDims = [...(spatial as number[]), channels];
    this.outSpatial = out.slice(1, -1) as number[];
    const a = this.args;
    const width = 4 * this.filters;
    this.kernel = this.addWeight({
      name: "kernel",
      shape: [...this.kernelSize, channels, width],
      initializer: a.kernelInitializer ?? "glorot_uniform",
      regularizer: a.kernelRegularizer,
      constraint: a.kernelConstraint,
    });
    this.recurrentKernel = this.addWeight({
      name: "recurrent_kernel",
      shape: [...this.kernelSize, this.filters, width],
      initializer: a.recurrentInitializer ?? "orthogonal",
      regularizer: a.recurrentRegularizer,
      constraint: a.recurrentConstraint,
    });
    if (this.useBias) {
      const init = a.biasInitializer ?? "zeros";
      this.bias = this.addWeight({
        name: "bias",
        shape: [width],
        initializer: this.unitForgetBias
          ? new UnitForgetBias(getInitializer(init, this.where()), this.filters)
          : init,
        regularizer: a.biasRegularizer,
        constraint: a.biasConstraint,
      });
    }
  }

  /**
   * The input convolution of every timestep of the time-major sequence [T, B, spatial…, C] at once
   * (time folded into the batch), then one recurrent convolution per step.
   */
  override prepare(sequence: Tensor, training: boolean): PreparedSequence {
    const dims = this.stepDims!;
    if (sequence.rank !== this.rank + 3 || sequence.shape.slice(2).join() !== dims.join()) {
      throw new ValueError(
        `expected steps of shape ${fmtSpec([null, ...dims])} (batch, spatial…, channels), as when ` +
          `the layer was built; received ${fmtSpec(sequence.shape.slice(1))}`,
      );
    }
    const [steps, batch] = sequence.shape as [number, number];
    const axis = this.rank + 1;
    const dtype = this.dtype as Tensor["dtype"];
    const dropMasks = dropoutMasks(
      this.seedGenerator,
      training,
      this.dropout,
      4,
      [batch, ...dims],
      dtype,
    );
    const stateShape = this.stateShapes(batch)[0]!;
    const recMasks = dropoutMasks(
      this.seedGenerator,
      training,
      this.recurrentDropout,
      4,
      stateShape,
      dtype,
    );
    const opts = { strides: this.strides, padding: this.padding, dilationRate: this.dilationRate };
    const rows = (x: Tensor): Tensor => reshape(x, [steps * batch, ...dims]);
    let proj: Tensor;
    if (dropMasks) {
      const kernels = split(this.kernel, 4, axis);
      const biases = this.bias ? split(this.bias, 4, 0) : null;
      proj = concatenate(
        kernels.map((k, g) =>
          convBias(rows(multiply(sequence, dropMasks[g]!)), k, biases?.[g] ?? null, opts),
        ),
        axis,
      );
    } else {
      proj = convBias(rows(sequence), this.kernel, this.bias, opts);
    }
    const inputs = splitRows(proj, steps);
    const same = { padding: "same" as const };
    const u = this.recurrentKernel;
    const uGates = recMasks ? split(u, 4, axis) : null;
    const act = this.activation;
    const gate = this.recurrentActivation;
    const step: StepFn = (xw, [h, c]) => {
      const hu = uGates
        ? concatenate(
            uGates.map((k, g) => conv(multiply(h!, recMasks![g]!), k, same)),
            axis,
          )
        : conv(h!, u, same);
      const [hNext, cNext] = lstmUpdate(add(xw, hu), c!, axis, act, gate);
      return { output: hNext, states: [hNext, cNext] };
    };
    return { inputs, step };
  }

  /** `[x, h, c]` → `[h', h', c']` for one channels-last step. */
  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor[] {
    return this.stepThroughPrepare(inputs, opts);
  }

  /** (batch, spatial…, channels) → the output and the two states, (batch, spatial′…, filters). */
  override computeOutputShape(inputShape: ShapeSpec | readonly ShapeSpec[]): ShapeSpec[] {
    const shape = sequenceShape(inputShape);
    const out = convOutputShape(shape, this, this.filters, this.where());
    return [out, [...out], [...out]];
  }

  /** The config keys a ConvLSTM layer writes from its cell, in Keras's order. */
  cellFields(): Record<string, unknown> {
    const a = this.args;
    return {
      filters: this.filters,
      kernel_size: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dilation_rate: [...this.dilationRate],
      activation: activationName(
        this.activation,
        a.activation === undefined ? "tanh" : a.activation,
      ),
      recurrent_activation: activationName(this.recurrentActivation, recurrentGiven(a)),
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(a.kernelInitializer, "glorot_uniform"),
      recurrent_initializer: serializeInitializer(a.recurrentInitializer, "orthogonal"),
      bias_initializer: serializeInitializer(a.biasInitializer, "zeros"),
      unit_forget_bias: this.unitForgetBias,
      kernel_regularizer: serializeRegularizer(a.kernelRegularizer),
      recurrent_regularizer: serializeRegularizer(a.recurrentRegularizer),
      bias_regularizer: serializeRegularizer(a.biasRegularizer),
      kernel_constraint: serializeConstraint(a.kernelConstraint),
      recurrent_constraint: serializeConstraint(a.recurrentConstraint),
      bias_constraint: serializeConstraint(a.biasConstraint),
      dropout: this.dropout,
      recurrent_dropout: this.recurrentDropout,
      seed: this.seed,
    };
  }
}

// Keras's ConvLSTM.get_config, after the RNN keys.
const LAYER_KEYS = [
  "filters",
  "kernel_size",
  "strides",
  "padding",
  "data_format",
  "dilation_rate",
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

/** Keras `standardize_data_format`: null means the default "channels_last"; case-insensitive. */
function standardizeDataFormat(value: unknown, where: string): ConvLSTMDataFormat {
  if (value === undefined || value === null) return "channels_last";
  const v = typeof value === "string" ? value.toLowerCase() : value;
  if (v !== "channels_last" && v !== "channels_first") {
    throw new ValueError(
      `${where}: dataFormat must be "channels_last" or "channels_first"; ` +
        `received dataFormat=${JSON.stringify(value)}`,
    );
  }
  return v;
}

/** The permutation that moves axis `from` to position `to`, keeping the others in order. */
function moveAxis(rank: number, from: number, to: number): number[] {
  const axes = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== from);
  axes.splice(to, 0, from);
  return axes;
}

/**
 * Keras's ConvLSTM base: RNN over a ConvLSTMCell named "conv_lstm_cell" (its weights save under
 * `<layer>/cell`). Inputs (batch, time, spatial…, channels), or (batch, time, channels, spatial…)
 * with dataFormat "channels_first"; outputs (batch, [time,] spatial′…, filters) in the same format,
 * and with `returnState` the final h and c.
 */
export class ConvLSTM extends RNN {
  declare readonly cell: ConvLSTMCell;
  readonly dataFormat: ConvLSTMDataFormat;

  constructor(
    rank: number,
    filters: number,
    kernelSize: number | readonly number[],
    args: ConvLSTMArgs = {},
  ) {
    super(new ConvLSTMCell(rank, filters, kernelSize, cellArgs(args, "conv_lstm_cell")), args);
    this.dataFormat = standardizeDataFormat(args.dataFormat, this.where());
    this.nameCell();
  }

  get rank(): number {
    return this.cell.rank;
  }
  get filters(): number {
    return this.cell.filters;
  }
  get kernelSize(): number[] {
    return this.cell.kernelSize;
  }
  get strides(): number[] {
    return this.cell.strides;
  }
  get padding(): "valid" | "same" {
    return this.cell.padding;
  }
  get dilationRate(): number[] {
    return this.cell.dilationRate;
  }

  override get sequenceRank(): number {
    return this.cell.rank + 3;
  }

  private get channelsFirst(): boolean {
    return this.dataFormat === "channels_first";
  }

  /** A step's shape (batch, …) in the layer's format → channels-last, or back with `back`. */
  private stepLayout<T>(shape: readonly T[], back = false): T[] {
    if (!this.channelsFirst) return [...shape];
    const perm = back
      ? moveAxis(shape.length, shape.length - 1, 1)
      : moveAxis(shape.length, 1, shape.length - 1);
    return perm.map((i) => shape[i]!);
  }

  override build(inputShape: ShapeSpec | readonly ShapeSpec[]): void {
    const shape = sequenceShape(inputShape);
    this.checkSequenceRank(shape);
    this.cell.ensureBuilt(this.stepLayout([shape[0] ?? null, ...shape.slice(2)]));
  }

  override call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    if (!this.channelsFirst) return super.call(inputs, opts);
    const [x, ...states] = Array.isArray(inputs) ? inputs : [inputs];
    this.checkSequenceRank(x!.shape, true);
    const r = this.rank;
    const toLast = (t: Tensor, first: number): Tensor =>
      transpose(t, moveAxis(t.rank, first, t.rank - 1));
    const toFirst = (t: Tensor, first: number): Tensor =>
      transpose(t, moveAxis(t.rank, t.rank - 1, first));
    const out = super.call([toLast(x!, 2), ...states.map((s) => toLast(s, 1))], opts);
    const list = Array.isArray(out) ? out : [out];
    const back = list.map((t, i) => toFirst(t, i === 0 && t.rank === r + 3 ? 2 : 1));
    return Array.isArray(out) ? back : back[0]!;
  }

  override computeOutputShape(
    inputShape: ShapeSpec | readonly ShapeSpec[],
  ): ShapeSpec | ShapeSpec[] {
    const shape = sequenceShape(inputShape);
    const step = this.cell.computeOutputShape(
      this.stepLayout([shape[0] ?? null, ...shape.slice(2)]),
    )[0]!;
    const state = this.stepLayout(step, true);
    const output = this.returnSequences ? [state[0]!, shape[1] ?? null, ...state.slice(1)] : state;
    return this.returnState ? [output, [...state], [...state]] : output;
  }

  override getConfig(): Record<string, unknown> {
    const fields = {
      ...this.cell.cellFields(),
      data_format: this.dataFormat,
      activity_regularizer: this.activityRegularizer?.serialize() ?? null,
    };
    return { ...this.rnnConfig(), ...pick(fields, LAYER_KEYS) };
  }
}

/** The constructor arguments from a Keras config (filters and kernel_size are positional). */
function configArgs(config: Record<string, unknown>): [number, number[], ConvLSTMArgs] {
  const { filters, kernel_size, ...rest } = config;
  return [filters as number, kernel_size as number[], fromKerasConfig(rest) as ConvLSTMArgs];
}

/** Keras `ConvLSTM1D(filters, kernelSize, opts)`: inputs (batch, time, steps, channels). */
export class ConvLSTM1D extends ConvLSTM {
  constructor(filters: number, kernelSize: number | readonly number[], args: ConvLSTMArgs = {}) {
    super(1, filters, kernelSize, args);
  }
  static override fromConfig(config: Record<string, unknown>): ConvLSTM1D {
    return new ConvLSTM1D(...configArgs(config));
  }
}

/** Keras `ConvLSTM2D(filters, kernelSize, opts)`: inputs (batch, time, rows, cols, channels). */
export class ConvLSTM2D extends ConvLSTM {
  constructor(filters: number, kernelSize: number | readonly number[], args: ConvLSTMArgs = {}) {
    super(2, filters, kernelSize, args);
  }
  static override fromConfig(config: Record<string, unknown>): ConvLSTM2D {
    return new ConvLSTM2D(...configArgs(config));
  }
}

/** Keras `ConvLSTM3D(filters, kernelSize, opts)`: inputs (batch, time, depth, rows, cols, channels). */
export class ConvLSTM3D extends ConvLSTM {
  constructor(filters: number, kernelSize: number | readonly number[], args: ConvLSTMArgs = {}) {
    super(3, filters, kernelSize, args);
  }
  static override fromConfig(config: Record<string, unknown>): ConvLSTM3D {
    return new ConvLSTM3D(...configArgs(config));
  }
}

registerKerasLayers({ ConvLSTM1D, ConvLSTM2D, ConvLSTM3D });
