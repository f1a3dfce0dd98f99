import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import type { Constraint } from "../../nn/constraints.js";
import type { Initializer } from "../../nn/initializers.js";
import type { Regularizer } from "../../nn/regularizers.js";
import type { KerasObject } from "../../nn/serialization.js";
import { type Activation, activation as getActivation } from "../../ops/activations.js";
import { add, multiply } from "../../ops/elementwise.js";
import { concatenate, split } from "../../ops/join.js";
import { matmul } from "../../ops/linalg.js";
import { expandDims, reshape, squeeze } from "../../ops/movement.js";
import { dropout as dropoutOp } from "../../ops/nn.js";
import { ones, zeros } from "../../tensor/creation.js";
import { ForkedSeed, SeedGenerator } from "../../tensor/random.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  activationName,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
} from "../config.js";
import { type CallOptions, Layer, type LayerArgs } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { unchecked } from "../option-check.js";

/** One step of a prepared sequence: the step's input and the states before it → output and states after. */
export type StepFn = (
  input: Tensor,
  states: readonly Tensor[],
) => { output: Tensor; states: Tensor[] };

/** What a cell precomputes for one pass over a sequence: one input per step and the step itself. */
export interface PreparedSequence {
  inputs: Tensor[];
  step: StepFn;
}

/**
 * A whole-sequence pass as one op (ops/rnn.ts, which runs it fused where the backend can): the
 * batch-major sequence [batch, steps, features], the
 * initial states, a [batch, steps] bool mask (null: every step applies; masked steps carry the
 * states) → every step's output (when asked for) and the final states.
 */
export type SequenceOp = (
  sequence: Tensor,
  states: readonly Tensor[],
  mask: Tensor | null,
  returnSequences: boolean,
) => { sequence: Tensor | null; states: Tensor[] };

/** Splits x along axis 0 into n equal blocks (one per timestep); split's gradient is one join. */
export function splitRows(x: Tensor, n: number): Tensor[] {
  return n <= 1 ? [x] : split(x, n, 0);
}

/**
 * Keras's RNN cell: the computation of one timestep. A cell is called with `[input, ...states]`
 * and returns `[output, ...newStates]`; `RNN` runs it over a sequence. Custom cells override
 * `stateSize` and `call`. The built-in cells also override `prepare`, which does the work shared
 * by all timesteps (the input projection) once per sequence instead of once per step.
 */
export abstract class RNNCell extends Layer {
  /** The size of each state tensor (LSTM: [units, units] for h and c). */
  abstract get stateSize(): number[];

  get outputSize(): number {
    return this.stateSize[0]!;
  }

  /** The shape of each state for a batch (LSTM: [batch, units] twice). */
  stateShapes(batchSize: number): number[][] {
    return this.stateSize.map((n) => [batchSize, n]);
  }

  getInitialState(batchSize: number): Tensor[] {
    return this.stateShapes(batchSize).map((shape) => zeros(shape, this.dtype));
  }

  /** The generic pass: one `call` per timestep of the time-major sequence [time, batch, ...]. */
  prepare(sequence: Tensor, training: boolean): PreparedSequence {
    const steps = sequence.shape[0]!;
    const inputs = splitRows(sequence, steps).map((x) => squeeze(x, 0));
    const step: StepFn = (x, states) => {
      const out = this.call([x, ...states], { training });
      const list = Array.isArray(out) ? out : [out];
      return { output: list[0]!, states: list.length > 1 ? list.slice(1) : [list[0]!] };
    };
    return { inputs, step };
  }

  /**
   * One step as a sequence of length one through `prepare`: `[x, ...states]` (zero states when
   * none are given) → `[output, ...newStates]`. Cells whose `prepare` does the work call this.
   */
  protected stepThroughPrepare(inputs: Tensor | Tensor[], opts: CallOptions): Tensor[] {
    const [x, ...given] = Array.isArray(inputs) ? inputs : [inputs];
    const states = given.length > 0 ? given : this.getInitialState(x!.shape[0]!);
    if (states.length !== this.stateSize.length) {
      throw new ValueError(
        `expected ${this.stateSize.length} state tensors; received ${states.length}`,
      );
    }
    const { inputs: steps, step } = this.prepare(expandDims(x!, 0), opts.training ?? false);
    const r = step(steps[0]!, states);
    return [r.output, ...r.states];
  }

  /**
   * The whole-sequence op for this call, or null when there is none for the cell's configuration;
   * `RNN` then steps through `prepare`. Both compute the same values.
   */
  sequenceOp(_training: boolean): SequenceOp | null {
    return null;
  }
}

