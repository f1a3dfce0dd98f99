/**
 * Keras `StringLookup`: strings to vocabulary indices (or, with `invert`, indices to strings),
 * with Keras's OOV slots, mask token, output modes, `adapt`, and vocabulary saved as Keras does.
 * TextVectorization builds on it. Inputs are string tensors (`Tensor.fromStrings`, or nested
 * string arrays, which `apply` turns into one).
 */
import { DTypeError } from "../../../errors.js";
import { type Tensor, fromStrings } from "../../../tensor/tensor.js";
import { fromKerasConfig } from "../../config.js";
import { registerKerasLayers } from "../../registry.js";
import { IndexLookup, type IndexLookupArgs } from "./index-lookup.js";

export interface StringLookupArgs extends IndexLookupArgs<string> {
  /**
   * Keras's text encoding of the input bytes (default "utf-8"). JS strings are already text, so it
   * is kept for the config; hashing of OOV strings always uses their UTF-8 bytes.
   */
  encoding?: string;
}

/**
 * Orders strings by their UTF-8 bytes, which is code point order, as NumPy orders Keras's byte
 * strings. UTF-16 code units agree with it except that surrogates (U+D800–DFFF, the halves of
 * code points above U+FFFF) must sort after U+E000–FFFF: the first differing unit is shifted so.
 */
export function compareUtf8(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xd800 && unit <= 0xdfff) return unit + 0x2000;
  if (unit >= 0xe000) return unit - 0x800;
  return unit;
}

export class StringLookup extends IndexLookup<string> {
  readonly encoding: string;

  constructor(args: StringLookupArgs = {}) {
    super(args, { oovToken: "[UNK]" });
    this.encoding = args.encoding ?? "utf-8";
    this.checkSaltUse();
  }

  get vocabularyDtype(): "string" {
    return "string";
  }

  protected tokensOf(t: Tensor): string[] {
    if (t.dtype !== "string") {
      throw new DTypeError(
        `${this.where()}: expected string inputs; received a ${t.dtype} tensor of shape ` +
          `[${t.shape.join(", ")}] (for integer tokens use IntegerLookup)`,
      );
    }
    return t.stringValues();
  }

  protected tokensTensor(tokens: readonly string[], shape: readonly number[]): Tensor {
    return fromStrings(tokens, [...shape]);
  }

  protected toToken(value: unknown): string {
    if (typeof value !== "string") {
      throw new DTypeError(
        `${this.where()}: vocabulary entries must be strings; received ${JSON.stringify(value)}`,
      );
    }
    return value;
  }

  protected parseToken(line: string): string {
    return line;
  }

  protected compareTokens(a: string, b: string): number {
    return compareUtf8(a, b);
  }

  /** Keras's StringLookup config: IndexLookup's without `vocabulary_dtype`, plus `encoding`. */
  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    delete config.vocabulary_dtype;
    return { ...config, encoding: this.encoding };
  }

  static fromConfig(config: Record<string, unknown>): StringLookup {
    const args = fromKerasConfig(config);
    delete args.vocabularyDtype;
    return new StringLookup(args as StringLookupArgs);
  }
}

registerKerasLayers({ StringLookup });
