/**
 * Keras `CategoryEncoding`: integer features in [0, numTokens) as dense vectors. "one_hot" encodes
 * each entry (a last axis of size 1 is replaced, otherwise one is added), "multi_hot" marks the
 * tokens present in each sample (the default), "count" counts them, weighted by `countWeights`
 * when given: `layer.apply(x, { countWeights })`. Values outside [0, numTokens) are an error.
 */
import { ValueError } from "../../../errors.js";
import { type TensorLike, asTensor } from "../../../ops/core.js";
import type { DType } from "../../../tensor/dtype.js";
import { fmtShape } from "../../../errors.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { type CallOptions, Layer, type LayerArgs, SymbolicTensor } from "../../layer.js";
import { registerKerasLayers } from "../../registry.js";
import type { ShapeSpec } from "../../shape-spec.js";
import {
  type EncodingMode,
  checkNotSparse,
  checkOutputMode,
  encodeCategorical,
  encodedShape,
} from "./categorical-encoding.js";

const MODES: readonly EncodingMode[] = ["multi_hot", "one_hot", "count"];

export interface CategoryEncodingArgs extends LayerArgs {
  numTokens?: number;
  /** "multi_hot" (default), "one_hot" or "count" ("binary" is read as "multi_hot", as Keras does) */
  outputMode?: EncodingMode | "binary";
  /** only false: Strata has no sparse tensors */
  sparse?: boolean;
}

export interface CategoryEncodingCallOptions extends CallOptions {
  /** per-entry weights summed in "count" mode; the inputs' shape */
  countWeights?: TensorLike | null;
}

export class CategoryEncoding extends Layer {
  /** Keras's `count_weights` call argument. */
  static readonly callOptions: readonly string[] = ["countWeights"];
  readonly numTokens: number;
  readonly outputMode: EncodingMode;
  readonly sparse: false;
  private countWeights: Tensor | null = null;

  constructor(args: CategoryEncodingArgs = {}) {
    super(args);
    const mode = args.outputMode === "binary" ? "multi_hot" : (args.outputMode ?? "multi_hot");
    this.outputMode = checkOutputMode(mode, MODES, this.where());
    this.sparse = checkNotSparse(args.sparse, this.where());
    const n = args.numTokens;
    if (n === undefined || n === null) {
      throw new ValueError(
        `${this.where()}: numTokens must be set; when the number of tokens is not known ` +
          "beforehand, use IntegerLookup instead",
      );
    }
    if (!Number.isInteger(n) || n < 1) {
      throw new ValueError(
        `${this.where()}: numTokens must be an integer >= 1; received numTokens=${n}`,
      );
    }
    this.numTokens = n;
  }

  override apply(inputs: SymbolicTensor, opts?: CategoryEncodingCallOptions): SymbolicTensor;
  override apply(inputs: TensorLike, opts?: CategoryEncodingCallOptions): Tensor;
  override apply(inputs: unknown, opts: CategoryEncodingCallOptions = {}): unknown {
    const { countWeights = null, ...base } = opts;
    if (countWeights !== null) {
      if (this.outputMode !== "count") {
        throw new ValueError(
          `${this.where()}: countWeights is only used when outputMode is "count"; outputMode is "${this.outputMode}"`,
        );
      }
      if (countWeights instanceof SymbolicTensor || inputs instanceof SymbolicTensor) {
        throw new ValueError(
          `${this.where()}: countWeights can be given only when calling the layer on tensors`,
        );
      }
    }
    const outer = this.countWeights;
    this.countWeights = countWeights === null ? null : asTensor(countWeights, this.dtype);
    try {
      return super.apply(inputs as never, base);
    } finally {
      this.countWeights = outer;
    }
  }

  call(inputs: Tensor): Tensor {
    const values = inputs.dataSync() as ArrayLike<number>;
    for (let i = 0; i < values.length; i++) {
      const v = Number(values[i]);
      if (!(v >= 0 && v < this.numTokens)) {
        throw new ValueError(
          `input values must be in the range 0 <= values < numTokens (${this.numTokens}); received ${v}`,
        );
      }
    }
    const weights = this.countWeights;
    if (weights && weights.shape.join() !== inputs.shape.join()) {
      throw new ValueError(
        `countWeights must have the inputs' shape ${fmtShape(inputs.shape)}; received ${fmtShape(weights.shape)}`,
      );
    }
    return encodeCategorical(
      inputs,
      this.outputMode,
      this.numTokens,
      this.dtype,
      weights ?? undefined,
    );
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return encodedShape(inputShape, this.outputMode, this.numTokens);
  }

  override computeOutputDtype(_inputDtypes: readonly DType[]): DType {
    return this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      num_tokens: this.numTokens,
      output_mode: this.outputMode,
      sparse: this.sparse,
    };
  }

  static fromConfig(config: Record<string, unknown>): CategoryEncoding {
    return new CategoryEncoding(fromKerasConfig(config) as CategoryEncodingArgs);
  }
}

registerKerasLayers({ CategoryEncoding });
