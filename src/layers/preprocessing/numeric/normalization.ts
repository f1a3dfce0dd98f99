/**
 * Keras `Normalization`: (x − mean) / max(√variance, ε), or with `invert` the way back,
 * mean + x · max(√variance, ε), with one mean and variance per index of the kept `axis`.
 *
 * The statistics are given (`mean`, `variance`) or learned by `adapt`, which streams the data
 * batch by batch and merges each batch's mean and variance into running totals (the pooled
 * formula below, exact up to rounding; computed in float64), so the data is never held. As in
 * Keras 3.16 an adapted layer keeps them in three non-trainable variables, in this order:
 * `mean`, `variance` (the kept axes' shape) and `count` (int32 scalar, kept for compatibility
 * and never updated by adapt): Keras's `.keras` weights layout, so the files load both ways.
 */
import { EPSILON } from "../../../tensor/config.js"; // Keras's backend.epsilon()
import { ValueError, fmtShape } from "../../../errors.js";
import type { Variable } from "../../../autodiff/variable.js";
import { noGrad } from "../../../autodiff/tape.js";
import { type TensorLike, asTensor } from "../../../ops/core.js";
import {
  add,
  cast,
  divide,
  maximum,
  multiply,
  sqrt,
  square,
  subtract,
} from "../../../ops/elementwise.js";
import { broadcastTo, reshape } from "../../../ops/movement.js";
import { mean as meanOf, variance as varianceOf } from "../../../ops/reduce.js";
import type { DType } from "../../../tensor/dtype.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { type CallOptions, Layer, type LayerArgs, SymbolicTensor } from "../../layer.js";
import { registerKerasLayers } from "../../registry.js";
import { type ShapeSpec, fmtShapes } from "../../shape-spec.js";
import { type AdaptData, type AdaptOptions, adaptBatches } from "./adapt-data.js";

/** Keras's `backend.epsilon()`: the floor of the standard deviation. */

type Stat = number | readonly Stat[];

export interface NormalizationArgs extends LayerArgs {
  /** the axis or axes with their own mean and variance; null for one scalar pair (default -1) */
  axis?: number | readonly number[] | null;
  /** given statistics (both or neither); broadcast to the kept axes' shape */
  mean?: Stat | null;
  variance?: Stat | null;
  /** apply the inverse transformation (de-normalize) */
  invert?: boolean;
}

function statShape(v: Stat): number[] {
  return typeof v === "number" ? [] : [v.length, ...(v.length > 0 ? statShape(v[0]!) : [])];
}

export class Normalization extends Layer {
  readonly axis: number[];
  readonly inputMean: Stat | null;
  readonly inputVariance: Stat | null;
  readonly invert: boolean;
  /** adapted statistics: Keras's `adapt_mean`, `adapt_variance` and `count` variables */
  adaptMean: Variable | null = null;
  adaptVariance: Variable | null = null;
  count: Variable | null = null;
  /** given statistics, broadcast to the input's rank */
  private givenMean: Tensor | null = null;
  private givenVariance: Tensor | null = null;
  private keepAxes: number[] = [];
  private reduceAxes: number[] = [];
  private broadcastShape: number[] = [];
  private statsShape: number[] = [];
  /** true until adapt (or setWeights, or loading from a config) supplies the statistics */