export interface CellArgs extends LayerArgs {
  activation?: string | Activation | null;
  useBias?: boolean;
  kernelInitializer?: string | Initializer | KerasObject;
  recurrentInitializer?: string | Initializer | KerasObject;
  biasInitializer?: string | Initializer | KerasObject;
  kernelRegularizer?: string | Regularizer | null;
  recurrentRegularizer?: string | Regularizer | null;
  biasRegularizer?: string | Regularizer | null;
  kernelConstraint?: string | Constraint | null;
  recurrentConstraint?: string | Constraint | null;
  biasConstraint?: string | Constraint | null;
  /** fraction of the inputs dropped (one mask per sequence), in training only */
  dropout?: number;
  /** fraction of the recurrent state dropped (one mask per sequence), in training only */
  recurrentDropout?: number;
  /** seed of the dropout masks */
  seed?: number | null;
}

/** Keras clips rates into [0, 1]; a non-number is an error. */
export function rate(value: number | undefined, name: string, where: string): number {
  if (value === undefined) return 0;
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new ValueError(
      `${where}: ${name} must be a number between 0 and 1; received ${name}=${String(value)}`,
    );
  }
  return Math.min(1, Math.max(0, value));
}

/**
 * The shared body of SimpleRNNCell, LSTMCell and GRUCell: `gates` blocks of `units` columns in
 * `kernel` [input, gates·units] and `recurrent_kernel` [units, gates·units] (Keras's layouts and
 * weight order: kernel, recurrent_kernel, bias), dropout masks, and the input projection.
 */
export abstract class GateCell extends RNNCell {
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly seed: number | null;
  private readonly seedGenerator: SeedGenerator;
  kernel!: Variable;
  recurrentKernel!: Variable;
  bias: Variable | null = null;

  constructor(
    units: number,
    protected readonly gates: number,
    protected readonly args: CellArgs,
  ) {
    super(args);
    if (!Number.isInteger(units) || units <= 0) {
      throw new ValueError(
        `${this.where()}: units must be a positive integer; received units=${units}`,
      );
    }
    this.units = units;
    this.activation = getActivation(
      args.activation === undefined ? "tanh" : (args.activation ?? "linear"),
    );
    this.useBias = args.useBias ?? true;
    this.dropout = rate(args.dropout, "dropout", this.where());
    this.recurrentDropout = rate(args.recurrentDropout, "recurrentDropout", this.where());
    this.seed = args.seed ?? null;
    this.seedGenerator = new SeedGenerator(args.seed ?? undefined);
  }

  get stateSize(): number[] {
    return [this.units];
  }

  /** Bias shape and initializer (LSTM adds the forget-gate ones, GRU may use two rows). */
  protected abstract biasSpec(): {
    shape: number[];
    initializer: string | Initializer | KerasObject;
  };

