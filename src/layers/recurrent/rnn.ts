import { ValueError } from "../../errors.js";
import type { TensorLike } from "../../ops/core.js";
import { cast, where } from "../../ops/elementwise.js";
import { flip, stack } from "../../ops/join.js";
import { reshape, transpose } from "../../ops/movement.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import { type CallOptions, Layer, type LayerArgs, type SymbolicTensor } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import type { RNNCell } from "./rnn-cell.js";
import { deserializeLayer, firstMask, serializeLayer } from "./serialization.js";
import { keepArray, lastSteps, outputMask, reverseSteps, timestepMasks } from "./step-masks.js";
import { fromKerasConfig } from "../config.js";
import { registerKerasLayers } from "../registry.js";
import { StackedRNNCells } from "./stacked-rnn-cells.js";

export interface RNNArgs extends LayerArgs {
  /** return the output of every timestep ([batch, time, units]) instead of the last one */
  returnSequences?: boolean;
  /** also return the final states: `[output, ...states]` */
  returnState?: boolean;
  /** process the sequence from its end; the returned sequence is in that reversed order */
  goBackwards?: boolean;
  /** keep the final states of a batch as the initial states of the next one */
  stateful?: boolean;
  /** accepted for Keras compatibility; the loop is always a plain JS loop */
  unroll?: boolean;
  /** zeros instead of the previous output at masked timesteps of the returned sequence */
  zeroOutputForMask?: boolean;
}

type AnyInitialState = TensorLike | SymbolicTensor | readonly (TensorLike | SymbolicTensor)[];

export interface RNNCallOptions extends CallOptions {
  /** Keras `initial_state`: one tensor per state ([batch, size] each); zeros when omitted. */
  initialState?: AnyInitialState | null;
}

/**
 * Keras's `initial_state=` keyword: the states travel as extra inputs after the sequence, so
 * they are graph edges when the call is symbolic and plain tensors when it computes.
 */
export function withInitialState(
  inputs: unknown,
  initialState: AnyInitialState | null | undefined,
): unknown {
  if (initialState === undefined || initialState === null) return inputs;
  const states = Array.isArray(initialState) ? initialState : [initialState];
  return [inputs, ...states];
}

/**
 * Keras's `RNN`: runs a cell over the time axis of [batch, time, features] inputs. Masked
 * timesteps (a mask from Embedding({maskZero}) or Masking upstream) keep the previous states and
 * repeat the previous output, as Keras does.
 */
export class RNN extends Layer {
  /** Keras's `initial_state` call argument. */
  static readonly callOptions: readonly string[] = ["initialState"];
  readonly cell: RNNCell;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  readonly unroll: boolean;
  /** Bidirectional sets this to `returnSequences`, as Keras does. */
  zeroOutputForMask: boolean;
  /** The states carried between calls of a stateful layer (null until its first call). */
  states: Tensor[] | null = null;

  constructor(cell: RNNCell | readonly RNNCell[], args: RNNArgs = {}) {
    super(args);
    // Keras wraps a list of cells in StackedRNNCells.
    if (Array.isArray(cell)) cell = new StackedRNNCells(cell as readonly RNNCell[]);
    if (!(cell instanceof Layer) || !Array.isArray((cell as Partial<RNNCell>).stateSize)) {
      throw new ValueError(
        `${this.where()}: cell must be an RNNCell (a layer with a stateSize); received ${String(cell)}`,
      );
    }
    this.cell = cell as RNNCell;
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.stateful = args.stateful ?? false;
    this.unroll = args.unroll ?? false;
    this.zeroOutputForMask = args.zeroOutputForMask ?? false;
    this.supportsMasking = true;
  }

  get stateSize(): number[] {
    return this.cell.stateSize;
  }

  /** The rank of the input sequences: (batch, time, features); ConvLSTM adds spatial axes. */
  get sequenceRank(): number {
    return 3;
  }

  /** Checks the input rank; `eager` reports the rank received (a call), else the shape (a build). */
  protected checkSequenceRank(shape: ShapeSpec, eager = false): void {
    const rank = this.sequenceRank;
    if (shape.length !== rank) {
      const axes = rank === 3 ? "(batch, timesteps, features)" : "(batch, timesteps, …)";
      const got = eager ? `rank ${shape.length}` : `shape ${fmtSpec(shape)}`;
      throw new ValueError(`expected inputs of rank ${rank} ${axes}; received ${got}`);
    }
  }

