import type { DType, TypedArray } from "./dtype.js";

/** Like NumPy: past this many elements, only the first and last `EDGE` items of each axis print. */
const THRESHOLD = 1000;
const EDGE = 3;

function formatNumber(v: number, dtype: DType, fixed: boolean): string {
  if (dtype === "bool") return v ? "true" : "false";
  if (dtype === "int32") return String(v);
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
  if (fixed) return v.toFixed(4);
  return v.toExponential(4);
}

/** NumPy-style text: `Tensor([[1.0000, 2.0000], [3.0000, 4.0000]], shape=[2,2], dtype=float32)`. */
export function formatTensor(data: TypedArray, shape: readonly number[], dtype: DType): string {
  const summarize = data.length > THRESHOLD;
  let maxAbs = 0;
  for (let i = 0; i < data.length; i++) {
    const a = Math.abs(data[i]!);
    if (Number.isFinite(a) && a > maxAbs) maxAbs = a;
  }
  // Fixed notation unless magnitudes make it unreadable, as NumPy switches to scientific.
  const fixed = maxAbs < 1e8 && (maxAbs === 0 || maxAbs >= 1e-4);
  const cells: string[] = [];
  for (let i = 0; i < data.length; i++) cells.push(formatNumber(data[i]!, dtype, fixed));
  const width = cells.reduce((w, c) => Math.max(w, c.length), 0);
  const indent = "Tensor(".length;

  const render = (axis: number, offset: number, stride: number): string => {
    if (shape.length === 0) return cells[0]!;
    const n = shape[axis]!;
    const inner = n === 0 ? 0 : stride / n;
    const items: string[] = [];
    const show = (i: number): string =>
      axis === shape.length - 1
        ? cells[offset + i]!.padStart(width)
        : render(axis + 1, offset + i * inner, inner);
    if (summarize && n > 2 * EDGE) {
      for (let i = 0; i < EDGE; i++) items.push(show(i));
      items.push("...");
      for (let i = n - EDGE; i < n; i++) items.push(show(i));
    } else {
      for (let i = 0; i < n; i++) items.push(show(i));
    }
    const sep = axis === shape.length - 1 ? ", " : ",\n" + " ".repeat(indent + axis + 1);
    const blank = axis < shape.length - 2 ? "\n" : "";
    return "[" + items.join(blank ? sep.replace("\n", "\n\n") : sep) + "]";
  };
  return `Tensor(${render(0, 0, data.length)}, shape=[${shape.join(",")}], dtype=${dtype})`;
}
