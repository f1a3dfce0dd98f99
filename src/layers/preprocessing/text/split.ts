/**
 * TextVectorization's second step, `split`: "whitespace" (runs of ASCII whitespace, ends trimmed,
 * as `tf.strings.split`), "character" (Unicode code points, as `tf.strings.unicode_split`), none,
 * or a callable from the 1-D string tensor of examples to each example's tokens.
 */
import { ValueError } from "../../../errors.js";
import { Tensor } from "../../../tensor/tensor.js";

export type SplitMode = "whitespace" | "character";

/**
 * A custom split: a 1-D string tensor (one string per example) in, each example's tokens out, as
 * arrays or as a 2-D string tensor (its "" entries are padding and are dropped).
 */
export type SplitFn = (inputs: Tensor) => readonly (readonly string[])[] | Tensor;

export type Split = SplitMode | SplitFn | null;

export const SPLIT_MODES: readonly SplitMode[] = ["whitespace", "character"];

/** The whitespace `tf.strings.split` splits on (absl's ascii_isspace). */
const WHITESPACE = /[ \t\n\v\f\r]+/;

/** One string's tokens under a built-in mode. */
export function splitString(s: string, mode: SplitMode): string[] {
  if (mode === "character") return Array.from(s);
  return s.split(WHITESPACE).filter((t) => t.length > 0);
}

/** Checks a `split` option; `where` names the layer in the error. */
export function checkSplit(value: unknown, where: string): Split {
  if (value === null || typeof value === "function") return value as Split;
  if (typeof value === "string" && (SPLIT_MODES as readonly string[]).includes(value)) {
    return value as SplitMode;
  }
  throw new ValueError(
    `${where}: split must be null, a function or one of ${SPLIT_MODES.join(", ")}; ` +
      `received ${String(value)}`,
  );
}

/** Splits each string of a 1-D string tensor into its tokens. */
export function applySplit(inputs: Tensor, split: SplitMode | SplitFn, where: string): string[][] {
  if (typeof split === "string") return inputs.stringValues().map((s) => splitString(s, split));
  const out = split(inputs);
  let rows: string[][];
  if (out instanceof Tensor) {
    if (out.shape.length !== 2) {
      throw new ValueError(
        `${where}: a split function returning a tensor must return a 2-D string tensor; ` +
          `received shape [${out.shape.join(",")}]`,
      );
    }
    const [n, m] = out.shape as [number, number];
    const v = out.stringValues();
    rows = Array.from({ length: n }, (_, i) => v.slice(i * m, (i + 1) * m).filter((t) => t !== ""));
  } else {
    rows = out.map((r) => [...r]);
  }
  if (rows.length !== inputs.size) {
    throw new ValueError(
      `${where}: the split function must return one token list per example (${inputs.size}); ` +
        `received ${rows.length}`,
    );
  }
  return rows;
}
