/**
 * What the two file iterators (flowFromDirectory, flowFromDataframe) share, as Keras's
 * BatchFromFilesMixin: their image settings and checks (colour mode, target size, subset split),
 * the image file extensions they accept, and the batch itself — each file read with `loadImg`
 * (Pillow's resize to `targetSize`), augmented, normalized, and saved when `saveToDir` asks.
 */
import { type ColorMode, imgToArray, loadImg } from "../../data/files/image.js";
import type { PilInterpolation } from "../../data/files/pil-resize.js";
import { ValueError } from "../../errors.js";
import { stack } from "../../ops/join.js";
import { transpose } from "../../ops/movement.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { BatchAugmenter } from "./augmenter.js";
import type { LegacyRandom } from "./legacy-random.js";
import { type SaveOptions, type SaveTarget, saveBatch, saveTargetOf } from "./save-batch.js";

/** Keras's `white_list_formats`: a file is an image when its name ends with one of these. */
export const IMAGE_EXTENSIONS = ["png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff"];

export const hasImageExtension = (name: string): boolean =>
  IMAGE_EXTENSIONS.some((ext) => name.toLowerCase().endsWith(ext));

/** Keras draws the saved files' hashes below 10^7 in the file iterators. */
const HASH_BOUND = 1e7;
const COLOR_CHANNELS: Record<string, number> = { grayscale: 1, rgb: 3, rgba: 4 };

export interface FileImageOptions extends SaveOptions {
  /** [height, width]; default [256, 256]. */
  targetSize?: readonly [number, number];
  colorMode?: ColorMode;
  subset?: "training" | "validation" | null;
  interpolation?: PilInterpolation;
  keepAspectRatio?: boolean;
}

/** How a file iterator reads, transforms and saves its images. */
export class FileImages {
  readonly colorMode: ColorMode;
  readonly targetSize: readonly [number, number];
  /** Shape of one image, in the generator's data format. */
  readonly imageShape: readonly number[];
  /** [from, to) fractions of the files kept for `subset`; null for all. */
  readonly split: readonly [number, number] | null;
  readonly interpolation: PilInterpolation;
  readonly keepAspectRatio: boolean;
  private readonly save: SaveTarget | null;

  constructor(
    private readonly generator: BatchAugmenter,
    options: FileImageOptions,
    where: string,
  ) {
    const colorMode = options.colorMode ?? "rgb";
    if (!(colorMode in COLOR_CHANNELS)) {
      throw new ValueError(
        `${where}: invalid colorMode ${JSON.stringify(colorMode)}; expected "rgb", "rgba", or "grayscale"`,
      );
    }
    const size = options.targetSize ?? [256, 256];
    if (
      !Array.isArray(size) ||
      size.length !== 2 ||
      !size.every((v) => Number.isInteger(v) && v > 0)
    ) {
      throw new ValueError(
        `${where}: targetSize must be [height, width], two positive integers; received ${JSON.stringify(size)}`,
      );
    }
    this.colorMode = colorMode;
    this.targetSize = [size[0]!, size[1]!];
    const ch = COLOR_CHANNELS[colorMode]!;
    this.imageShape =
      generator.dataFormat === "channels_last"
        ? [size[0]!, size[1]!, ch]
        : [ch, size[0]!, size[1]!];
    this.split = splitOf(options.subset ?? null, generator.validationSplit, where);
    this.interpolation = options.interpolation ?? "nearest";
    this.keepAspectRatio = options.keepAspectRatio ?? false;
    this.save = saveTargetOf(options, where);
  }

  /** The rows [from, to) of `count` files that `subset` keeps (Keras's int(split · count)). */
  splitRange(count: number): [number, number] {
    if (this.split === null) return [0, count];
    return [Math.trunc(this.split[0] * count), Math.trunc(this.split[1] * count)];
  }

  /** The images at `indices` of `filepaths`, read, augmented with draws from `rng`, normalized. */
  async batch(
    filepaths: readonly string[],
    indices: Int32Array,
    rng: LegacyRandom,
  ): Promise<Tensor> {
    const images = await Promise.all(
      Array.from(indices, async (i) => {
        const img = await loadImg(filepaths[i]!, {
          colorMode: this.colorMode,
          targetSize: this.targetSize,
          interpolation: this.interpolation,
          keepAspectRatio: this.keepAspectRatio,
        });
        return imgToArray(img);
      }),
    );
    let raw = stack(images, 0);
    if (this.generator.dataFormat === "channels_first") raw = transpose(raw, [0, 3, 1, 2]);
    const params = Array.from(indices, () => this.generator.drawTransform(this.imageShape, rng));
    const x = this.generator.standardizeBatch(this.generator.transformBatch(raw, params));
    if (this.save) {
      await saveBatch(this.save, x, indices, rng, HASH_BOUND, this.generator.dataFormat);
    }
    return x;
  }
}

function splitOf(
  subset: "training" | "validation" | null,
  validationSplit: number,
  where: string,
): [number, number] | null {
  if (subset === null) return null;
  if (subset === "validation") return [0, validationSplit];
  if (subset === "training") return [validationSplit, 1];
  throw new ValueError(
    `${where}: invalid subset name ${JSON.stringify(subset)}; expected "training" or "validation"`,
  );
}
