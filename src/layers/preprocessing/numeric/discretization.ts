/**
 * Keras `Discretization`: buckets continuous values by ranges. Boundaries [b0 … bk] make bins
 * (−∞, b0), [b0, b1), …, [bk, +∞), so a value's bin is how many boundaries are ≤ it (NumPy's
 * `digitize`; NaN goes to the last bin as there). Output "int" gives the int32 bin indices;
 * "one_hot", "multi_hot" and "count" encode them as CategoryEncoding does, with depth k + 2.
 *
 * `adapt` learns `numBins − 1` boundaries from approximate quantiles computed exactly as Keras
 * computes them (quantile-summary.ts: summaries of about 1/epsilon points, merged batch by
 * batch), so an adapted layer has Keras's boundaries and never holds the data.
 */
import { ValueError } from "../../../errors.js";
import { noGrad } from "../../../autodiff/tape.js";
import { asTensor } from "../../../ops/core.js";
import { cast, greaterEqual, isnan, where } from "../../../ops/elementwise.js";
import { expandDims } from "../../../ops/movement.js";
import { sum } from "../../../ops/reduce.js";
import { zerosLike } from "../../../tensor/creation.js";
import type { DType } from "../../../tensor/dtype.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { Layer, type LayerArgs } from "../../layer.js";
import { registerKerasLayers } from "../../registry.js";
import type { ShapeSpec } from "../../shape-spec.js";
import { type AdaptData, adaptBatches } from "./adapt-data.js";
import {
  checkNotSparse,
  checkOutputMode,
  encodeCategorical,
  encodedShape,
} from "./categorical-encoding.js";
import {
  type QuantileSummary,
  binBoundaries,
  emptySummary,
  mergeSummaries,
  summarize,
} from "./quantile-summary.js";

export type DiscretizationOutputMode = "int" | "one_hot" | "multi_hot" | "count";
const MODES: readonly DiscretizationOutputMode[] = ["int", "one_hot", "multi_hot", "count"];

export interface DiscretizationArgs extends LayerArgs {
  /** the inner boundaries, increasing; not with `numBins` */
  binBoundaries?: readonly number[] | null;
  /** how many bins `adapt` should learn; not with `binBoundaries` */
  numBins?: number | null;
  /** the quantiles' error tolerance (default 0.01) */
  epsilon?: number;
  outputMode?: DiscretizationOutputMode;
  /** only false: Strata has no sparse tensors */
  sparse?: boolean;
}

export class Discretization extends Layer {
  binBoundaries: number[] | null;
  readonly numBins: number | null;
  readonly epsilon: number;
  readonly outputMode: DiscretizationOutputMode;
  readonly sparse: false;
  private summary: QuantileSummary = emptySummary();

  constructor(args: DiscretizationArgs = {}) {
    super(args);
    this.outputMode = checkOutputMode(args.outputMode ?? "int", MODES, this.where());
    this.sparse = checkNotSparse(args.sparse, this.where());
    const numBins = args.numBins ?? null;
    const boundaries = args.binBoundaries ?? null;
    if (numBins !== null && (!Number.isInteger(numBins) || numBins < 0)) {
      throw new ValueError(
        `${this.where()}: numBins must be an integer >= 0; received numBins=${numBins}`,
      );
    }
    if (numBins !== null && boundaries !== null) {
      throw new ValueError(
        `${this.where()}: set numBins or binBoundaries, not both; received numBins=${numBins} ` +
          `and binBoundaries=[${boundaries.join(", ")}]`,
      );
    }
    if (numBins === null && boundaries === null) {
      throw new ValueError(`${this.where()}: set either numBins or binBoundaries`);
    }
    if (boundaries !== null && !boundaries.every((b) => typeof b === "number")) {
      throw new ValueError(
        `${this.where()}: binBoundaries must be numbers; received ${JSON.stringify(boundaries)}`,
      );
    }
    const epsilon = args.epsilon ?? 0.01;
    if (!(epsilon > 0 && epsilon <= 1)) {
      throw new ValueError(`${this.where()}: epsilon must be in (0, 1]; received ${epsilon}`);
    }
    this.binBoundaries = boundaries && [...boundaries];
    this.numBins = numBins;
    this.epsilon = epsilon;
  }

  /** The number of bins: boundaries + 1 (`numBins` before adapt). */
  get depth(): number {
    return this.binBoundaries !== null ? this.binBoundaries.length + 1 : this.numBins!;
  }

  /**
   * Learns `numBins − 1` boundaries from the quantiles of `data` (a tensor or array, or any
   * (async) iterable of batches such as an `st.data.Dataset`), forgetting any earlier adapt.
   */
  async adapt(data: AdaptData, opts: { steps?: number; verbose?: 0 | 1 } = {}): Promise<void> {
    if (this.numBins === null) {
      throw new ValueError(
        `${this.where()}: a layer made with binBoundaries cannot adapt; make it with numBins`,
      );
    }
    this.summary = emptySummary();
    for await (const batch of adaptBatches(
      data,
      { steps: opts.steps, verbose: opts.verbose },
      this.where(),
    )) {
      const values = Float32Array.from(batch.dataSync() as ArrayLike<number>);
      this.summary = mergeSummaries(summarize(values, this.epsilon), this.summary, this.epsilon);
    }
    this.binBoundaries = binBoundaries(this.summary, this.numBins);
  }

  call(inputs: Tensor): Tensor {
    if (this.binBoundaries === null) {
      throw new ValueError(
        "pass binBoundaries to the constructor or call adapt(data) before using the layer",
      );
    }
    const boundaries = this.binBoundaries;
    const indices = noGrad(() => {
      const x = cast(inputs, "float32");
      const count = boundaries.length;
      if (count === 0) return zerosLike(x, "int32");
      const b = asTensor(boundaries, "float32");
      const below = sum(greaterEqual(expandDims(x, -1), b), -1);
      return where(isnan(x), count, cast(below, "int32"));
    });
    if (this.outputMode === "int") return cast(indices, "int32");
    return encodeCategorical(indices, this.outputMode, this.depth, this.dtype);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    if (this.outputMode === "int") return inputShape;
    return encodedShape(inputShape, this.outputMode, this.depth);
  }

  override computeOutputDtype(_inputDtypes: readonly DType[]): DType {
    return this.outputMode === "int" ? "int32" : this.dtype;
  }

  /** Keras's keys only (its Discretization writes no `trainable`, and `dtype` as a name). */
  override getConfig(): Record<string, unknown> {
    return {
      bin_boundaries: this.binBoundaries,
      num_bins: this.numBins,
      epsilon: this.epsilon,
      output_mode: this.outputMode,
      sparse: this.sparse,
      name: this.name,
      dtype: this.dtype,
    };
  }

  static fromConfig(config: Record<string, unknown>): Discretization {
    const args = fromKerasConfig(config) as DiscretizationArgs;
    // An adapted layer's config has both: make it with numBins, then restore the boundaries.
    if (args.binBoundaries != null && args.numBins != null) {
      const { binBoundaries: boundaries, ...rest } = args;
      const layer = new Discretization(rest);
      layer.binBoundaries = [...boundaries];
      return layer;
    }
    return new Discretization(args);
  }
}

registerKerasLayers({ Discretization });
