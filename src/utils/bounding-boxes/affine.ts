/**
 * `keras.utils.bounding_boxes.affine_transform`: moves xyxy boxes [B, N, 4] by one affine
 * transform per image — rotation by `angle` degrees, translation by fractions of the image
 * size, scaling and shearing (degrees) about the centre (`centerX`, `centerY` as fractions,
 * default ½) — and returns the axis-aligned box around each moved box's four corners. The matrix
 * is Keras's (torchvision's inverse affine matrix): a positive angle turns the content the way
 * `RandomRotation` does with the same angle; the centre is (centerX·(width − 1),
 * centerY·(height − 1)) and a translation of t moves by t·(size − 1), as Keras.
 */
import { ValueError } from "../../errors.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import {
  add,
  cast,
  cos,
  divide,
  maximum,
  minimum,
  multiply,
  negative,
  sin,
  subtract,
  tan,
} from "../../ops/elementwise.js";
import { concatenate } from "../../ops/join.js";
import { reshape } from "../../ops/movement.js";
import type { Tensor } from "../../tensor/tensor.js";
import { boxesTensor, checkBoxFormat, columns } from "./formats.js";

export interface AffineTransformOptions {
  /** The centre's x as a fraction of the width; default 0.5. */
  centerX?: number;
  /** The centre's y as a fraction of the height; default 0.5. */
  centerY?: number;
  /** Only "xyxy" (as Keras). */
  boundingBoxFormat?: string;
}

/** One value per image, as a [B, 1, 1] float32 column. */
function perImage(v: TensorLike, batch: number, arg: string): Tensor {
  const t = asTensor(typeof v === "number" ? Array(batch).fill(v) : v);
  if (t.size !== batch) {
    throw new ValueError(
      `affineTransform: ${arg} must have one value per image (${batch}); received shape [${t.shape.join(", ")}]`,
    );
  }
  return reshape(t.dtype === "float32" ? t : cast(t, "float32"), [batch, 1, 1]);
}

export function affineTransform(
  boxes: TensorLike,
  angle: TensorLike | number,
  translateX: TensorLike | number,
  translateY: TensorLike | number,
  scale: TensorLike | number,
  shearX: TensorLike | number,
  shearY: TensorLike | number,
  height: number,
  width: number,
  opts: AffineTransformOptions = {},
): Tensor {
  const where = "affineTransform";
  if (checkBoxFormat(opts.boundingBoxFormat ?? "xyxy", where, "boundingBoxFormat") !== "xyxy") {
    throw new ValueError(`${where}: only boundingBoxFormat "xyxy" is supported (as in Keras)`);
  }
  const b = boxesTensor(boxes, where);
  if (b.rank !== 3) {
    throw new ValueError(
      `${where}: boxes must be batched, [B, N, 4]; received shape [${b.shape.join(", ")}]`,
    );
  }
  const n = b.shape[0]!;
  const deg = Math.PI / 180;
  const rot = multiply(perImage(angle, n, "angle"), -deg);
  const sx = multiply(perImage(shearX, n, "shearX"), -deg);
  const sy = multiply(perImage(shearY, n, "shearY"), -deg);
  const s = perImage(scale, n, "scale");
  const cx = (opts.centerX ?? 0.5) * (width - 1);
  const cy = (opts.centerY ?? 0.5) * (height - 1);
  const cxt = add(multiply(perImage(translateX, n, "translateX"), -(width - 1)), cx);
  const cyt = add(multiply(perImage(translateY, n, "translateY"), -(height - 1)), cy);
  // rotation · shear without scale (determinant 1), then its inverse times the scale
  const cosSy = cos(sy);
  const tanSx = tan(sx);
  const a = divide(cos(subtract(rot, sy)), cosSy);
  const bb = add(multiply(a, tanSx), sin(rot));
  const c = negative(divide(sin(subtract(rot, sy)), cosSy));
  const d = subtract(cos(rot), multiply(c, tanSx));
  const a0 = multiply(d, s);
  const a1 = multiply(negative(bb), s);
  const b0 = multiply(negative(c), s);
  const b1 = multiply(a, s);
  const a2 = subtract(cx, add(multiply(a0, cxt), multiply(a1, cyt)));
  const b2 = subtract(cy, add(multiply(b0, cxt), multiply(b1, cyt)));
  const [x1, y1, x2, y2] = columns(b);
  const corners: [Tensor, Tensor][] = [
    [x1, y1],
    [x2, y1],
    [x2, y2],
    [x1, y2],
  ];
  const moved = corners.map(([x, y]) => [
    add(add(multiply(a0, x), multiply(a1, y)), a2),
    add(add(multiply(b0, x), multiply(b1, y)), b2),
  ]);
  const xs = moved.map((p) => p[0]!);
  const ys = moved.map((p) => p[1]!);
  const lo = (v: Tensor[]): Tensor => v.reduce((m, t) => minimum(m, t));
  const hi = (v: Tensor[]): Tensor => v.reduce((m, t) => maximum(m, t));
  return concatenate([lo(xs), lo(ys), hi(xs), hi(ys)], -1);
}
