/**
 * What `textDatasetFromDirectory`, `imageDatasetFromDirectory` and `audioDatasetFromDirectory`
 * share, as Keras's `dataset_utils`: listing the files of a folder of class folders with their
 * labels, the global shuffle with NumPy's `RandomState(seed)` before the validation split (so a
 * seed gives Keras's split), the split itself, the label encodings, and the lazy dataset that
 * loads each file and batches.
 *
 * File order is Keras's: class folders sorted (or in `classNames` order), then inside each class
 * folder the folders of its walk sorted by path and each folder's files sorted, Python's code
 * point order throughout. Symlinked folders are walked only with `followLinks`.
 */
import { readFile, readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { StrataError, ValueError } from "../../errors.js";
import { type Tensor, fromValues } from "../../tensor/tensor.js";
import { AUTOTUNE, Dataset } from "../dataset/dataset.js";
import { RandomState } from "../datasets/random-state.js";
import { withProgress } from "../../utils/progbar.js";

export type LabelMode = "int" | "categorical" | "binary" | null;
export type Subset = "training" | "validation" | "both";

/** A dataset read from a folder: Keras's `class_names` and `file_paths` attributes. */
export type DirectoryDataset<E> = Dataset<E> & {
  /** The class names, in label order (null without labels). */
  classNames: string[] | null;
  /** The files, in the order (before the per-pass shuffle) the dataset reads them. */
  filePaths: string[];
};

/** The options both directory readers take. */
export interface DirectoryOptions {
  /** "inferred" (from the class folders), explicit integer labels in file order, or null. */
  labels?: "inferred" | readonly number[] | null;
  labelMode?: LabelMode;
  /** The class folders to use, in label order (only with labels "inferred"). */
  classNames?: readonly string[] | null;
  /** Elements per batch; null for single elements. Default 32. */
  batchSize?: number | null;
  /** Shuffle the files (default true); sorted order otherwise. */
  shuffle?: boolean;
  seed?: number | null;
  /** Fraction of the files for validation. */
  validationSplit?: number | null;
  subset?: Subset | null;
  /** Walk into symlinked folders. Default false. */
  followLinks?: boolean;
  /** Print how many files and classes were found (as Keras). Default true. */
  verbose?: boolean;
  /** Files read and decoded at once (a Strata option; Keras always autotunes). Default AUTOTUNE. */
  numParallelCalls?: number;
}

/** The element of a directory dataset: the loaded file, with its label unless labels are off. */
export type DirectoryElement<O> = O extends { labelMode: null } | { labels: null }
  ? Tensor
  : [Tensor, Tensor];
/** One dataset, or `[training, validation]` for subset "both". */
export type DirectoryResult<O> = O extends { subset: "both" }
  ? [DirectoryDataset<DirectoryElement<O>>, DirectoryDataset<DirectoryElement<O>>]
  : DirectoryDataset<DirectoryElement<O>>;

/** Python's string order (by code point; JS's `<` compares UTF-16 units, which differs only past U+FFFF). */
export function pythonCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && x <= 0xdfff && y >= 0xd800 && y <= 0xdfff) return x - y;
    // A surrogate (a code point past U+FFFF) sorts after every other UTF-16 unit.
    if (x >= 0xd800 && x <= 0xdfff) return 1;
    if (y >= 0xd800 && y <= 0xdfff) return -1;
    return x - y;
  }
  return a.length - b.length;
}

/** The entry's kind, following a symlink (a broken link counts as a file, as os.walk does). */
async function kindOf(path: string, isLink: boolean, isDir: boolean): Promise<"dir" | "file"> {
  if (!isLink) return isDir ? "dir" : "file";
  const s = await stat(path).catch(() => null);
  return s?.isDirectory() ? "dir" : "file";
}