  /**
   * The built-in layers own their cell: naming it "<layer>/<cell>" gives the weights Keras's
   * variable paths ("lstm/lstm_cell/kernel").
   */
  protected nameCell(): void {
    this.cell.name = `${this.name}/${this.cell.name}`;
  }

  /** `apply(x, {initialState: [h, c]})` passes Keras's `initial_state`. */
  override apply(
    inputs: SymbolicTensor | readonly SymbolicTensor[],
    opts?: RNNCallOptions,
  ): SymbolicTensor;
  override apply(inputs: TensorLike | readonly TensorLike[], opts?: RNNCallOptions): Tensor;
  override apply(
    inputs: SymbolicTensor | readonly SymbolicTensor[] | TensorLike | readonly TensorLike[],
    opts: RNNCallOptions = {},
  ): SymbolicTensor | Tensor {
    const { initialState, ...rest } = opts;
    return super.apply(withInitialState(inputs, initialState) as TensorLike, rest);
  }

  override build(inputShape: ShapeSpec | readonly ShapeSpec[]): void {
    const shape = sequenceShape(inputShape);
    this.checkSequenceRank(shape);
    this.cell.ensureBuilt([shape[0] ?? null, ...shape.slice(2)]);
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    const [x, ...given] = Array.isArray(inputs) ? inputs : [inputs];
    this.checkSequenceRank(x!.shape, true);
    const sequence = x!.dtype === this.dtype ? x! : cast(x!, this.dtype);
    const [batch, steps] = sequence.shape as [number, number];
    let states = this.initialStates(given, batch);
    const mask = firstMask(opts.mask);
    const whole = this.callSequenceOp(sequence, states, mask, opts.training ?? false);
    if (whole) return whole;
    const stepMasks = timestepMasks(mask, batch, steps);
    const { inputs: stepInputs, step } = this.cell.prepare(
      transpose(sequence, [1, 0, ...sequence.shape.slice(2).map((_, i) => i + 2)]),
      opts.training ?? false,
    );

    const outputs: Tensor[] = [];
    let last: Tensor | null = null;
    for (let k = 0; k < steps; k++) {
      const t = this.goBackwards ? steps - 1 - k : k;
      const r = step(stepInputs[t]!, states);
      let output = r.output;
      let next = r.states;
      const keep = stepMasks?.[t];
      if (keep) {
        // Masked samples keep their states and repeat the previous output (zeros before the first).
        const prev = states;
        next = next.map((s, j) => where(keepFor(keep, s), s, prev[j]!));
        output = where(keepFor(keep, output), output, this.zeroOutputForMask || !last ? 0 : last);
      }
      states = next;
      last = output;
      if (this.returnSequences) outputs.push(output);
    }
    if (!last)
      throw new ValueError(`expected at least one timestep; received shape ${fmtSpec(x!.shape)}`);
    if (this.stateful) this.states = states;
    const output = this.returnSequences ? stack(outputs, 1) : last;
    return this.returnState ? [output, ...states] : output;
  }

  /**
   * The cell's whole-sequence op, when it has one for this call, with the loop's
   * mask rules: a masked sample keeps its states and repeats its previous output, which is its
   * state, except before its first valid step (zeros) and with zeroOutputForMask (zeros).
   */
  private callSequenceOp(
    x: Tensor,
    states: Tensor[],
    mask: Tensor | null,
    training: boolean,
  ): Tensor | Tensor[] | null {
    const [batch, steps] = x.shape as [number, number];
    const run = steps > 0 ? this.cell.sequenceOp(training) : null;
    if (!run) return null;
    let keep = keepArray(mask, batch, steps);
    let sequence = x;
    if (this.goBackwards) {
      sequence = flip(x, 1);
      if (keep) keep = reverseSteps(keep, batch, steps);
    }
    const maskTensor = keep ? fromValues(keep, [batch, steps]) : null;
    const r = run(sequence, states, maskTensor, this.returnSequences);
    const shown = keep && outputMask(keep, batch, steps, this.zeroOutputForMask);
    let output: Tensor;
    if (this.returnSequences) {
      output = r.sequence!;
      if (shown) output = where(fromValues(shown, [batch, steps, 1]), output, 0);
    } else {
      output = r.states[0]!;
      const last = shown && lastSteps(shown, batch, steps);
      if (last) output = where(fromValues(last, [batch, 1]), output, 0);
    }
    if (this.stateful) this.states = r.states;
    return this.returnState ? [output, ...r.states] : output;
  }

