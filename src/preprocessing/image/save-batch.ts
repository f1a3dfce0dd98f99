/**
 * The iterators' `saveToDir` / `savePrefix` / `saveFormat` (Keras's legacy iterators): each image
 * of a batch they yield, augmented and normalized, is also written to `saveToDir` as
 * `{prefix}_{index}_{hash}.{format}`, with `index` the sample's index and `hash` a number drawn
 * after the batch's transforms from the batch's generator, as Keras draws it from NumPy's (below
 * 10^4 for `flow`, below 10^7 for the file iterators). Values are stretched to [0, 255] first
 * (array_to_img with scale=True). It is a debugging aid: look at what the augmentation does.
 *
 * Unlike Keras, a missing folder or a format `saveImg` cannot write is refused when the iterator is
 * made, not at the first batch.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { ValueError } from "../../errors.js";
import { saveImg } from "../../data/files/image.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { DataFormat } from "./augmenter.js";
import type { LegacyRandom } from "./legacy-random.js";

export interface SaveOptions {
  /** A folder to write every yielded image to (it must exist); default: none. */
  saveToDir?: string | null;
  /** Start of each saved file's name; default "". */
  savePrefix?: string;
  /** Image format of the saved files: "png" (default), "jpg"/"jpeg", "gif", "webp", "tif"/"tiff". */
  saveFormat?: string;
}

export const SAVE_KEYS = ["saveToDir", "savePrefix", "saveFormat"];

/** The formats `saveImg` encodes. */
const WRITABLE = ["png", "jpg", "jpeg", "gif", "webp", "tif", "tiff"];

export interface SaveTarget {
  readonly dir: string;
  readonly prefix: string;
  readonly format: string;
}

/** Checks the save options of an iterator; null when nothing is to be saved. */
export function saveTargetOf(options: SaveOptions, where: string): SaveTarget | null {
  const dir = options.saveToDir ?? null;
  const prefix = options.savePrefix ?? "";
  const format = options.saveFormat ?? "png";
  if (typeof prefix !== "string") {
    throw new ValueError(
      `${where}: savePrefix must be a string; received ${JSON.stringify(prefix)}`,
    );
  }
  if (typeof format !== "string" || !WRITABLE.includes(format.toLowerCase())) {
    throw new ValueError(
      `${where}: saveFormat must be one of ${WRITABLE.join(", ")}; received ${JSON.stringify(format)}`,
    );
  }
  if (dir === null || dir === "") return null;
  if (typeof dir !== "string") {
    throw new ValueError(
      `${where}: saveToDir must be a folder path; received ${JSON.stringify(dir)}`,
    );
  }
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    throw new ValueError(
      `${where}: saveToDir ${JSON.stringify(dir)} is not an existing folder (create it first, as Keras expects)`,
    );
  }
  return { dir, prefix, format };
}

/**
 * Writes each image of the batch `x` (rank 4, in `dataFormat`) as
 * `{prefix}_{indices[i]}_{hash}.{format}`, the hashes drawn from `rng` below `hashBound`.
 */
export async function saveBatch(
  target: SaveTarget,
  x: Tensor,
  indices: Int32Array,
  rng: LegacyRandom,
  hashBound: number,
  dataFormat: DataFormat,
): Promise<void> {
  const values = x.dataSync();
  const shape = x.shape.slice(1);
  const per = shape.reduce((a, b) => a * b, 1);
  const writes: Promise<void>[] = [];
  indices.forEach((sample, i) => {
    const name = `${target.prefix}_${sample}_${rng.randint(hashBound)}.${target.format}`;
    const image = tensor(Float32Array.from(values.subarray(i * per, (i + 1) * per)), shape);
    writes.push(
      saveImg(join(target.dir, name), image, {
        fileFormat: target.format,
        scale: true,
        dataFormat,
      }),
    );
  });
  await Promise.all(writes);
}
