import type { DType, TypedArray } from "./dtype.js";

/** Like NumPy: past this many elements, only the first and last `EDGE` items of each axis print. */
const THRESHOLD = 1000;
const EDGE = 3;

function formatNumber(v: number, dtype: DType, fixed: boolean): string {
  if (dtype === "bool") return v ? "true" : "false";
  if (dtype === "int32" || dtype === "uint8") return String(v);
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (fixed) return v.toFixed(4);
  return v.toExponential(4);
}

/**
 * NumPy-style text: `Tensor([[1.0000, 2.0000], [3.0000, 4.0000]], shape=[2,2], dtype=float32)`;
 * strings print quoted.
 */
export function formatTensor(
  data: TypedArray | readonly string[],
  shape: readonly number[],
  dtype: DType,
): string {
  const summarize = data.length > THRESHOLD;
  const indent = "Tensor(".length;

  const render = (
    cell: (i: number) => string,
    axis = 0,
    offset = 0,
    stride = data.length,
  ): string => {
    if (shape.length === 0) return cell(0);
    const n = shape[axis]!;
    const inner = n === 0 ? 0 : stride / n;
    const show = (i: number): string =>
      axis === shape.length - 1
        ? cell(offset + i)
        : render(cell, axis + 1, offset + i * inner, inner);
    const items: string[] = [];
    if (summarize && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) items.push(show(i));
      items.push("...");
      for (let i = n - EDGE; i < n; i++) items.push(show(i));
    } else {
      for (let i = 0; i < n; i++) items.push(show(i));
    }
    const rowBreak = ",\n" + (axis < shape.length - 2 ? "\n" : "") + " ".repeat(indent + axis + 1);
    return "[" + items.join(axis === shape.length - 1 ? ", " : rowBreak) + "]";
  };

  // First pass finds which elements print, so only those are formatted and aligned.
  const shown: number[] = [];
  render((i) => (shown.push(i), ""));
  let maxAbs = 0;
  for (const i of shown) {
    const a = Math.abs(Number(data[i]));
    if (Number.isFinite(a) && a > maxAbs) maxAbs = a;
  }
  // Fixed notation unless magnitudes make it unreadable, as NumPy switches to scientific.
  const fixed = maxAbs < 1e8 && (maxAbs === 0 || maxAbs >= 1e-4);
  const format = (i: number): string => {
    const v = data[i]!;
    return typeof v === "string" ? JSON.stringify(v) : formatNumber(v, dtype, fixed);
  };
  const width = shown.reduce((w, i) => Math.max(w, format(i).length), 0);
  const text = render((i) => format(i).padStart(width));
  return `Tensor(${text}, shape=[${shape.join(",")}], dtype=${dtype})`;
}