/** Keras's `iter_valid_files`: files with an allowed extension under `top`, relative to it. */
async function validFiles(
  top: string,
  formats: readonly string[],
  followLinks: boolean,
): Promise<string[]> {
  const folders: { key: string; files: string[] }[] = [];
  const seen = new Set<string>();
  const walk = async (rel: string): Promise<void> => {
    const dir = rel === "" ? top : join(top, rel);
    if (followLinks) {
      const real = await realpath(dir);
      if (seen.has(real)) return; // a link back up the tree
      seen.add(real);
    }
    const files: string[] = [];
    const subdirs: string[] = [];
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const kind = await kindOf(join(dir, e.name), e.isSymbolicLink(), e.isDirectory());
      if (kind === "file") files.push(e.name);
      else if (followLinks || !e.isSymbolicLink()) subdirs.push(e.name);
    }
    // os.walk's roots are sorted as whole paths: "top" < "top/a" < "top/a-b" < "top/a/c".
    folders.push({ key: rel === "" ? "" : `/${rel}`, files: files.sort(pythonCompare) });
    for (const s of subdirs) await walk(rel === "" ? s : `${rel}/${s}`);
  };
  await walk("");
  folders.sort((a, b) => pythonCompare(a.key, b.key));
  const out: string[] = [];
  for (const { key, files } of folders)
    for (const f of files)
      if (formats.some((ext) => f.toLowerCase().endsWith(ext)))
        out.push(key ? `${key.slice(1)}/${f}` : f);
  return out;
}

export interface DirectoryIndex {
  filePaths: string[];
  labels: Int32Array | null;
  classNames: string[] | null;
}

/**
 * Keras's `index_directory`: every file with an allowed extension and its label, shuffled with
 * `RandomState(seed)` when `shuffle` is set.
 */
export async function indexDirectory(
  where: string,
  directory: string,
  labels: "inferred" | readonly number[] | null,
  formats: readonly string[],
  classNames: readonly string[] | null,
  shuffle: boolean,
  seed: number,
  followLinks: boolean,
  verbose: boolean,
): Promise<DirectoryIndex> {
  const top = await stat(directory).catch(() => null);
  if (!top?.isDirectory())
    throw new ValueError(
      `${where}: directory ${JSON.stringify(directory)} ${top ? "is not a directory" : "does not exist"}`,
    );
  let subdirs = [""];
  if (labels === "inferred") {
    subdirs = [];
    const entries = (await readdir(directory, { withFileTypes: true })).sort((a, b) =>
      pythonCompare(a.name, b.name),
    );
    for (const e of entries) {
      const kind = await kindOf(join(directory, e.name), e.isSymbolicLink(), e.isDirectory());
      if (kind === "dir" && !e.name.startsWith(".")) subdirs.push(e.name);
    }
    if (classNames !== null) {
      const missing = classNames.filter((c) => !subdirs.includes(c));
      if (missing.length > 0)
        throw new ValueError(
          `${where}: the classNames passed did not match the names of the subdirectories of ` +
            `${directory}. Expected: [${subdirs.join(", ")}] (or a subset of it), but received: ` +
            `classNames=[${classNames.join(", ")}]`,
        );
      subdirs = [...classNames];
    }
  } else if (classNames !== null) {
    throw new ValueError(
      labels === null
        ? `${where}: when labels is null (no labels), classNames cannot be specified`
        : `${where}: when labels are given explicitly, classNames cannot be specified (the class names will be the sorted list of labels)`,
    );
  }
  const filePaths: string[] = [];
  const perFile: number[] = [];
  // Listing a large folder tree takes a while: a progress line over the class folders.
  const folders = withProgress(subdirs.entries(), subdirs.length, {
    verbose: verbose ? 1 : 0,
    unitName: "folder",
    label: "Listing files: ",
  });
  for await (const [k, sub] of folders) {
    const dir = sub === "" ? directory : join(directory, sub);
    const files = await validFiles(dir, formats, followLinks);
    if (labels === "inferred" && files.length === 0)
      throw new ValueError(
        `${where}: the class folder ${JSON.stringify(dir)} holds no files with an allowed extension (${formats.join(", ")})`,
      );
    for (const f of files) {
      filePaths.push(join(dir, f));
      perFile.push(k);
    }
  }
  let names: string[] | null = subdirs;
  let out: Int32Array | null = null;
  if (labels === "inferred") out = Int32Array.from(perFile);
  else if (labels === null) names = null;
  else {
    if (labels.length !== filePaths.length)
      throw new ValueError(
        `${where}: expected the length of labels to match the number of files in the target ` +
          `directory. labels has ${labels.length} entries while ${filePaths.length} files were found in ${directory}`,
      );
    if (!labels.every((v) => Number.isInteger(v)))
      throw new ValueError(`${where}: labels must be integers; received [${labels.join(", ")}]`);
    out = Int32Array.from(labels);
    names = [...new Set(labels)].sort((a, b) => a - b).map(String);
  }
  if (verbose)
    console.log(
      names === null
        ? `Found ${filePaths.length} files.`
        : `Found ${filePaths.length} files belonging to ${names.length} classes.`,
    );
  if (shuffle) {
    new RandomState(seed).shuffle(filePaths);
    if (out !== null) new RandomState(seed).shuffle(out);
  }
  return { filePaths, labels: out, classNames: names };
}

