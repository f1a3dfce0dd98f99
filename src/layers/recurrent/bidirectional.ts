import { ValueError } from "../../errors.js";
import type { TensorLike } from "../../ops/core.js";
import { add, divide, multiply } from "../../ops/elementwise.js";
import { concatenate, flip } from "../../ops/join.js";
import type { Tensor } from "../../tensor/tensor.js";
import { fromKerasConfig } from "../config.js";
import { type CallOptions, Layer, type LayerArgs, type SymbolicTensor } from "../layer.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";
import { RNN, type RNNCallOptions, withInitialState } from "./rnn.js";
import { cloneLayer, deserializeLayer, firstMask, serializeLayer } from "./serialization.js";
import { registerKerasLayers } from "../registry.js";

export type MergeMode = "concat" | "sum" | "mul" | "ave" | null;
const MERGE_MODES: readonly MergeMode[] = ["concat", "sum", "mul", "ave", null];

export interface BidirectionalArgs extends LayerArgs {
  /** how the two directions combine; null returns both outputs as a list */
  mergeMode?: MergeMode;
  /** the layer for the backward direction (default: a copy of `layer` with goBackwards) */
  backwardLayer?: RNN | null;
}

function removePrefix(name: string, prefix: string): string {
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/**
 * Keras `Bidirectional(layer, {mergeMode, backwardLayer})`: runs a copy of `layer` forwards and
 * another backwards over the sequence, reverses the backward sequence output back into time order,
 * and merges the two. Weights: the forward layer's, then the backward layer's.
 */
export class Bidirectional extends Layer {
  /** Keras's `initial_state` call argument. */
  static readonly callOptions: readonly string[] = ["initialState"];
  // Declared in this order so the weights list the forward layer first, as Keras does.
  readonly forwardLayer: RNN;
  readonly backwardLayer: RNN;
  readonly mergeMode: MergeMode;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly stateful: boolean;

  constructor(layer: RNN, args: BidirectionalArgs = {}) {
    const { backwardLayer, mergeMode, ...layerArgs } = args;
    super(layerArgs);
    if (!(layer instanceof RNN)) {
      throw new ValueError(
        `${this.where()}: layer must be a recurrent layer (RNN, LSTM, GRU …); received ${String(layer)}`,
      );
    }
    if (backwardLayer != null && !(backwardLayer instanceof RNN)) {
      throw new ValueError(
        `${this.where()}: backwardLayer must be a recurrent layer; received ${String(backwardLayer)}`,
      );
    }
    const mode = mergeMode === undefined ? "concat" : mergeMode;
    if (!MERGE_MODES.includes(mode)) {
      throw new ValueError(
        `${this.where()}: invalid merge mode; expected one of "concat", "sum", "mul", "ave", null; ` +
          `received mergeMode=${JSON.stringify(mode)}`,
      );
    }
    this.mergeMode = mode;
    // Fresh copies, so the wrapper never shares state or weights with the layer it was given.
    const forwardName = `forward_${removePrefix(layer.name, "forward_")}`;
    this.forwardLayer = cloneLayer(layer, { name: forwardName }, this.where()) as RNN;
    this.backwardLayer =
      backwardLayer ??
      (cloneLayer(
        layer,
        { name: `backward_${removePrefix(layer.name, "backward_")}`, go_backwards: true },
        this.where(),
      ) as RNN);
    const f = this.forwardLayer;
    const b = this.backwardLayer;
    if (f.goBackwards === b.goBackwards) {
      throw new ValueError(
        `${this.where()}: the forward and backward layers must have different goBackwards values; ` +
          `received forward goBackwards=${f.goBackwards}, backward goBackwards=${b.goBackwards}`,
      );
    }
    for (const key of ["stateful", "returnSequences", "returnState"] as const) {
      if (f[key] !== b[key]) {
        throw new ValueError(
          `${this.where()}: the forward and backward layers must have the same ${key}; ` +
            `received ${f[key]} (forward) and ${b[key]} (backward)`,
        );
      }
    }
    // Keras zeroes the masked steps of both sequences so that the merged output is clean there.
    f.zeroOutputForMask = f.returnSequences;
    b.zeroOutputForMask = b.returnSequences;
    this.returnSequences = f.returnSequences;
    this.returnState = f.returnState;
    this.stateful = f.stateful;
    this.supportsMasking = true;
  }

  /** `apply(x, {initialState})`: the first half of the states goes forward, the rest backward. */
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
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as ShapeSpec;
    const rank = this.forwardLayer.sequenceRank;
    if (shape.length !== rank) {
      throw new ValueError(
        `expected inputs of rank ${rank} ${rankAxes(rank)}; received shape ${fmtSpec(shape)}`,
      );
    }
    this.forwardLayer.ensureBuilt(shape);
    this.backwardLayer.ensureBuilt(shape);
  }

  call(inputs: Tensor | Tensor[], opts: CallOptions): Tensor | Tensor[] {
    const [x, ...states] = Array.isArray(inputs) ? inputs : [inputs];
    const rank = this.forwardLayer.sequenceRank;
    if (x!.rank !== rank) {
      throw new ValueError(
        `expected inputs of rank ${rank} ${rankAxes(rank)}; received rank ${x!.rank}`,
      );
    }
    if (states.length % 2 !== 0) {
      throw new ValueError(
        `expected an even number of initial states (forward, then backward); received ${states.length}`,
      );
    }
    const half = states.length / 2;
    const common = { training: opts.training, mask: firstMask(opts.mask) };
    const run = (layer: RNN, initial: Tensor[]): Tensor[] => {
      const out = layer.apply(x!, { ...common, initialState: initial.length ? initial : null }) as
        Tensor | Tensor[];
      return Array.isArray(out) ? out : [out];
    };
    const [y, ...forwardStates] = run(this.forwardLayer, states.slice(0, half));
    const [yBack, ...backwardStates] = run(this.backwardLayer, states.slice(half));
    // The backward layer's sequence runs from the last timestep; put it back in time order.
    const yRev = this.returnSequences ? flip(yBack!, 1) : yBack!;
    const merged = this.merge(y!, yRev);
    if (!this.returnState) return merged;
    return [...(Array.isArray(merged) ? merged : [merged]), ...forwardStates, ...backwardStates];
  }

  private merge(y: Tensor, yRev: Tensor): Tensor | Tensor[] {
    switch (this.mergeMode) {
      case "concat":
        return concatenate([y, yRev], -1);
      case "sum":
        return add(y, yRev);
      case "ave":
        return divide(add(y, yRev), 2);
      case "mul":
        return multiply(y, yRev);
      default:
        return [y, yRev];
    }
  }

  override computeOutputShape(
    inputShape: ShapeSpec | readonly ShapeSpec[],
  ): ShapeSpec | ShapeSpec[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as ShapeSpec;
    const inner = this.forwardLayer.computeOutputShape(shape);
    const [output, ...stateShapes] = (this.returnState ? inner : [inner]) as ShapeSpec[];
    let outputs: ShapeSpec[] = [output!];
    if (this.mergeMode === "concat") {
      const last = output!.at(-1);
      outputs = [[...output!.slice(0, -1), last === null || last === undefined ? null : last * 2]];
    } else if (this.mergeMode === null) {
      outputs = [output!, output!];
    }
    if (!this.returnState && outputs.length === 1) return outputs[0]!;
    return [...outputs, ...stateShapes, ...stateShapes];
  }

  override computeMask(
    _inputs: Tensor | Tensor[],
    mask: Tensor | null | readonly (Tensor | null)[],
  ): Tensor | null | (Tensor | null)[] {
    const output = this.returnSequences ? firstMask(mask) : null;
    const outputs = this.mergeMode === null ? [output, output] : [output];
    if (!this.returnState) return outputs.length === 1 ? outputs[0]! : outputs;
    // Keras: the returned states of both directions carry no mask.
    return [...outputs, ...this.forwardLayer.stateSize.flatMap(() => [null, null])];
  }

  /** Keras `reset_state`: both directions' kept states return to zeros. */
  resetStates(): void {
    if (!this.stateful) throw new ValueError(`${this.where()}: resetStates needs a stateful layer`);
    this.forwardLayer.resetStates();
    this.backwardLayer.resetStates();
  }

  resetState(): void {
    this.resetStates();
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      merge_mode: this.mergeMode,
      layer: serializeLayer(this.forwardLayer),
      backward_layer: serializeLayer(this.backwardLayer),
    };
  }

  static fromConfig(config: Record<string, unknown>): Bidirectional {
    const { layer, backward_layer, merge_mode, ...rest } = config;
    return new Bidirectional(deserializeLayer(layer) as RNN, {
      ...(fromKerasConfig(rest) as LayerArgs),
      mergeMode: merge_mode === undefined ? "concat" : (merge_mode as MergeMode),
      backwardLayer: backward_layer ? (deserializeLayer(backward_layer) as RNN) : null,
    });
  }
}

registerKerasLayers({ Bidirectional });

/** The axes of a recurrent layer's inputs, for messages. */
function rankAxes(rank: number): string {
  return rank === 3 ? "(batch, timesteps, features)" : "(batch, timesteps, spatial…, channels)";
}
