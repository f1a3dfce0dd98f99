/**
 * `flowFromDirectory(directory)`: Keras's legacy DirectoryIterator. One subfolder per class
 * (sorted, or the `classes` given, in that order); the images under each, found by walking it with
 * its folders sorted by path and each folder's files sorted (Python's order), are read with
 * `loadImg` (Pillow's resize to `targetSize`, "nearest" by default), augmented and normalized.
 * `subset` splits each class on its own: "validation" takes the first ⌊split · count⌋ files of a
 * class, "training" the rest. Labels follow `classMode`: one-hot ("categorical"), the index as a
 * float ("binary", "sparse"), the images themselves ("input"), or none (null: batches are x alone).
 */
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { StrataError, ValueError } from "../../errors.js";
import { pythonCompare } from "../../data/files/directory-index.js";
import { type ColorMode, imgToArray, loadImg } from "../../data/files/image.js";
import type { PilInterpolation } from "../../data/files/pil-resize.js";
import { stack } from "../../ops/join.js";
import { transpose } from "../../ops/movement.js";
import { tensor } from "../../tensor/creation.js";
import type { BatchAugmenter } from "./augmenter.js";
import { type ImageBatch, ImageIterator, checkKeys } from "./image-iterator.js";
import type { LegacyRandom } from "./legacy-random.js";
import {
  SAVE_KEYS,
  type SaveOptions,
  type SaveTarget,
  saveBatch,
  saveTargetOf,
} from "./save-batch.js";

export type ClassMode = "categorical" | "binary" | "sparse" | "input" | null;

export interface FlowFromDirectoryOptions extends SaveOptions {
  /** [height, width]; default [256, 256]. */
  targetSize?: readonly [number, number];
  colorMode?: ColorMode;
  /** Class subfolders, in label order; default: every subfolder, sorted. */
  classes?: readonly string[] | null;
  classMode?: ClassMode;
  batchSize?: number;
  shuffle?: boolean;
  seed?: number;
  followLinks?: boolean;
  subset?: "training" | "validation" | null;
  interpolation?: PilInterpolation;
  keepAspectRatio?: boolean;
  /** Print "Found N images belonging to K classes." (Keras always does). Default true. */
  verbose?: boolean;
}

const DIRECTORY_KEYS = [
  "targetSize",
  "colorMode",
  "classes",
  "classMode",
  "batchSize",
  "shuffle",
  "seed",
  "followLinks",
  "subset",
  "interpolation",
  "keepAspectRatio",
  "verbose",
  ...SAVE_KEYS,
];
/** Keras draws the saved files' hashes below 10^7 in the file iterators. */
const HASH_BOUND = 1e7;
const WHITE_LIST = ["png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff"];
const CLASS_MODES = new Set<unknown>(["categorical", "binary", "sparse", "input", null]);
const COLOR_CHANNELS: Record<string, number> = { grayscale: 1, rgb: 3, rgba: 4 };

export class DirectoryIterator extends ImageIterator {
  readonly directory: string;
  readonly classMode: ClassMode;
  readonly colorMode: ColorMode;
  readonly targetSize: readonly [number, number];
  readonly numClasses: number;
  /** Class name → label index (Keras `class_indices`). */
  readonly classIndices: Record<string, number>;
  /** Each image's path relative to `directory`, e.g. "cats/cat.1.png" (Keras `filenames`). */
  readonly filenames: string[];
  readonly filepaths: string[];
  /** Each image's label index (Keras `classes`). */
  readonly classes: Int32Array;
  /** Number of images (Keras `samples`). */
  readonly samples: number;
  /** Shape of one image, in the generator's data format. */
  readonly imageShape: readonly number[];
  private readonly interpolation: PilInterpolation;
  private readonly keepAspectRatio: boolean;
  private readonly save: SaveTarget | null;