/** Keras's `check_validation_split_arg`. */
export function checkValidationSplit(
  where: string,
  validationSplit: number | null | undefined,
  subset: string | null | undefined,
  shuffle: boolean,
  seed: number | null | undefined,
): void {
  if (validationSplit && !(validationSplit > 0 && validationSplit < 1))
    throw new ValueError(
      `${where}: validationSplit must be between 0 and 1, received: ${validationSplit}`,
    );
  if ((validationSplit || subset) && !(validationSplit && subset))
    throw new ValueError(
      `${where}: if subset is set, validationSplit must be set, and inversely. Received: validationSplit=${validationSplit}, subset=${subset}`,
    );
  if (subset && !["training", "validation", "both"].includes(subset))
    throw new ValueError(
      `${where}: subset must be either "training", "validation" or "both", received: ${subset}`,
    );
  if (validationSplit && shuffle && (seed === undefined || seed === null))
    throw new ValueError(
      `${where}: if using validationSplit and shuffling the data, you must provide a seed ` +
        "argument, to make sure that there is no overlap between the training and validation subset.",
    );
}

/** Keras's `get_training_or_validation_split`: the last `int(split·n)` files are validation. */
export function splitFiles(
  paths: string[],
  labels: Int32Array | null,
  validationSplit: number | null | undefined,
  subset: "training" | "validation" | null | undefined,
  verbose: boolean,
): { paths: string[]; labels: Int32Array | null } {
  if (!validationSplit || !subset) return { paths, labels };
  const numVal = Math.floor(validationSplit * paths.length);
  const numTrain = paths.length - numVal;
  const [from, to] = subset === "training" ? [0, numTrain] : [numTrain, paths.length];
  if (verbose)
    console.log(
      subset === "training"
        ? `Using ${numTrain} files for training.`
        : `Using ${numVal} files for validation.`,
    );
  return { paths: paths.slice(from, to), labels: labels?.slice(from, to) ?? null };
}

/** One label as Keras encodes it: int32 scalar, float32 [1] ("binary"), one-hot float32. */
function labelTensor(label: number, mode: LabelMode, numClasses: number): Tensor {
  if (mode === "binary") return fromValues(Float32Array.of(label), [1]);
  if (mode === "categorical") {
    const row = new Float32Array(numClasses);
    if (label >= 0 && label < numClasses) row[label] = 1;
    return fromValues(row, [numClasses]);
  }
  return fromValues(Int32Array.of(label), []);
}

/**
 * How elements become batches: "stack" (tf.data's `batch`, every element the same shape), "pad"
 * (`padded_batch`: each batch padded with zeros to its longest element), or a function that
 * makes one batch of the elements itself (the last batch may be smaller).
 */
export type Batching<E> = "stack" | "pad" | ((elements: E[]) => E);

/**
 * Keras's `paths_and_labels_to_dataset` then `batch`: file numbers (shuffled each pass in a
 * buffer when `shuffle`), each file loaded by `load` with several loads in flight, then batched.
 * A batching function gets the file numbers batched first and each batch's files loaded at once.
 */
export function filesToDataset<E>(
  paths: string[],
  labels: Int32Array | null,
  mode: LabelMode,
  numClasses: number,
  load: (path: string) => Promise<Tensor>,
  opts: {
    shuffle: boolean;
    seed: number;
    batchSize: number | null;
    classNames: string[] | null;
    numParallelCalls: number;
    batching?: Batching<E>;
  },
): DirectoryDataset<E> {
  let ds: Dataset<Tensor> = Dataset.range(paths.length);
  if (opts.shuffle)
    ds = ds.shuffle(opts.batchSize === null ? 1024 : opts.batchSize * 8, { seed: opts.seed });
  const element = async (k: number): Promise<E> => {
    const x = await load(paths[k]!);
    return (
      mode === null || labels === null ? x : [x, labelTensor(labels[k]!, mode, numClasses)]
    ) as E;
  };
  const parallel = { numParallelCalls: opts.numParallelCalls };
  const batching = opts.batching ?? "stack";
  let out: Dataset<E>;
  if (opts.batchSize !== null && typeof batching === "function") {
    out = ds
      .batch(opts.batchSize)
      .map(
        async (ks) => batching(await Promise.all(Array.from(ks.dataSync(), (k) => element(k)))),
        parallel,
      );
  } else {
    out = ds.map((i) => element(Number(i.item())), parallel);
    if (opts.batchSize !== null)
      out = batching === "pad" ? out.paddedBatch(opts.batchSize) : out.batch(opts.batchSize);
  }
  return Object.assign(out.prefetch(AUTOTUNE), {
    classNames: opts.classNames,
    filePaths: paths,
  });
}

