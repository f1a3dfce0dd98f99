/**
 * The label side of MixUp and CutMix (Keras's dict input `{"images": …, "labels": …}`): the
 * labels must have one row per image, and are blended with the draw's per-image weights as
 * w · y + (1 − w) · y[order], in their float dtype (float32 for integer labels).
 */
import { ValueError } from "../../../errors.js";
import { type TensorLike, asTensor } from "../../../ops/core.js";
import { add, cast, multiply, subtract } from "../../../ops/elementwise.js";
import { take } from "../../../ops/gather.js";
import { reshape } from "../../../ops/movement.js";
import { tensor } from "../../../tensor/creation.js";
import type { Tensor } from "../../../tensor/tensor.js";

/** Images and their labels, as Keras's dict input to the mixing layers. */
export interface ImagesAndLabels {
  images: TensorLike;
  labels: TensorLike;
}

/** The inputs as tensors and the batch size; labels without one row per image are an error. */
export function imagesAndLabels(
  data: ImagesAndLabels,
  where: string,
): { images: Tensor; labels: Tensor; n: number } {
  const images = asTensor(data.images);
  const labels = asTensor(data.labels);
  const n = images.rank === 4 ? images.shape[0]! : 1;
  if ((labels.shape[0] ?? 1) !== n || labels.rank === 0) {
    throw new ValueError(
      `${where}: labels must have one row per image (${n}); received labels of shape [${labels.shape.join(", ")}]`,
    );
  }
  return { images, labels, n };
}

/** w · y + (1 − w) · y[order], with one weight per row of `labels`. */
export function mixLabels(labels: Tensor, weights: readonly number[], order: Tensor): Tensor {
  const y = cast(labels, labels.dtype === "float64" ? "float64" : "float32");
  const n = weights.length;
  const w = reshape(tensor([...weights], [n], y.dtype), [n, ...y.shape.slice(1).map(() => 1)]);
  return add(multiply(w, y), multiply(subtract(1, w), take(y, order, 0)));
}
