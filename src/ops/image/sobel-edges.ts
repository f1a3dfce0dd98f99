/**
 * `ops.image.sobelEdges`: Keras's `keras.ops.image.sobel_edges`. Each channel is correlated
 * (depthwise, "same" zero padding) with the 3×3 Sobel kernels; the result gains a last axis of
 * 2 holding [dy, dx]: (batch, H, W, C, 2) channels-last, (batch, C, H, W, 2) channels-first.
 */
import { tensor } from "../../tensor/creation.js";
import { isFloat } from "../../tensor/dtype.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type TensorLike, asTensor } from "../core.js";
import { depthwiseConv } from "../conv.js";
import { cast } from "../elementwise.js";
import { stack } from "../join.js";
import {
  type DataFormat,
  checkDataFormat,
  checkImageDtype,
  checkImageRank,
  fromBatchLast,
  toBatchLast,
} from "./image-args.js";

const WHERE = "ops.image.sobelEdges";

const SOBEL_Y = [-1, -2, -1, 0, 0, 0, 1, 2, 1];
const SOBEL_X = [-1, 0, 1, -2, 0, 2, -1, 0, 1];

/** The vertical and horizontal Sobel responses of one image or a batch, stacked last. */
export function sobelEdges(
  images: TensorLike,
  opts: { dataFormat?: DataFormat | null } = {},
): Tensor {
  const x0 = asTensor(images);
  checkImageRank(x0.shape, WHERE);
  checkImageDtype(x0.dtype, WHERE);
  const format = checkDataFormat(opts.dataFormat, WHERE);
  const fdt = isFloat(x0.dtype) ? x0.dtype : "float32";
  const batch = cast(toBatchLast(x0, format), fdt);
  const channels = batch.shape[3]!;
  const respond = (taps: number[]) => {
    const k = new Float64Array(9 * channels);
    taps.forEach((t, i) => k.fill(t, i * channels, (i + 1) * channels));
    const out = depthwiseConv(batch, tensor(k, [3, 3, channels, 1], fdt), { padding: "same" });
    return fromBatchLast(out, x0.rank, format);
  };
  return stack([respond(SOBEL_Y), respond(SOBEL_X)], -1);
}
