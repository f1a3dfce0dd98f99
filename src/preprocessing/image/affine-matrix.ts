/**
 * Keras's legacy affine transform (apply_affine_transform) as a map from each output pixel to the
 * input position it samples. In (x, y) = (column, row) coordinates the matrix is
 *
 *   M = R(θ) · T(tx, ty) · Sh(s) · Z(zx, zy),   R = [[cos θ, −sin θ], [sin θ, cos θ]],
 *   Sh = [[1, −sin s], [0, cos s]],   Z = diag(zx, zy),
 *
 * offset to the image centre (transform_matrix_offset_center): input = C · M · C⁻¹ · output, with C
 * the translation by ((cols − 1) / 2, (rows − 1) / 2). So θ > 0 turns the content counter-clockwise,
 * tx > 0 moves it left (output[r, c] = input[r, c + tx]), ty > 0 moves it up, and zoom > 1 shows a
 * smaller copy. Keras centres on ((rows − 1) / 2, (cols − 1) / 2) with the axes swapped, which
 * differs only for non-square images; we rotate about the true centre.
 */
export interface TransformParams {
  /** Rotation in degrees, counter-clockwise. */
  theta?: number;
  /** Horizontal shift in pixels. */
  tx?: number;
  /** Vertical shift in pixels. */
  ty?: number;
  /** Shear angle in degrees. */
  shear?: number;
  /** Horizontal zoom (the input spacing sampled per output pixel). */
  zx?: number;
  /** Vertical zoom. */
  zy?: number;
  flipHorizontal?: boolean;
  flipVertical?: boolean;
  channelShiftIntensity?: number | null;
  brightness?: number | null;
}

/** inRow = rr·r + rc·c + r0 and inCol = cr·r + cc·c + c0 for the output pixel (r, c). */
export interface SamplingMap {
  rr: number;
  rc: number;
  r0: number;
  cr: number;
  cc: number;
  c0: number;
}

type Mat = [number, number, number, number, number, number]; // [a, b, e, c, d, f]: x' = a x + b y + e

function mul(p: Mat, q: Mat): Mat {
  const [a, b, e, c, d, f] = p;
  const [a2, b2, e2, c2, d2, f2] = q;
  return [
    a * a2 + b * c2,
    a * b2 + b * d2,
    a * e2 + b * f2 + e,
    c * a2 + d * c2,
    c * b2 + d * d2,
    c * e2 + d * f2 + f,
  ];
}

const rad = (deg: number): number => (deg * Math.PI) / 180;

/** Whether the parameters move pixels at all (Keras skips resampling otherwise). */
export function isIdentity(p: TransformParams): boolean {
  return (
    (p.theta ?? 0) === 0 &&
    (p.tx ?? 0) === 0 &&
    (p.ty ?? 0) === 0 &&
    (p.shear ?? 0) === 0 &&
    (p.zx ?? 1) === 1 &&
    (p.zy ?? 1) === 1
  );
}

/** The sampling map of `p` for an image of `rows` × `cols`, flips folded in after the affine part. */
export function samplingMap(p: TransformParams, rows: number, cols: number): SamplingMap {
  let m: Mat = [1, 0, 0, 0, 1, 0];
  const theta = p.theta ?? 0;
  if (theta !== 0) {
    const t = rad(theta);
    m = mul(m, [Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t), 0]);
  }
  if ((p.tx ?? 0) !== 0 || (p.ty ?? 0) !== 0) m = mul(m, [1, 0, p.tx ?? 0, 0, 1, p.ty ?? 0]);
  const shear = p.shear ?? 0;
  if (shear !== 0) {
    const s = rad(shear);
    m = mul(m, [1, -Math.sin(s), 0, 0, Math.cos(s), 0]);
  }
  if ((p.zx ?? 1) !== 1 || (p.zy ?? 1) !== 1) m = mul(m, [p.zx ?? 1, 0, 0, 0, p.zy ?? 1, 0]);
  const cx = (cols - 1) / 2;
  const cy = (rows - 1) / 2;
  m = mul(mul([1, 0, cx, 0, 1, cy], m), [1, 0, -cx, 0, 1, -cy]);
  // A flip after the transform reads the transformed image at the mirrored output position.
  if (p.flipHorizontal) m = mul(m, [-1, 0, cols - 1, 0, 1, 0]);
  if (p.flipVertical) m = mul(m, [1, 0, 0, 0, -1, rows - 1]);
  const [a, b, e, c, d, f] = m;
  return { rr: d, rc: c, r0: f, cr: b, cc: a, c0: e };
}
