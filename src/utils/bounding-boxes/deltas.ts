/**
 * `keras.utils.bounding_boxes.encode_box_to_deltas` / `decode_deltas_to_boxes`: boxes as offsets
 * from anchors in a centre format ("center_yxhw" by default, or "center_xywh"): the centre shift
 * divided by the anchor's size, then log(box size / anchor size), each optionally divided by a
 * 4-value `variance` (multiplied back when decoding). Sizes are floored at ε = 1e-7.
 */
import { ValueError } from "../../errors.js";
import { type TensorLike, asTensor } from "../../ops/core.js";
import { add, divide, exp, log, maximum, multiply, subtract } from "../../ops/elementwise.js";
import { concatenate, slice } from "../../ops/join.js";
import type { Tensor } from "../../tensor/tensor.js";
import { boxesTensor, convertFormat } from "./formats.js";
import type { ImageShape } from "./iou.js";

const EPSILON = 1e-7;

export interface DeltaOptions {
  /** Four factors the deltas are divided by (encoding) or multiplied by (decoding). */
  variance?: TensorLike | null;
  /** [height, width, channels], for relative formats. */
  imageShape?: ImageShape | null;
}

function checkVariance(variance: TensorLike | null | undefined, where: string): Tensor | null {
  if (variance === null || variance === undefined) return null;
  const v = asTensor(variance, "float32");
  if (v.shape[v.rank - 1] !== 4) {
    throw new ValueError(
      `${where}: variance must have 4 values; received shape [${v.shape.join(", ")}]`,
    );
  }
  return v;
}

function checkCentreFormat(format: string, where: string, arg: string): string {
  if (format !== "center_xywh" && format !== "center_yxhw") {
    throw new ValueError(
      `${where}: ${arg} must be "center_xywh" or "center_yxhw"; received ${JSON.stringify(format)}`,
    );
  }
  return format;
}

/** [..., 0:2] and [..., 2:4] of boxes [..., 4]. */
function halves(t: Tensor): [Tensor, Tensor] {
  const start = t.shape.map(() => 0);
  const size = [...t.shape];
  size[t.rank - 1] = 2;
  const start2 = [...start];
  start2[t.rank - 1] = 2;
  return [slice(t, start, size), slice(t, start2, size)];
}

function sizeOf(imageShape: ImageShape | null | undefined) {
  return imageShape ? { height: imageShape[0], width: imageShape[1] } : {};
}

export function encodeBoxToDeltas(
  anchors: TensorLike,
  boxes: TensorLike,
  anchorFormat: string,
  boxFormat: string,
  opts: DeltaOptions & { encodingFormat?: string } = {},
): Tensor {
  const where = "encodeBoxToDeltas";
  const variance = checkVariance(opts.variance, where);
  const format = checkCentreFormat(opts.encodingFormat ?? "center_yxhw", where, "encodingFormat");
  const size = sizeOf(opts.imageShape);
  const [aCentre, aSize] = halves(
    convertFormat(boxesTensor(anchors, where), anchorFormat, format, size),
  );
  const [bCentre, bSize] = halves(
    convertFormat(boxesTensor(boxes, where), boxFormat, format, size),
  );
  const anchorSize = maximum(aSize, EPSILON);
  const deltas = concatenate(
    [
      divide(subtract(bCentre, aCentre), anchorSize),
      log(divide(maximum(bSize, EPSILON), anchorSize)),
    ],
    -1,
  );
  return variance ? divide(deltas, variance) : deltas;
}

function decodeOne(
  anchors: TensorLike,
  deltas: TensorLike,
  anchorFormat: string,
  boxFormat: string,
  format: string,
  variance: Tensor | null,
  imageShape: ImageShape | null | undefined,
): Tensor {
  const where = "decodeDeltasToBoxes";
  const size = sizeOf(imageShape);
  const [aCentre, aSize] = halves(
    convertFormat(boxesTensor(anchors, where), anchorFormat, format, size),
  );
  let d = boxesTensor(deltas, where);
  if (variance) d = multiply(d, variance);
  const [dCentre, dSize] = halves(d);
  const box = concatenate(
    [add(multiply(dCentre, aSize), aCentre), multiply(exp(dSize), aSize)],
    -1,
  );
  return convertFormat(box, format, boxFormat, size);
}

/**
 * Boxes from deltas: `anchors` and `boxesDelta` are tensors, or objects keyed by pyramid level
 * with the same keys (each level decoded on its own, as Keras's dict inputs).
 */
export function decodeDeltasToBoxes(
  anchors: TensorLike | Record<string, TensorLike>,
  boxesDelta: TensorLike | Record<string, TensorLike>,
  anchorFormat: string,
  boxFormat: string,
  opts: DeltaOptions & { encodedFormat?: string } = {},
): Tensor | Record<string, Tensor> {
  const where = "decodeDeltasToBoxes";
  const variance = checkVariance(opts.variance, where);
  const format = checkCentreFormat(opts.encodedFormat ?? "center_yxhw", where, "encodedFormat");
  const isLevels = (x: unknown): x is Record<string, TensorLike> =>
    typeof x === "object" &&
    x !== null &&
    !Array.isArray(x) &&
    !ArrayBuffer.isView(x) &&
    !("dtype" in x);
  if (isLevels(anchors) && isLevels(boxesDelta)) {
    const out: Record<string, Tensor> = {};
    for (const [level, anchor] of Object.entries(anchors)) {
      const delta = boxesDelta[level];
      if (delta === undefined)
        throw new ValueError(`${where}: boxesDelta has no level ${JSON.stringify(level)}`);
      out[level] = decodeOne(
        anchor,
        delta,
        anchorFormat,
        boxFormat,
        format,
        variance,
        opts.imageShape,
      );
    }
    return out;
  }
  return decodeOne(
    anchors as TensorLike,
    boxesDelta as TensorLike,
    anchorFormat,
    boxFormat,
    format,
    variance,
    opts.imageShape,
  );
}
