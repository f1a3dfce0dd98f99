/**
 * `keras.utils.bounding_boxes.compute_iou` (the pairwise IoU table of two sets of boxes) and
 * `compute_ciou` (Complete IoU of matching boxes: IoU minus the centre-distance and
 * aspect-ratio penalties), composed of ops, with Keras's ε = 1e-7 guards.
 */
import { ShapeError, ValueError } from "../../errors.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import {
  add,
  cast,
  divide,
  less,
  logicalOr,
  maximum,
  minimum,
  multiply,
  square,
  subtract,
  where,
} from "../../ops/elementwise.js";
import { max } from "../../ops/reduce.js";
import { squeeze, transpose } from "../../ops/movement.js";
import type { Tensor } from "../../tensor/tensor.js";
import { arctan } from "./arctan.js";
import { boxesTensor, checkBoxFormat, columns, convertFormat } from "./formats.js";

const EPSILON = 1e-7;

/** [height, width, channels] of the image, for relative formats. */
export type ImageShape = readonly [number, number, number?];

function imageSize(format: string, imageShape: ImageShape | null | undefined, where: string) {
  if (format.startsWith("rel_") && !imageShape) {
    throw new ValueError(
      `${where}: imageShape ([height, width, channels]) is needed with the relative format ${format}`,
    );
  }
  return imageShape ? { height: imageShape[0], width: imageShape[1] } : {};
}

/** The last two axes swapped. */
function swapLast(t: Tensor): Tensor {
  const perm = t.shape.map((_, i) => i);
  [perm[t.rank - 2], perm[t.rank - 1]] = [perm[t.rank - 1]!, perm[t.rank - 2]!];
  return transpose(t, perm);
}

export interface ComputeIouOptions {
  /** Masks pairs where either box has all 4 values below 0 (padding boxes); default false. */
  useMasking?: boolean;
  /** The value of masked pairs; default −1. */
  maskVal?: number;
  imageShape?: ImageShape | null;
}

/**
 * `compute_iou(boxes1, boxes2, bounding_box_format)`: boxes1 [M, 4] or [B, M, 4], boxes2 [N, 4]
 * or [B, N, 4] → their IoU table [M, N] or [B, M, N].
 */
export function computeIou(
  boxes1: TensorLike,
  boxes2: TensorLike,
  boundingBoxFormat: string,
  opts: ComputeIouOptions = {},
): Tensor {
  const where_ = "computeIou";
  const format = checkBoxFormat(boundingBoxFormat, where_, "boundingBoxFormat");
  const b1 = boxesTensor(boxes1, where_);
  const b2 = boxesTensor(boxes2, where_);
  for (const [b, name] of [
    [b1, "boxes1"],
    [b2, "boxes2"],
  ] as const) {
    if (b.rank !== 2 && b.rank !== 3) {
      throw new ShapeError(
        `${where_}: ${name} must be [N, 4] or [batch, N, 4]; received shape [${b.shape.join(", ")}]`,
      );
    }
  }
  const size = imageSize(format, opts.imageShape, where_);
  const c1 = convertFormat(b1, format, "yxyx", size);
  const c2 = convertFormat(b2, format, "yxyx", size);
  const [t1, l1, bo1, r1] = columns(c1); // [.., M, 1]
  const [t2, l2, bo2, r2] = columns(c2).map(swapLast) as [Tensor, Tensor, Tensor, Tensor]; // [.., 1, N]
  const ih = maximum(subtract(minimum(bo1, bo2), maximum(t1, t2)), 0);
  const iw = maximum(subtract(minimum(r1, r2), maximum(l1, l2)), 0);
  const inter = multiply(ih, iw);
  const area1 = multiply(subtract(bo1, t1), subtract(r1, l1)); // [.., M, 1]
  const area2 = multiply(subtract(bo2, t2), subtract(r2, l2)); // [.., 1, N]
  const union = subtract(add(area1, area2), inter);
  const iou = divide(inter, add(union, EPSILON));
  if (!opts.useMasking) return iou;
  const masked1 = less(max(c1, -1, true), 0); // [.., M, 1]
  const masked2 = swapLast(less(max(c2, -1, true), 0)); // [.., 1, N]
  return where(logicalOr(masked1, masked2), cast(asTensor(opts.maskVal ?? -1), iou.dtype), iou);
}

/**
 * `compute_ciou(boxes1, boxes2, bounding_box_format)`: boxes [..., 4] that broadcast together →
 * their CIoU [...]: IoU − (centre distance² / enclosing diagonal² + v·α), with v the
 * aspect-ratio term (4/π²)(atan(w₂/h₂) − atan(w₁/h₁))² and α = v / (v − IoU + 1 + ε).
 */
export function computeCiou(
  boxes1: TensorLike,
  boxes2: TensorLike,
  boundingBoxFormat: string,
  opts: { imageShape?: ImageShape | null } = {},
): Tensor {
  const where_ = "computeCiou";
  const format = checkBoxFormat(boundingBoxFormat, where_, "boundingBoxFormat");
  const size = imageSize(format, opts.imageShape, where_);
  const [x1a, y1a, x2a, y2a] = columns(convertFormat(boxes1, format, "xyxy", size));
  const [x1b, y1b, x2b, y2b] = columns(convertFormat(boxes2, format, "xyxy", size));
  const w1 = subtract(x2a, x1a);
  const h1 = add(subtract(y2a, y1a), EPSILON);
  const w2 = subtract(x2b, x1b);
  const h2 = add(subtract(y2b, y1b), EPSILON);
  const inter = multiply(
    maximum(subtract(minimum(x2a, x2b), maximum(x1a, x1b)), 0),
    maximum(subtract(minimum(y2a, y2b), maximum(y1a, y1b)), 0),
  );
  const union = add(subtract(add(multiply(w1, h1), multiply(w2, h2)), inter), EPSILON);
  const iou = squeeze(divide(inter, add(union, EPSILON)), -1);
  const cw = subtract(maximum(x2a, x2b), minimum(x1a, x1b));
  const ch = subtract(maximum(y2a, y2b), minimum(y1a, y1b));
  const diagonal2 = squeeze(add(add(square(cw), square(ch)), EPSILON), -1);
  const centre = (lo: Tensor, hi: Tensor): Tensor => divide(add(lo, hi), 2);
  const distance2 = squeeze(
    add(
      square(subtract(centre(x1a, x2a), centre(x1b, x2b))),
      square(subtract(centre(y1a, y2a), centre(y1b, y2b))),
    ),
    -1,
  );
  const v = squeeze(
    multiply(square(subtract(arctan(divide(w2, h2)), arctan(divide(w1, h1)))), 4 / Math.PI ** 2),
    -1,
  );
  const alpha = divide(v, add(subtract(v, iou), 1 + EPSILON));
  return subtract(iou, add(divide(distance2, diagonal2), multiply(v, alpha)));
}
