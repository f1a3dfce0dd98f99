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
import type { ColorMode } from "../../data/files/image.js";
import { tensor } from "../../tensor/creation.js";
import type { BatchAugmenter } from "./augmenter.js";
import { FileImages, type FileImageOptions, hasImageExtension } from "./file-batch.js";
import { type ImageBatch, ImageIterator, checkKeys } from "./image-iterator.js";
import type { LegacyRandom } from "./legacy-random.js";
import { SAVE_KEYS } from "./save-batch.js";
import { Progbar } from "../../utils/progbar.js";

export type ClassMode = "categorical" | "binary" | "sparse" | "input" | null;

export interface FlowFromDirectoryOptions extends FileImageOptions {
  /** Class subfolders, in label order; default: every subfolder, sorted. */
  classes?: readonly string[] | null;
  classMode?: ClassMode;
  batchSize?: number;
  shuffle?: boolean;
  seed?: number;
  followLinks?: boolean;
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
const CLASS_MODES = new Set<unknown>(["categorical", "binary", "sparse", "input", null]);

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
  private readonly images: FileImages;

  constructor(
    directory: string,
    generator: BatchAugmenter,
    options: FlowFromDirectoryOptions = {},
  ) {
    const where = "flowFromDirectory";
    checkKeys(options, DIRECTORY_KEYS, where);
    const images = new FileImages(generator, options, where);
    const classMode = options.classMode === undefined ? "categorical" : options.classMode;
    if (!CLASS_MODES.has(classMode)) {
      throw new ValueError(
        `${where}: invalid classMode ${JSON.stringify(classMode)}; expected one of "categorical", "binary", "sparse", "input", null`,
      );
    }
    const followLinks = options.followLinks ?? false;
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
    // Listing a large folder tree takes a while: a live line over the class folders on a terminal.
    const listing = new Progbar(classes.length, {
      verbose: (options.verbose ?? true) ? 1 : 0,
      unitName: "folder",
      label: "Listing files: ",
      finalWhenNotTTY: false,
    });
    classes.forEach((name, label) => {
      const dir = join(directory, name);
      if (!isDir(dir)) {
        throw new StrataError(
          `${where}: the class folder ${JSON.stringify(dir)} does not exist or is not a folder`,
        );
      }
      const files = validFiles(dir, followLinks).map((f) => join(name, relative(dir, f)));
      const [start, stop] = images.splitRange(files.length);
      for (const f of files.slice(start, stop)) {
        filenames.push(f);
        labels.push(label);
      }
      listing.update(label + 1);
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
    this.colorMode = images.colorMode;
    this.targetSize = images.targetSize;
    this.numClasses = classes.length;
    this.classIndices = Object.fromEntries(classes.map((c, i) => [c, i]));
    this.filenames = filenames;
    this.filepaths = filenames.map((f) => join(directory, f));
    this.classes = Int32Array.from(labels);
    this.samples = filenames.length;
    this.imageShape = images.imageShape;
    this.images = images;
  }

  protected async batchOf(indices: Int32Array, rng: LegacyRandom): Promise<ImageBatch> {
    const x = await this.images.batch(this.filepaths, indices, rng);
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
      if (hasImageExtension(f)) out.push(join(dir, f));
    }
  }
  return out;
}
