/**
 * Keras `Hashing`: each value (a string, or an integer written in decimal as TF's `as_string`
 * does) is hashed into `numBins` bins with FarmHash Fingerprint64, or with SipHash64 keyed by
 * `salt`; with `maskValue`, that value gets bin 0 and the others bins 1 … numBins − 1. The ids
 * equal Keras's, then are encoded in Keras's output modes.
 */
import { ValueError } from "../../../errors.js";
import type { DType } from "../../../tensor/dtype.js";
import type { Tensor } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { Layer, type LayerArgs } from "../../layer.js";
import { registerKerasLayers } from "../../registry.js";
import type { ShapeSpec } from "../../shape-spec.js";
import { categoricalShape, encodeCategorical } from "./categorical-output.js";
import { checkChoice, checkNotSparse, checkSalt, hostValues } from "./host-values.js";
import { type Salt, hashBucket } from "./keras-hash.js";

export type HashingOutputMode = "int" | "one_hot" | "multi_hot" | "count";
const MODES: readonly HashingOutputMode[] = ["int", "one_hot", "multi_hot", "count"];

export interface HashingArgs extends LayerArgs {
  /** The value that maps to bin 0 (the other values use bins 1 … numBins − 1); null: none. */
  maskValue?: string | number | null;
  /** SipHash64 key instead of FarmHash64: one integer (used twice) or two. */
  salt?: number | readonly [number, number] | null;
  /** "int" (default), "one_hot", "multi_hot" or "count". */
  outputMode?: HashingOutputMode;
  /** Only false: Strata has no sparse tensors. */
  sparse?: boolean;
}

/** A value as TF hashes it: strings as they are, numbers truncated to integers in decimal. */
function hashText(v: string | number, dtype: DType): string {
  if (typeof v === "string") return v;
  if (dtype === "bool") return v ? "true" : "false";
  return String(Math.trunc(v));
}

export class Hashing extends Layer {
  readonly numBins: number;
  readonly maskValue: string | number | null;
  readonly salt: Salt | null;
  readonly outputMode: HashingOutputMode;
  readonly sparse = false;

  constructor(numBins: number, args: HashingArgs = {}) {
    const outputMode = args.outputMode ?? "int";
    super({ ...args, dtype: args.dtype ?? (outputMode === "int" ? "int32" : "float32") });
    if (typeof numBins !== "number" || !Number.isInteger(numBins) || numBins <= 0) {
      throw new ValueError(
        `${this.where()}: numBins must be a positive integer; received numBins=${String(numBins)}`,
      );
    }
    this.numBins = numBins;
    this.outputMode = checkChoice(outputMode, MODES, this.where(), "outputMode");
    if (this.outputMode === "int" && this.dtype !== "int32") {
      throw new ValueError(
        `${this.where()}: with outputMode "int", dtype must be an integer type ("int32" or ` +
          `"int64"); received dtype=${String(args.dtype)}`,
      );
    }
    checkNotSparse(args.sparse, this.where());
    this.maskValue = args.maskValue ?? null;
    this.salt = checkSalt(args.salt, this.where());
    this.built = true;
  }

  /** The bin of every input value, flat in row-major order (Keras's `_hash_values_to_bins`). */
  hashToBins(inputs: Tensor): Int32Array {
    const values = hostValues(inputs);
    const masked = this.maskValue !== null && this.numBins > 1;
    const bins = masked ? this.numBins - 1 : this.numBins;
    return Int32Array.from(values as (string | number)[], (v) => {
      if (masked && v === this.maskValue) return 0;
      const bin = hashBucket(hashText(v, inputs.dtype), bins, this.salt);
      return masked ? bin + 1 : bin;
    });
  }

  call(inputs: Tensor | Tensor[]): Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    return encodeCategorical(
      this.hashToBins(x),
      x.shape,
      this.outputMode,
      this.numBins,
      this.dtype,
    );
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return categoricalShape(inputShape, this.outputMode, this.numBins);
  }

  override computeOutputDtype(): DType {
    return this.outputMode === "int" ? "int32" : this.dtype;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      num_bins: this.numBins,
      salt: this.salt ? [...this.salt] : null,
      mask_value: this.maskValue,
      output_mode: this.outputMode,
      sparse: this.sparse,
    };
  }

  static fromConfig(config: Record<string, unknown>): Hashing {
    const { numBins, ...args } = fromKerasConfig(config);
    return new Hashing(numBins as number, args as HashingArgs);
  }
}

registerKerasLayers({ Hashing });
