/**
 * `ops.image.reconstructPatches`: Keras's `keras.ops.image.reconstruct_patches`, the inverse of
 * `extractPatches` for non-overlapping patches (strides = size). Each output pixel's flat patch
 * (row, column, channel order) is unfolded back into its window by a reshape and a transpose;
 * with "same" padding the reconstruction is cropped by the padding extraction added
 * (⌊total / 2⌋ before). Works for 2-D (size of 2) and 3-D (size of 3) patches.
 */
import { ShapeError, ValueError, fmtShape } from "../../errors.js";
import type { Tensor } from "../../tensor/tensor.js";
import { type TensorLike, asTensor } from "../core.js";
import { slice } from "../join.js";
import { expandDims, reshape, squeeze, transpose } from "../movement.js";
import { type DataFormat, checkDataFormat } from "./image-args.js";

export interface ReconstructPatchesOptions {
  /** Must equal the patch size (non-overlapping patches), as in Keras; default the size. */
  strides?: number | readonly number[] | null;
  /** The padding of the extraction: "valid" (default) or "same". */
  padding?: "valid" | "same";
  dataFormat?: DataFormat | null;
}

const WHERE = "ops.image.reconstructPatches";

/** Images (or volumes) of spatial shape `outputSize` rebuilt from their patches. */
export function reconstructPatches(
  patches: TensorLike,
  size: number | readonly number[],
  outputSize: readonly number[],
  opts: ReconstructPatchesOptions = {},
): Tensor {
  const p0 = asTensor(patches);
  const k = typeof size === "number" ? 2 : size.length;
  const sizes = typeof size === "number" ? [size, size] : [...size];
  if ((k !== 2 && k !== 3) || !sizes.every((s) => Number.isInteger(s) && s > 0)) {
    throw new ValueError(
      `${WHERE}: size must be a positive integer or a list of 2 or 3; received ${JSON.stringify(size)}`,
    );
  }
  if (outputSize.length !== k) {
    throw new ValueError(
      `${WHERE}: outputSize must have ${k} entries; received ${JSON.stringify(outputSize)}`,
    );
  }
  const strides = opts.strides ?? sizes;
  const strideList = typeof strides === "number" ? sizes.map(() => strides) : [...strides];
  if (strideList.join() !== sizes.join()) {
    throw new ValueError(
      `${WHERE}: only non-overlapping patches (strides = size) can be reconstructed; received strides=${JSON.stringify(strides)}, size=${JSON.stringify(sizes)}`,
    );
  }
  const padding = opts.padding ?? "valid";
  if (padding !== "valid" && padding !== "same") {
    throw new ValueError(
      `${WHERE}: padding must be "valid" or "same"; received ${String(padding)}`,
    );
  }
  const format = checkDataFormat(opts.dataFormat, WHERE);
  if (p0.rank !== k + 1 && p0.rank !== k + 2) {
    throw new ShapeError(
      `${WHERE}: ${k}-D patches must have rank ${k + 1} or ${k + 2}; received shape ${fmtShape(p0.shape)}`,
    );
  }
  let p = p0.rank === k + 1 ? expandDims(p0, 0) : p0;
  if (format === "channels_first") p = transpose(p, [0, ...sizes.map((_, i) => i + 2), 1]);
  const grid = p.shape.slice(1, k + 1);
  const flat = p.shape[k + 1]!;
  const window = sizes.reduce((a, b) => a * b, 1);
  if (flat % window !== 0) {
    throw new ShapeError(
      `${WHERE}: the patch axis (${flat}) is not divisible by the patch size ${sizes.join("x")}`,
    );
  }
  const channels = flat / window;
  const B = p.shape[0]!;
  // [B, g…, s…, C] → [B, g1, s1, g2, s2, …, C] → [B, g1·s1, …, C]
  let x = reshape(p, [B, ...grid, ...sizes, channels]);
  x = transpose(x, [0, ...grid.flatMap((_, i) => [1 + i, 1 + k + i]), 2 * k + 1]);
  const full = grid.map((g, i) => g * sizes[i]!);
  x = reshape(x, [B, ...full, channels]);
  if (padding === "valid") {
    if (full.join() !== outputSize.join()) {
      throw new ValueError(
        `${WHERE}: with padding "valid" outputSize must be grid × size = ${JSON.stringify(full)}; received ${JSON.stringify(outputSize)}`,
      );
    }
  } else {
    outputSize.forEach((o, i) => {
      if (!(o > full[i]! - sizes[i]! && o <= full[i]!)) {
        throw new ValueError(
          `${WHERE}: with padding "same" outputSize[${i}] must be in (${full[i]! - sizes[i]!}, ${full[i]}]; received ${o}`,
        );
      }
    });
    const begin = [0, ...outputSize.map((o, i) => Math.floor((full[i]! - o) / 2)), 0];
    x = slice(x, begin, [B, ...outputSize, channels]);
  }
  if (format === "channels_first") x = transpose(x, [0, k + 1, ...sizes.map((_, i) => i + 1)]);
  return p0.rank === k + 1 ? squeeze(x, 0) : x;
}