  constructor(args: NormalizationArgs = {}) {
    super(args);
    const axis = args.axis === undefined ? -1 : args.axis;
    this.axis = axis === null ? [] : typeof axis === "number" ? [axis] : [...axis];
    if (!this.axis.every((a) => Number.isInteger(a))) {
      throw new ValueError(
        `${this.where()}: axis must be integers or null; received ${String(axis)}`,
      );
    }
    this.inputMean = args.mean ?? null;
    this.inputVariance = args.variance ?? null;
    this.invert = args.invert ?? false;
    this.supportsMasking = true;
    if ((this.inputMean === null) !== (this.inputVariance === null)) {
      throw new ValueError(
        `${this.where()}: when setting values directly, both mean and variance must be set; ` +
          `received mean=${JSON.stringify(this.inputMean)} and variance=${JSON.stringify(this.inputVariance)}`,
      );
    }
    if (this.inputMean !== null) {
      const ms = statShape(this.inputMean);
      const vs = statShape(this.inputVariance!);
      if (ms.join() !== vs.join()) {
        throw new ValueError(
          `${this.where()}: mean and variance must have the same shape; received mean shape ` +
            `${fmtShape(ms)} and variance shape ${fmtShape(vs)}`,
        );
      }
      if (ms.length > this.axis.length) {
        throw new ValueError(
          `${this.where()}: the rank of mean must be at most the number of axes ` +
            `(${this.axis.length}); received mean shape ${fmtShape(ms)} for axis [${this.axis.join(", ")}]`,
        );
      }
    }
  }

  override build(inputShape: ShapeSpec): void {
    const ndim = inputShape.length;
    if (this.axis.some((a) => a < -ndim || a >= ndim)) {
      throw new ValueError(
        `all axis values must be in [-ndim, ndim); received inputs with ndim=${ndim}, while ` +
          `axis=[${this.axis.join(", ")}]`,
      );
    }
    this.keepAxes = [...new Set(this.axis.map((a) => (a < 0 ? a + ndim : a)))].sort(
      (a, b) => a - b,
    );
    for (const d of this.keepAxes) {
      if (inputShape[d] === null || inputShape[d] === undefined) {
        throw new ValueError(
          `the kept axes must have a known size; received axis=[${this.axis.join(", ")}] and ` +
            `inputs of shape ${fmtShapes(inputShape)}, unknown at axis ${d}` +
            (d === 0 ? " (for batched scalars, pass axis: null)" : ""),
        );
      }
    }
    this.reduceAxes = inputShape.map((_, d) => d).filter((d) => !this.keepAxes.includes(d));
    this.broadcastShape = inputShape.map((s, d) => (this.keepAxes.includes(d) ? s! : 1));
    this.statsShape = this.keepAxes.map((d) => inputShape[d]!);
    if (this.inputMean === null) {
      this.adaptMean = this.addWeight({
        name: "mean",
        shape: this.statsShape,
        initializer: "zeros",
        trainable: false,
      });
      this.adaptVariance = this.addWeight({
        name: "variance",
        shape: this.statsShape,
        initializer: "ones",
        trainable: false,
      });
      this.count = this.addWeight({
        name: "count",
        shape: [],
        dtype: "int32",
        initializer: "zeros",
        trainable: false,
      });
      return;
    }
    // Given statistics line up with the kept axes from the right, then broadcast.
    const expand = (v: Stat): Tensor => {
      const t = asTensor(v as number, this.dtype);
      const shape = new Array<number>(ndim).fill(1);
      t.shape.forEach((s, i) => (shape[this.keepAxes[this.keepAxes.length - t.rank + i]!] = s));
      try {
        return broadcastTo(reshape(t, shape), this.broadcastShape);
      } catch {
        throw new ValueError(
          `mean and variance of shape ${fmtShape(t.shape)} cannot be broadcast to the kept ` +
            `axes' shape ${fmtShape(this.statsShape)}`,
        );
      }
    };
    this.givenMean = expand(this.inputMean);
    this.givenVariance = expand(this.inputVariance!);
  }

  /** The statistics as the call uses them: the input's rank, size 1 on the reduced axes. */
  private statistics(): [Tensor, Tensor] {
    if (this.givenMean && this.givenVariance) return [this.givenMean, this.givenVariance];
    const m = reshape(cast(this.adaptMean!.value, this.dtype), this.broadcastShape);
    const v = reshape(cast(this.adaptVariance!.value, this.dtype), this.broadcastShape);
    return [m, v];
  }

  call(inputs: Tensor): Tensor {
    // Before adapt the statistics are their initial 0 and 1, so the layer is the identity (Keras 3).
    const x = inputs.dtype === this.dtype ? inputs : cast(inputs, this.dtype);
    const [m, v] = this.statistics();
    const std = maximum(sqrt(v), EPSILON);
    return this.invert ? add(m, multiply(x, std)) : divide(subtract(x, m), std);
  }