  override build(inputShape: ShapeSpec | readonly ShapeSpec[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as ShapeSpec;
    const inputDim = shape.at(-1);
    if (inputDim === null || inputDim === undefined) {
      throw new ValueError(
        `the last axis of the input must be known; received shape ${fmtSpec(shape)}`,
      );
    }
    const a = this.args;
    const width = this.gates * this.units;
    this.kernel = this.addWeight({
      name: "kernel",
      shape: [inputDim, width],
      initializer: a.kernelInitializer ?? "glorot_uniform",
      regularizer: a.kernelRegularizer,
      constraint: a.kernelConstraint,
    });
    this.recurrentKernel = this.addWeight({
      name: "recurrent_kernel",
      shape: [this.units, width],
      initializer: a.recurrentInitializer ?? "orthogonal",
      regularizer: a.recurrentRegularizer,
      constraint: a.recurrentConstraint,
    });
    if (this.useBias) {
      this.bias = this.addWeight({
        name: "bias",
        ...this.biasSpec(),
        regularizer: a.biasRegularizer,
        constraint: a.biasConstraint,
      });
    }
  }

  /** `count` inverted-dropout masks of `shape`, drawn once per sequence; null when not dropping. */
  protected masks(
    training: boolean,
    dropRate: number,
    count: number,
    shape: number[],
  ): Tensor[] | null {
    return dropoutMasks(this.seedGenerator, training, dropRate, count, shape, this.dtype);
  }

  protected checkSequence(sequence: Tensor): void {
    const inputDim = this.kernel.shape[0];
    if (sequence.rank !== 3 || sequence.shape[2] !== inputDim) {
      throw new ValueError(
        `expected inputs with ${inputDim} features on the last axis; received ${sequence.shape.at(-1)}`,
      );
    }
  }

  /**
   * x·W (+ b) for every timestep of the time-major sequence [T, B, F] with one matmul over T·B rows,
   * returned as T blocks [B, gates·units]. With one dropout mask per gate (Keras's implementation 1,
   * used when recurrent dropout is on) each gate's block sees its own masked inputs.
   */
  protected projectInputs(
    sequence: Tensor,
    dropMasks: Tensor[] | null,
    bias: Tensor | Variable | null,
  ): Tensor[] {
    const [steps, batch, features] = sequence.shape as [number, number, number];
    const rows = (x: Tensor): Tensor => reshape(x, [steps * batch, features]);
    let proj: Tensor;
    if (dropMasks && dropMasks.length > 1) {
      const kernels = split(this.kernel, dropMasks.length, 1);
      proj = concatenate(
        kernels.map((k, g) => matmul(rows(multiply(sequence, dropMasks[g]!)), k)),
        1,
      );
    } else {
      proj = matmul(rows(dropMasks ? multiply(sequence, dropMasks[0]!) : sequence), this.kernel);
    }
    if (bias) proj = add(proj, bias);
    return splitRows(proj, steps);
  }

  /**
   * x·W for the batch-major sequence [B, T, F] with one matmul, as [B, T, gates·units] (the fused
   * ops add the biases themselves), after the sequence's input dropout when training.
   */
  protected projectSequence(sequence: Tensor, training: boolean): Tensor {
    this.checkSequence(sequence);
    const [batch, steps, features] = sequence.shape as [number, number, number];
    const dropMask = this.masks(training, this.dropout, 1, [batch, features])?.[0];
    const x = dropMask ? multiply(sequence, reshape(dropMask, [batch, 1, features])) : sequence;
    const proj = matmul(reshape(x, [batch * steps, features]), this.kernel);
    return reshape(proj, [batch, steps, this.gates * this.units]);
  }

  /** Keras's `cell(inputs, states)` on one step: `[x, ...states]` → `[output, ...newStates]`. */
  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor[] {
    return this.stepThroughPrepare(inputs, opts);
  }

  override computeOutputShape(inputShape: ShapeSpec | readonly ShapeSpec[]): ShapeSpec[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as ShapeSpec;
    const batch = shape[0] ?? null;
    return [[batch, this.outputSize], ...this.stateSize.map((n) => [batch, n])];
  }

  /** Every Keras config key a cell or its layer may write; each class picks its own, in Keras's order. */
  cellFields(): Record<string, unknown> {
    const a = this.args;
    return {
      units: this.units,
      activation: activationName(
        this.activation,
        a.activation === undefined ? "tanh" : a.activation,
      ),
      use_bias: this.useBias,
      kernel_initializer: serializeInitializer(a.kernelInitializer, "glorot_uniform"),
      recurrent_initializer: serializeInitializer(a.recurrentInitializer, "orthogonal"),
      bias_initializer: serializeInitializer(a.biasInitializer, "zeros"),
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

  /** The Layer base config followed by `keys` of `fields`, in that order. */
  protected ordered(
    fields: Record<string, unknown>,
    keys: readonly string[],
  ): Record<string, unknown> {
    return { ...super.getConfig(), ...pick(fields, keys) };
  }
}

/**
 * `count` inverted-dropout masks of `shape` from `seeds` (Keras's DropoutRNNCell: drawn once per
 * sequence and reused at every step); null when not training or the rate drops nothing.
 */
export function dropoutMasks(
  seeds: SeedGenerator,
  training: boolean,
  dropRate: number,
  count: number,
  shape: number[],
  dtype: Tensor["dtype"],
): Tensor[] | null {
  if (!training || !(dropRate > 0 && dropRate < 1)) return null;
  return Array.from({ length: count }, () =>
    dropoutOp(ones(shape, dtype), dropRate, { seed: new ForkedSeed(seeds.generator) }),
  );
}

/** The entries of `obj` named by `keys`, in the order of `keys`. */
export function pick(
  obj: Record<string, unknown>,
  keys: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, obj[k]]));
}

/** A recurrent layer's config keys: its cell's fields plus its own activity_regularizer, in `keys` order. */
export function layerFields(
  fields: Record<string, unknown>,
  activityRegularizer: { serialize(): KerasObject } | null,
  keys: readonly string[],
): Record<string, unknown> {
  return pick({ ...fields, activity_regularizer: activityRegularizer?.serialize() ?? null }, keys);
}

/**
 * The options a built-in layer passes to the cell it owns: the cell options and dtype/trainable,
 * without the layer's own name, input shape and activity regularizer.
 */
export function cellArgs<A extends CellArgs>(args: A, name: string): A {
  // the layer's options were checked as the layer's: the cell ignores the layer-only ones
  const out: A = unchecked({ ...args, name });
  delete out.inputShape;
  delete out.batchSize;
  delete out.activityRegularizer;
  return out;
}