/**
 * The whole of Keras's directory readers around their per-file loader: argument checks, index,
 * split, datasets. `formats` are lower-case extensions with their dot; `kind` names the files in
 * messages ("text files", "images").
 */
export async function datasetFromDirectory(
  where: string,
  directory: string,
  opts: DirectoryOptions,
  formats: readonly string[],
  kind: string,
  load: (path: string) => Promise<Tensor>,
  batching: Batching<unknown> = "stack",
): Promise<unknown> {
  let labels = opts.labels === undefined ? "inferred" : opts.labels;
  let labelMode: LabelMode = opts.labelMode === undefined ? "int" : opts.labelMode;
  const classNames = opts.classNames ?? null;
  const batchSize = opts.batchSize === undefined ? 32 : opts.batchSize;
  const shuffle = opts.shuffle ?? true;
  const verbose = opts.verbose ?? true;
  const { validationSplit, subset } = opts;
  if (labels !== "inferred" && labels !== null) {
    if (!Array.isArray(labels))
      throw new ValueError(
        `${where}: labels should be an array of integer labels, of the same size as the number of ` +
          `${kind} in the target directory, "inferred" or null. Received: labels=${String(labels)}`,
      );
    if (classNames && classNames.length > 0)
      throw new ValueError(
        `${where}: you can only pass classNames if labels="inferred". Received: labels=[${labels.join(", ")}], and classNames=[${classNames.join(", ")}]`,
      );
  }
  if (![null, "int", "categorical", "binary"].includes(labelMode))
    throw new ValueError(
      `${where}: labelMode must be one of "int", "categorical", "binary", or null. Received: labelMode=${String(labelMode)}`,
    );
  if (batchSize !== null && !(Number.isInteger(batchSize) && batchSize > 0))
    throw new ValueError(
      `${where}: batchSize must be a positive integer or null. Received: batchSize=${batchSize}`,
    );
  if (labels === null || labelMode === null) {
    labels = null;
    labelMode = null;
  }
  checkValidationSplit(where, validationSplit, subset, shuffle, opts.seed);
  const seed = opts.seed ?? Math.floor(Math.random() * 1e6);
  const index = await indexDirectory(
    where,
    directory,
    labels,
    formats,
    classNames,
    shuffle,
    seed,
    opts.followLinks ?? false,
    verbose,
  );
  const names = index.classNames;
  if (labelMode === "binary" && names?.length !== 2)
    throw new ValueError(
      `${where}: when passing labelMode="binary", there must be exactly 2 classNames. Received: classNames=[${names?.join(", ")}]`,
    );
  const numClasses = names?.length ?? 0;
  const make = (part: "training" | "validation" | null, shuffled: boolean): unknown => {
    const { paths, labels: ys } = splitFiles(
      index.filePaths,
      index.labels,
      validationSplit,
      part,
      verbose,
    );
    if (paths.length === 0) {
      const which = part === null ? "" : `${part} `;
      throw new StrataError(
        `${where}: no ${which}${kind} found in directory ${directory}. Allowed formats: ${formats.join(", ")}`,
      );
    }
    return filesToDataset(paths, ys, labelMode, numClasses, load, {
      shuffle: shuffled,
      seed,
      batchSize,
      classNames: names,
      numParallelCalls: opts.numParallelCalls ?? AUTOTUNE,
      batching,
    });
  };
  if (subset === "both") return [make("training", shuffle), make("validation", false)];
  return make(subset ?? null, shuffle);
}

/** A file's bytes; a failed read is a StrataError naming `where` and the file. */
export async function readFileBytes(path: string, where: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new StrataError(`${where}: could not read ${path} (${(err as Error).message})`);
  }
}
