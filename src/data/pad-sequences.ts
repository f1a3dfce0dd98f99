import { ValueError } from "../errors.js";
import { type NumericDType, allocate } from "../tensor/dtype.js";
import { type Tensor, fromValues } from "../tensor/tensor.js";

export interface PadSequencesOptions {
  /** length of every row; default the longest sequence */
  maxlen?: number | null;
  dtype?: NumericDType;
  /** where padding goes: "pre" (Keras's default) or "post" */
  padding?: "pre" | "post";
  /** which end is cut from sequences longer than maxlen */
  truncating?: "pre" | "post";
  value?: number;
}

/** Keras `pad_sequences`: ragged sequences → one [n, maxlen] tensor (int32 by default). */
export function padSequences(
  sequences: readonly (readonly number[])[],
  opts: PadSequencesOptions = {},
): Tensor {
  const { padding = "pre", truncating = "pre", value = 0, dtype = "int32" } = opts;
  for (const [name, v] of [
    ["padding", padding],
    ["truncating", truncating],
  ] as const) {
    if (v !== "pre" && v !== "post") {
      throw new ValueError(
        `padSequences: ${name} must be "pre" or "post"; received ${JSON.stringify(v)}`,
      );
    }
  }
  const maxlen = opts.maxlen ?? sequences.reduce((m, s) => Math.max(m, s.length), 0);
  if (!Number.isInteger(maxlen) || maxlen < 0) {
    throw new ValueError(`padSequences: maxlen must be a non-negative integer; received ${maxlen}`);
  }
  const out = allocate(dtype, sequences.length * maxlen);
  out.fill(value);
  sequences.forEach((seq, i) => {
    const kept =
      seq.length <= maxlen
        ? seq
        : truncating === "pre"
          ? seq.slice(seq.length - maxlen)
          : seq.slice(0, maxlen);
    const offset = i * maxlen + (padding === "pre" ? maxlen - kept.length : 0);
    for (let j = 0; j < kept.length; j++) out[offset + j] = kept[j]!;
  });
  return fromValues(out, [sequences.length, maxlen]);
}
