/**
 * `ops.image.perspectiveTransform`: Keras's `keras.ops.image.perspective_transform`. The four
 * `endPoints` (output corners, (x, y)) are mapped back onto the four `startPoints` (input
 * corners) by the homography solved here on the host (8 equations, Gaussian elimination), whose
 * row [a0, a1, a2, b0, b1, b2, c0, c1] is then applied with `affineTransform` (constant fill).
 */
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type TensorLike, asTensor } from "../core.js";
import { affineTransform } from "./affine-transform.js";
import { type DataFormat, checkImageRank } from "./image-args.js";
import type { SampleInterpolation } from "./sample-points.js";

export interface PerspectiveTransformOptions {
  /** "bilinear" (default) or "nearest". */
  interpolation?: SampleInterpolation;
  /** The value outside the input image; default 0. */
  fillValue?: number;
  dataFormat?: DataFormat | null;
}

const WHERE = "ops.image.perspectiveTransform";

type Quad = readonly (readonly [number, number])[];

/**
 * The projective row taking each end point (x, y) to its start point:
 * x' = (a0·x + a1·y + a2) / (c0·x + c1·y + 1), y' likewise with b. Solves the 8×8 system
 * with partial pivoting; a degenerate quadrilateral is an error.
 */
export function computeHomography(start: Quad, end: Quad): number[] {
  const rows: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [sx, sy] = start[i]!;
    const [ex, ey] = end[i]!;
    rows.push([ex, ey, 1, 0, 0, 0, -sx * ex, -sx * ey, sx]);
    rows.push([0, 0, 0, ex, ey, 1, -sy * ex, -sy * ey, sy]);
  }
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++)
      if (Math.abs(rows[r]![col]!) > Math.abs(rows[pivot]![col]!)) pivot = r;
    if (Math.abs(rows[pivot]![col]!) < 1e-12) {
      throw new ValueError(
        `${WHERE}: the points do not define a perspective transform (three are collinear)`,
      );
    }
    [rows[col], rows[pivot]] = [rows[pivot]!, rows[col]!];
    const p = rows[col]!;
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const f = rows[r]![col]! / p[col]!;
      if (f !== 0) for (let c = col; c < 9; c++) rows[r]![c]! -= f * p[c]!;
    }
  }
  return rows.map((r, i) => r[8]! / r[i]!);
}

/** Point sets as [N][4][2] numbers: (4, 2) is one set. */
function quads(points: TensorLike, arg: string): [number, number][][] {
  const t = Array.isArray(points)
    ? tensor(points as number[], undefined, "float64")
    : asTensor(points);
  if ((t.rank !== 2 && t.rank !== 3) || t.shape[t.rank - 1] !== 2 || t.shape[t.rank - 2] !== 4) {
    throw new ShapeError(
      `${WHERE}: ${arg} must have shape [4, 2] or [N, 4, 2]; received ${fmtShape(t.shape)}`,
    );
  }
  const v = t.dataSync() as ArrayLike<number>;
  const n = t.rank === 2 ? 1 : t.shape[0]!;
  return Array.from({ length: n }, (_, q) =>
    Array.from({ length: 4 }, (_, i): [number, number] => [
      v[q * 8 + 2 * i]!,
      v[q * 8 + 2 * i + 1]!,
    ]),
  );
}

/** Warps one image or a batch so that `startPoints` land on `endPoints`. */
export function perspectiveTransform(
  images: TensorLike,
  startPoints: TensorLike,
  endPoints: TensorLike,
  opts: PerspectiveTransformOptions = {},
): Tensor {
  const x = asTensor(images);
  checkImageRank(x.shape, WHERE);
  const start = quads(startPoints, "startPoints");
  const end = quads(endPoints, "endPoints");
  if (start.length !== end.length) {
    throw new ShapeError(
      `${WHERE}: startPoints and endPoints must have the same shape; received ${start.length} and ${end.length} sets`,
    );
  }
  const rows = start.map((s, i) => computeHomography(s, end[i]!));
  return affineTransform(x, rows, {
    interpolation: opts.interpolation ?? "bilinear",
    fillMode: "constant",
    fillValue: opts.fillValue ?? 0,
    dataFormat: opts.dataFormat,
  });
}