  /**
   * Learns the mean and variance of `data`: a tensor or array, or any (async) iterable of
   * batches such as an `st.data.Dataset`. Batches are merged as they come (never held): with n
   * values so far of mean m and variance v and a batch of k values, mean b and variance w,
   * m' = (n·m + k·b)/(n + k) and v' = (n·(v + (m − m')²) + k·(w + (b − m')²))/(n + k).
   */
  async adapt(data: AdaptData, opts: AdaptOptions = {}): Promise<void> {
    if (this.inputMean !== null) {
      throw new ValueError(
        `${this.where()}: the layer was given mean and variance; it cannot adapt`,
      );
    }
    let totalMean: Tensor | null = null;
    let totalVar: Tensor | null = null;
    let total = 0;
    for await (const batch of adaptBatches(data, opts, this.where())) {
      noGrad(() => {
        if (!this.built) this.ensureBuilt([...batch.shape]);
        this.checkBatch(batch);
        const x = cast(batch, "float64");
        const bMean = meanOf(x, this.reduceAxes);
        const bVar = varianceOf(x, this.reduceAxes);
        const k = this.reduceAxes.reduce((n, d) => n * batch.shape[d]!, 1);
        if (k === 0) return;
        total += k;
        const wb = k / total;
        const we = 1 - wb;
        if (totalMean === null || totalVar === null) {
          totalMean = bMean;
          totalVar = bVar;
          return;
        }
        const newMean = add(multiply(totalMean, we), multiply(bMean, wb));
        totalVar = add(
          multiply(add(totalVar, square(subtract(totalMean, newMean))), we),
          multiply(add(bVar, square(subtract(bMean, newMean))), wb),
        );
        totalMean = newMean;
      });
    }
    if (totalMean === null || totalVar === null) {
      throw new ValueError(`${this.where()}: adapt received only empty batches`);
    }
    this.adaptMean!.assign(cast(totalMean, this.adaptMean!.dtype));
    this.adaptVariance!.assign(cast(totalVar, this.adaptVariance!.dtype));
  }

  private checkBatch(batch: Tensor): void {
    const built = this.buildInputShape as ShapeSpec;
    if (batch.rank !== built.length || this.keepAxes.some((d) => batch.shape[d] !== built[d])) {
      throw new ValueError(
        `${this.where()}: the layer was built for inputs of shape ${fmtShapes(built)} but adapt ` +
          `received a batch of shape ${fmtShapes(batch.shape)}`,
      );
    }
  }

  /**
   * Called eagerly before it is built, the layer builds from the full input shape, batch axis
   * included, as Keras does: batched scalars (rank 1) then keep one statistic per index.
   */
  override apply(inputs: SymbolicTensor, opts?: CallOptions): SymbolicTensor;
  override apply(inputs: TensorLike, opts?: CallOptions): Tensor;
  override apply(inputs: unknown, opts: CallOptions = {}): unknown {
    if (!this.built && !(inputs instanceof SymbolicTensor)) {
      const x = asTensor(inputs as TensorLike);
      this.ensureBuilt([...x.shape]);
      return super.apply(x, opts);
    }
    return super.apply(inputs as never, opts);
  }

  override setWeights(values: Parameters<Layer["setWeights"]>[0]): void {
    super.setWeights(values);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return inputShape;
  }

  override computeOutputDtype(_inputDtypes: readonly DType[]): DType {
    return this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      axis: this.axis,
      invert: this.invert,
      // Keras writes np.array(None).tolist(), which is null, when the statistics were adapted.
      mean: this.inputMean,
      variance: this.inputVariance,
    };
  }

  static fromConfig(config: Record<string, unknown>): Normalization {
    return new Normalization(fromKerasConfig(config) as NormalizationArgs);
  }
}

registerKerasLayers({ Normalization });
