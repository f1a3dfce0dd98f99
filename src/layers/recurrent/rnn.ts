import { ValueError } from "../../errors.js";
import type { TensorLike } from "../../ops/core.js";
import { cast, where } from "../../ops/elementwise.js";
import { flip, stack } from "../../ops/join.js";
import { transpose } from "../../ops/movement.js";
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
    if (shape.length !== 3) {
      throw new ValueError(
        `expected inputs of rank 3 (batch, timesteps, features); received shape ${fmtSpec(shape)}`,
      );
    }
    this.cell.ensureBuilt([shape[0] ?? null, ...shape.slice(2)]);
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    const [x, ...given] = Array.isArray(inputs) ? inputs : [inputs];
    if (x!.rank !== 3) {
      throw new ValueError(
        `expected inputs of rank 3 (batch, timesteps, features); received rank ${x!.rank}`,
      );
    }
    const sequence = x!.dtype === this.dtype ? x! : cast(x!, this.dtype);
    const [batch, steps] = sequence.shape as [number, number];
    let states = this.initialStates(given, batch);
    const mask = firstMask(opts.mask);
    const whole = this.callSequenceOp(sequence, states, mask, opts.training ?? false);
    if (whole) return whole;
    const stepMasks = timestepMasks(mask, batch, steps);
    const { inputs: stepInputs, step } = this.cell.prepare(
      transpose(sequence, [1, 0, 2]),
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
        next = next.map((s, j) => where(keep, s, prev[j]!));
        output = where(keep, output, this.zeroOutputForMask || !last ? 0 : last);
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
    const sizes = this.stateSize;
    if (given.length > 0) {
      if (given.length !== sizes.length) {
        throw new ValueError(
          `expected ${sizes.length} initial state tensor(s) of shapes ${sizes.map((n) => fmtSpec([batch, n])).join(", ")}; ` +
            `received ${given.length}`,
        );
      }
      return given.map((s, i) => {
        if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== sizes[i]) {
          throw new ValueError(
            `initial state ${i} must have shape ${fmtSpec([batch, sizes[i]!])}; received ${fmtSpec(s.shape)}`,
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

function sequenceShape(inputShape: ShapeSpec | readonly ShapeSpec[]): ShapeSpec {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as ShapeSpec;
}

registerKerasLayers({ RNN });
