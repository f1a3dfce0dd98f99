/**
 * The body of a `:predict` answer, written as TensorFlow Serving writes it (json_tensor.cc): a
 * row-format request gets `{"predictions": […]}`, one item per row (the bare value when the
 * model has one output, an object keyed by output name when it has several); a columnar
 * request gets `{"outputs": …}` (the bare tensor, or an object keyed by output name). Floats are
 * written in the shortest of TF Serving's two forms that reads back to the same value (`%.6g`,
 * else `%.9g` for float32, `%.17g` for float64), so 0.2 in float32 is written 0.2, not
 * 0.20000000298023224; NaN and ±Infinity are written as the tokens TF Serving writes.
 */
import type { DType } from "../../tensor/dtype.js";
import { type Column, rowSize } from "./columns.js";
import type { RequestFormat } from "./predict-request.js";

export interface NamedColumn extends Column {
  readonly name: string;
}

/** The JSON answer for the rows [start, end) of the batch's output columns. */
export function encodePrediction(
  outputs: readonly NamedColumn[],
  format: RequestFormat,
  start: number,
  end: number,
): string {
  const named = outputs.length > 1;
  if (format === "columnar") {
    const parts = outputs.map((c) => {
      const t = writeTensor(c, start, end);
      return named ? `${JSON.stringify(c.name)}: ${t}` : t;
    });
    return named
      ? `{"outputs": {\n${parts.map((p) => `    ${p}`).join(",\n")}\n}}`
      : `{"outputs": ${parts[0]}}`;
  }
  const rows: string[] = [];
  for (let r = start; r < end; r++) {
    const items = outputs.map((c) => {
      const v = writeRow(c, r);
      return named ? `${JSON.stringify(c.name)}: ${v}` : v;
    });
    rows.push(named ? `{${items.join(", ")}}` : items[0]!);
  }
  return `{"predictions": [\n${rows.map((r) => `    ${r}`).join(",\n")}\n]}`;
}

/** Rows [start, end) of a column as nested lists. */
function writeTensor(c: Column, start: number, end: number): string {
  const rows: string[] = [];
  for (let r = start; r < end; r++) rows.push(writeRow(c, r));
  return `[${rows.join(", ")}]`;
}

/** One row of a column: a bare value for a column of scalars, else nested lists. */
function writeRow(c: Column, r: number): string {
  const fmt = formatter(c.dtype);
  const dims = c.shape.slice(1);
  const values = c.values;
  let offset = r * rowSize(c.shape);
  const walk = (dim: number): string => {
    if (dim === dims.length) return fmt(values[offset++]!);
    const parts: string[] = [];
    for (let i = 0; i < dims[dim]!; i++) parts.push(walk(dim + 1));
    return `[${parts.join(", ")}]`;
  };
  return walk(0);
}

type Formatter = (v: number | string) => string;

const FORMATTERS: Record<DType, Formatter> = {
  float32: (v) => formatFloat(v as number, 9, Math.fround),
  float64: (v) => formatFloat(v as number, 17, (x) => x),
  int32: (v) => String(v),
  uint8: (v) => String(v),
  bool: (v) => (v ? "true" : "false"),
  string: (v) => JSON.stringify(v),
};

function formatter(dtype: DType): Formatter {
  return FORMATTERS[dtype];
}

/** TF Serving's WriteDecimal: `%.6g` when it reads back to `v`, else full precision. */
export function formatFloat(v: number, maxDigits: number, round: (x: number) => number): string {
  if (Number.isNaN(v)) return "NaN";
  if (!Number.isFinite(v)) return v > 0 ? "Infinity" : "-Infinity";
  const short = formatG(v, 6);
  return round(Number(short)) === v ? short : formatG(v, maxDigits);
}

/** C's `%.{p}g`: p significant digits, trailing zeros dropped, exponent form outside [1e-4, 1e{p}). */
export function formatG(v: number, p: number): string {
  if (v === 0) return Object.is(v, -0) ? "-0" : "0";
  const [mantissa, expText] = v.toExponential(p - 1).split("e") as [string, string];
  const exp = Number(expText);
  if (exp < -4 || exp >= p) {
    const m = stripZeros(mantissa);
    const e = Math.abs(exp);
    return `${m}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
  }
  return stripZeros(v.toFixed(Math.max(0, p - 1 - exp)));
}

function stripZeros(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}