  /** Given states, else the stateful ones, else the cell's zeros. */
  private initialStates(given: Tensor[], batch: number): Tensor[] {
    if (given.length > 0) {
      const shapes = this.cell.stateShapes(batch);
      if (given.length !== shapes.length) {
        throw new ValueError(
          `expected ${shapes.length} initial state tensor(s) of shapes ${shapes.map((s) => fmtSpec(s)).join(", ")}; ` +
            `received ${given.length}`,
        );
      }
      return given.map((s, i) => {
        if (s.shape.join() !== shapes[i]!.join()) {
          throw new ValueError(
            `initial state ${i} must have shape ${fmtSpec(shapes[i]!)}; received ${fmtSpec(s.shape)}`,
          );
        }
        return s.dtype === this.dtype ? s : cast(s, this.dtype);
      });
    }
    if (this.stateful && this.states) {
      const kept = this.states[0]!.shape[0];
      if (kept !== batch) {
        throw new ValueError(
          `a stateful layer keeps states for batch size ${kept}; received a batch of ${batch} ` +
            "(use a fixed batch size, or call resetStates() first)",
        );
      }
      return this.states;
    }
    return this.cell.getInitialState(batch);
  }

  /** Keras `reset_state`: the kept states return to zeros (a stateful layer only). */
  resetStates(): void {
    if (!this.stateful)
      throw new ValueError(`${this.where()}: resetStates needs a stateful layer (stateful: true)`);
    // The next call starts from zeros of its own batch size.
    this.states = null;
  }

  /** Keras 3's name for `resetStates`. */
  resetState(): void {
    this.resetStates();
  }

  override computeOutputShape(
    inputShape: ShapeSpec | readonly ShapeSpec[],
  ): ShapeSpec | ShapeSpec[] {
    const shape = sequenceShape(inputShape);
    const batch = shape[0] ?? null;
    const output = this.returnSequences
      ? [batch, shape[1] ?? null, this.cell.outputSize]
      : [batch, this.cell.outputSize];
    if (!this.returnState) return output;
    return [output, ...this.stateSize.map((n) => [batch, n])];
  }

  override computeMask(
    _inputs: Tensor | Tensor[],
    mask: Tensor | null | readonly (Tensor | null)[],
  ): Tensor | null | (Tensor | null)[] {
    const output = this.returnSequences ? firstMask(mask) : null;
    // Keras: the returned states carry no mask.
    return this.returnState ? [output, ...this.stateSize.map(() => null)] : output;
  }

  /** The Layer base config, then Keras's RNN keys. */
  protected rnnConfig(): Record<string, unknown> {
    const base = super.getConfig();
    // Keras's recurrent layers write activity_regularizer among their own keys.
    delete base.activity_regularizer;
    return {
      ...base,
      return_sequences: this.returnSequences,
      return_state: this.returnState,
      go_backwards: this.goBackwards,
      stateful: this.stateful,
      unroll: this.unroll,
      zero_output_for_mask: this.zeroOutputForMask,
    };
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...this.rnnConfig(),
      cell: serializeLayer(this.cell),
    };
    if (this.activityRegularizer)
      config.activity_regularizer = this.activityRegularizer.serialize();
    return config;
  }

  static fromConfig(config: Record<string, unknown>): RNN {
    const { cell, ...rest } = config;
    return new RNN(deserializeLayer(cell) as RNNCell, fromKerasConfig(rest) as RNNArgs);
  }
}

/** A [batch, 1] step mask shaped to broadcast over `t`'s batch axis ([batch, 1, …, 1]). */
function keepFor(keep: Tensor, t: Tensor): Tensor {
  return t.rank <= 2
    ? keep
    : reshape(keep, [keep.shape[0]!, ...new Array<number>(t.rank - 1).fill(1)]);
}

export function sequenceShape(inputShape: ShapeSpec | readonly ShapeSpec[]): ShapeSpec {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as ShapeSpec;
}

registerKerasLayers({ RNN });
