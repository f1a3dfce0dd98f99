/**
 * Keras's dict input of the image preprocessing layers, `{images, labels?, bounding_boxes?:
 * {boxes, labels}, segmentation_masks?}` (Keras's snake_case keys), and the checks that turn it
 * into batched tensors: images rank 3 (one image) or 4 (a batch); boxes [N, 4] or [B, N, 4] as
 * float32 with their labels [N] / [B, N] (or with a class axis); masks laid out as the images.
 * Keys other than these pass through a layer unchanged, as in Keras.
 */
import { ShapeError, ValueError } from "../../../errors.js";
import { type TensorLike, asTensor } from "../../../ops/core.js";
import { cast } from "../../../ops/elementwise.js";
import { expandDims, squeeze } from "../../../ops/movement.js";
import { Tensor } from "../../../tensor/tensor.js";
import type { BoundingBoxes } from "../../../utils/bounding-boxes/formats.js";

export type { BoundingBoxes } from "../../../utils/bounding-boxes/formats.js";

/** What the image layers accept besides a tensor of images (Keras's dict input). */
export interface ImageLayerData {
  images: TensorLike;
  labels?: TensorLike;
  bounding_boxes?: { boxes: TensorLike; labels: TensorLike };
  segmentation_masks?: TensorLike;
  [key: string]: unknown;
}

/** What they return for it: the same keys, the known ones as tensors. */
export interface ImageLayerOutput {
  images: Tensor;
  labels?: Tensor;
  bounding_boxes?: BoundingBoxes;
  segmentation_masks?: Tensor;
  [key: string]: unknown;
}

/** Whether a layer input is Keras's dict rather than a tensor (or a list of them). */
export function isImageLayerData(x: unknown): x is ImageLayerData {
  return (
    typeof x === "object" &&
    x !== null &&
    !(x instanceof Tensor) &&
    !Array.isArray(x) &&
    !ArrayBuffer.isView(x) &&
    "images" in x
  );
}

/** Boxes and labels as a batch: boxes [B, N, 4] float32, labels [B, N, …]. */
export function batchedBoxes(
  value: unknown,
  batched: boolean,
  batchSize: number,
  where: string,
): BoundingBoxes {
  if (typeof value !== "object" || value === null || !("boxes" in value) || !("labels" in value)) {
    throw new ValueError(
      `${where}: bounding_boxes must be an object with the keys "boxes" and "labels"; received ${describe(value)}`,
    );
  }
  const v = value as { boxes: TensorLike; labels: TensorLike };
  let boxes = asTensor(v.boxes);
  let labels = asTensor(v.labels);
  const rank = batched ? 3 : 2;
  if (boxes.rank !== rank || boxes.shape[rank - 1] !== 4) {
    throw new ShapeError(
      `${where}: bounding_boxes.boxes must have shape ${batched ? "[batch, N, 4]" : "[N, 4]"} ` +
        `for ${batched ? "a batch of images" : "one image"}; received [${boxes.shape.join(", ")}]`,
    );
  }
  if (boxes.dtype !== "float32") boxes = cast(boxes, "float32");
  if (!batched) {
    boxes = expandDims(boxes, 0);
    labels = expandDims(labels, 0);
  }
  if (
    boxes.shape[0] !== batchSize ||
    labels.rank < 2 ||
    labels.shape[0] !== batchSize ||
    labels.shape[1] !== boxes.shape[1]
  ) {
    throw new ShapeError(
      `${where}: bounding_boxes.labels must have one label per box (boxes [${boxes.shape.join(", ")}], ` +
        `${batchSize} image(s)); received labels of shape [${labels.shape.join(", ")}]`,
    );
  }
  return { boxes, labels };
}

/** A batch of boxes back to one image's when the input was one image. */
export function unbatchBoxes(b: BoundingBoxes, batched: boolean): BoundingBoxes {
  return batched ? b : { boxes: squeeze(b.boxes, 0), labels: squeeze(b.labels, 0) };
}

/** Masks as a batch laid out as the images (rank 4 in the layer's data format). */
export function batchedMasks(
  value: TensorLike,
  images: Tensor,
  batched: boolean,
  where: string,
): Tensor {
  const masks = asTensor(value);
  const rank = batched ? 4 : 3;
  if (masks.rank !== rank) {
    throw new ShapeError(
      `${where}: segmentation_masks must have rank ${rank} like the images (e.g. [${batched ? "batch, " : ""}height, width, 1]); ` +
        `received shape [${masks.shape.join(", ")}]`,
    );
  }
  const m = batched ? masks : expandDims(masks, 0);
  if (m.shape[0] !== images.shape[0]) {
    throw new ShapeError(
      `${where}: segmentation_masks must have one mask per image (${images.shape[0]}); received [${masks.shape.join(", ")}]`,
    );
  }
  return m;
}

function describe(v: unknown): string {
  if (v instanceof Tensor) return `a tensor of shape [${v.shape.join(", ")}]`;
  if (typeof v === "object" && v !== null)
    return `an object with keys ${JSON.stringify(Object.keys(v))}`;
  return String(v);
}
