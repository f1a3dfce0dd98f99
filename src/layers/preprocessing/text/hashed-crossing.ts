/**
 * Keras `HashedCrossing`: crosses scalar categorical features with the hashing trick, as
 * `tf.sparse.cross_hashed` does — each sample's features (a string's Fingerprint64, an integer's
 * own value) are folded with TF's FingerprintCat64 from TF's default key, then taken mod
 * `numBins`; so the ids equal Keras's. Inputs: two or more tensors of one shape, `()`, `(batch,)`
 * or `(batch, 1)`, each of strings or integers.
 */
import { DTypeError, ValueError } from "../../../errors.js";
import type { DType } from "../../../tensor/dtype.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { Layer, type LayerArgs } from "../../layer.js";
import { registerKerasLayers } from "../../registry.js";
import type { ShapeSpec } from "../../shape-spec.js";
import { categoricalShape, encodeCategorical } from "./categorical-output.js";
import { checkChoice, checkNotSparse, integerValues } from "./host-values.js";
import { crossBucket } from "./keras-hash.js";

export type HashedCrossingOutputMode = "int" | "one_hot";

export interface HashedCrossingArgs extends LayerArgs {
  /** "int" (default): the bin ids; "one_hot": one row of `numBins` per sample. */
  outputMode?: HashedCrossingOutputMode;
  /** Only false: Strata has no sparse tensors. */
  sparse?: boolean;
}

export class HashedCrossing extends Layer {
  readonly numBins: number;
  readonly outputMode: HashedCrossingOutputMode;
  readonly sparse = false;

  constructor(numBins: number, args: HashedCrossingArgs = {}) {
    const outputMode = args.outputMode ?? "int";
    super({ ...args, dtype: args.dtype ?? (outputMode === "int" ? "int32" : "float32") });
    if (typeof numBins !== "number" || !Number.isInteger(numBins) || numBins <= 0) {
      throw new ValueError(
        `${this.where()}: numBins must be a positive integer; received numBins=${String(numBins)}`,
      );
    }
    this.numBins = numBins;
    this.outputMode = checkChoice(outputMode, ["int", "one_hot"], this.where(), "outputMode");
    checkNotSparse(args.sparse, this.where());
    this.built = true;
  }

  /** Keras's checks: a list of at least two inputs of one shape (), (batch,) or (batch, 1). */
  private checkShapes(shapes: readonly ShapeSpec[]): void {
    if (shapes.length < 2) {
      throw new ValueError(
        `${this.where()}: expected a list of at least two inputs; received ${shapes.length}`,
      );
    }
    const first = shapes[0]!;
    if (first.length > 2 || (first.length === 2 && first[1] !== 1)) {
      throw new ValueError(
        `${this.where()}: every input must have shape (), (batch,) or (batch, 1); received ` +
          `[${first.map((d) => d ?? "None").join(", ")}]`,
      );
    }
    const key = (s: ShapeSpec) => s.map((d) => d ?? "None").join(",");
    const other = shapes.find((s) => key(s) !== key(first));
    if (other) {
      throw new ValueError(
        `${this.where()}: every input must have the same shape; received [${key(first)}] and [${key(other)}]`,
      );
    }
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    this.checkShapes(list.map((t) => t.shape));
    const columns = list.map((t, i) => {
      if (t.dtype === "string") return t.stringValues();
      if (t.dtype === "bool") {
        throw new DTypeError(
          `${this.where()}: input ${i} must hold integers or strings; received bool`,
        );
      }
      return integerValues(t, this.where(), `values in input ${i}`);
    });
    const n = list[0]!.size;
    const ids = Int32Array.from({ length: n }, (_, r) =>
      crossBucket(
        columns.map((c) => c[r]!),
        this.numBins,
      ),
    );
    return encodeCategorical(ids, list[0]!.shape, this.outputMode, this.numBins, this.dtype);
  }

  override computeOutputShape(inputShape: ShapeSpec | readonly ShapeSpec[]): ShapeSpec {
    const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as ShapeSpec[];
    this.checkShapes(shapes);
    return categoricalShape(shapes[0]!, this.outputMode, this.numBins);
  }

  override computeOutputDtype(): DType {
    return this.outputMode === "int" ? "int32" : this.dtype;
  }

  /** Keras writes only these keys (dtype as a plain name). */
  override getConfig(): Record<string, unknown> {
    return {
      num_bins: this.numBins,
      output_mode: this.outputMode,
      sparse: this.sparse,
      name: this.name,
      dtype: this.dtype,
    };
  }

  static fromConfig(config: Record<string, unknown>): HashedCrossing {
    const { numBins, ...args } = fromKerasConfig(config);
    return new HashedCrossing(numBins as number, args as HashedCrossingArgs);
  }
}

registerKerasLayers({ HashedCrossing });