  constructor(
    directory: string,
    private readonly generator: BatchAugmenter,
    options: FlowFromDirectoryOptions = {},
  ) {
    const where = "flowFromDirectory";
    checkKeys(options, DIRECTORY_KEYS, where);
    const colorMode = options.colorMode ?? "rgb";
    if (!(colorMode in COLOR_CHANNELS)) {
      throw new ValueError(
        `${where}: invalid colorMode ${JSON.stringify(colorMode)}; expected "rgb", "rgba", or "grayscale"`,
      );
    }
    const classMode = options.classMode === undefined ? "categorical" : options.classMode;
    if (!CLASS_MODES.has(classMode)) {
      throw new ValueError(
        `${where}: invalid classMode ${JSON.stringify(classMode)}; expected one of "categorical", "binary", "sparse", "input", null`,
      );
    }
    const targetSize = options.targetSize ?? [256, 256];
    const split = splitOf(options.subset ?? null, generator.validationSplit, where);
    const followLinks = options.followLinks ?? false;
    const save = saveTargetOf(options, where);
    if (!isDir(directory)) {
      throw new StrataError(`${where}: ${JSON.stringify(directory)} is not a readable folder`);
    }
    const classes =
      options.classes && options.classes.length > 0
        ? [...options.classes]
        : readdirSync(directory)
            .filter((d) => isDir(join(directory, d)))
            .sort(pythonCompare);
    const filenames: string[] = [];
    const labels: number[] = [];
    classes.forEach((name, label) => {
      const dir = join(directory, name);
      if (!isDir(dir)) {
        throw new StrataError(
          `${where}: the class folder ${JSON.stringify(dir)} does not exist or is not a folder`,
        );
      }
      let files = validFiles(dir, followLinks).map((f) => join(name, relative(dir, f)));
      if (split) {
        const start = Math.trunc(split[0] * files.length);
        const stop = Math.trunc(split[1] * files.length);
        files = files.slice(start, stop);
      }
      for (const f of files) {
        filenames.push(f);
        labels.push(label);
      }
    });
    if (options.verbose ?? true) {
      console.log(`Found ${filenames.length} images belonging to ${classes.length} classes.`);
    }
    super(
      filenames.length,
      options.batchSize ?? 32,
      options.shuffle ?? true,
      options.seed,
      `${where}(${JSON.stringify(directory)})`,
    );
    this.directory = directory;
    this.classMode = classMode;
    this.colorMode = colorMode;
    this.targetSize = [targetSize[0], targetSize[1]];
    this.numClasses = classes.length;
    this.classIndices = Object.fromEntries(classes.map((c, i) => [c, i]));
    this.filenames = filenames;
    this.filepaths = filenames.map((f) => join(directory, f));
    this.classes = Int32Array.from(labels);
    this.samples = filenames.length;
    const ch = COLOR_CHANNELS[colorMode]!;
    this.imageShape =
      generator.dataFormat === "channels_last"
        ? [targetSize[0], targetSize[1], ch]
        : [ch, targetSize[0], targetSize[1]];
    this.interpolation = options.interpolation ?? "nearest";
    this.keepAspectRatio = options.keepAspectRatio ?? false;
    this.save = save;
  }

  protected async batchOf(indices: Int32Array, rng: LegacyRandom): Promise<ImageBatch> {
    const images = await Promise.all(
      Array.from(indices, async (i) => {
        const img = await loadImg(this.filepaths[i]!, {
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
    const n = indices.length;
    switch (this.classMode) {
      case null:
        return x;
      case "input":
        return [x, x];
      case "binary":
      case "sparse":
        return [
          x,
          tensor(
            Float32Array.from(indices, (i) => this.classes[i]!),
            [n],
          ),
        ];
      case "categorical": {
        const y = new Float32Array(n * this.numClasses);
        indices.forEach((i, k) => (y[k * this.numClasses + this.classes[i]!] = 1));
        return [x, tensor(y, [n, this.numClasses])];
      }
    }
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
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

/**
 * Keras's `_iter_valid_files`: every folder under `top` (its walk sorted by path, symlinked
 * folders entered only with `followLinks`), each folder's files sorted, those with an allowed
 * extension.
 */
function validFiles(top: string, followLinks: boolean): string[] {
  const folders: string[] = [];
  const filesOf = new Map<string, string[]>();
  const walk = (dir: string): void => {
    folders.push(dir);
    const files: string[] = [];
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const linkedDir = entry.isSymbolicLink() && isDir(path);
      if (entry.isDirectory() || (linkedDir && followLinks)) walk(path);
      else if (!linkedDir) files.push(entry.name);
    }
    filesOf.set(dir, files.sort(pythonCompare));
  };
  walk(top);
  const out: string[] = [];
  for (const dir of folders.sort(pythonCompare)) {
    for (const f of filesOf.get(dir)!) {
      if (WHITE_LIST.some((ext) => f.toLowerCase().endsWith(ext))) out.push(join(dir, f));
    }
  }
  return out;
}
