/**
 * `flowFromDataframe(rows)`: Keras's legacy DataFrameIterator. JavaScript has no pandas, so the
 * table is an array of records (one object per row, e.g. what a CSV parser returns) or an object
 * of equal-length columns. `xCol` names each row's image file, relative to `directory` or
 * absolute; `yCol` its target, read as `classMode` says:
 *
 * - "categorical": a class name, or a list of them (multi-label: several ones in the row);
 *   one-hot rows over the classes;
 * - "binary" / "sparse": a class name (exactly two classes for "binary"); the class index as a float;
 * - "raw": the values of `yCol` (one column, or several side by side) as a float tensor, or
 *   strings as a string tensor;
 * - "multi_output": `yCol` is a list of columns; y is one tensor per column;
 * - "input": the images themselves; null: no targets (batches are x alone).
 *
 * Classes are `classes` (rows with other labels dropped) or every label found, sorted. With
 * `validateFilenames` (default) rows whose file does not exist or has no image extension are
 * dropped, with Keras's warning. `subset` takes the generator's `validationSplit` of the rows
 * left: "validation" the first ⌊split · n⌋, "training" the rest. `weightCol` (numbers) gives each
 * row's sample weight, a third batch element when there are targets.
 */
import { statSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { pythonCompare } from "../../data/files/directory-index.js";
import type { ColorMode } from "../../data/files/image.js";
import { ValueError } from "../../errors.js";
import { take } from "../../ops/gather.js";
import { tensor } from "../../tensor/creation.js";
import { type Tensor, fromStrings } from "../../tensor/tensor.js";
import type { BatchAugmenter } from "./augmenter.js";
import { FileImages, type FileImageOptions, hasImageExtension } from "./file-batch.js";
import { type ImageBatch, ImageIterator, checkKeys } from "./image-iterator.js";
import type { LegacyRandom } from "./legacy-random.js";
import { SAVE_KEYS } from "./save-batch.js";

export type DataFrameClassMode =
  "categorical" | "binary" | "sparse" | "raw" | "multi_output" | "input" | null;

/** Rows as records, or columns as equal-length arrays. */
export type DataFrameRows =
  readonly Readonly<Record<string, unknown>>[] | Readonly<Record<string, readonly unknown[]>>;

export interface FlowFromDataframeOptions extends Omit<FileImageOptions, "keepAspectRatio"> {
  /** Folder the file names are relative to; default none (the names are paths). */
  directory?: string | null;
  /** Column of file names; default "filename". */
  xCol?: string;
  /** Target column, or columns for "raw" / "multi_output"; default "class". */
  yCol?: string | readonly string[];
  /** Column of sample weights; default none. */
  weightCol?: string | null;
  /** Classes in label order; default: every label found, sorted. */
  classes?: readonly string[] | null;
  /** Default "categorical"; Keras's deprecated "other" is "raw". */
  classMode?: DataFrameClassMode | "other";
  batchSize?: number;
  shuffle?: boolean;
  seed?: number;
  /** Drop rows whose file is missing or not an image; default true. */
  validateFilenames?: boolean;
  /** Print "Found N validated image filenames …" (Keras always does). Default true. */
  verbose?: boolean;
}

const DATAFRAME_KEYS = [
  "directory",
  "xCol",
  "yCol",
  "weightCol",
  "targetSize",
  "colorMode",
  "classes",
  "classMode",
  "batchSize",
  "shuffle",
  "seed",
  "subset",
  "interpolation",
  "validateFilenames",
  "verbose",
  ...SAVE_KEYS,
];
const CLASS_MODES = new Set<unknown>([
  "categorical",
  "binary",
  "sparse",
  "raw",
  "multi_output",
  "input",
  null,
]);
/** Class modes without classes. */
const NO_CLASSES = new Set<unknown>(["input", "multi_output", "raw", null]);

type Row = Readonly<Record<string, unknown>>;

export class DataFrameIterator extends ImageIterator {
  readonly directory: string;
  readonly classMode: DataFrameClassMode;
  readonly colorMode: ColorMode;
  readonly targetSize: readonly [number, number];
  /** Class name → label index (Keras `class_indices`); empty for modes without classes. */
  readonly classIndices: Record<string, number>;
  /** Each row's label index, or indices for a multi-label row (Keras `classes`). */
  readonly classes: (number | number[])[];
  /** Each kept row's `xCol` value (Keras `filenames`). */
  readonly filenames: string[];
  readonly filepaths: string[];
  /** Number of images (Keras `samples`). */
  readonly samples: number;
  readonly imageShape: readonly number[];
  readonly sampleWeight: Tensor | null;
  /** The targets of "raw" (one tensor) and "multi_output" (one per column). */
  private readonly targets: Tensor | Tensor[] | null;
  private readonly images: FileImages;

  constructor(
    dataframe: DataFrameRows,
    generator: BatchAugmenter,
    options: FlowFromDataframeOptions = {},
  ) {
    const where = "flowFromDataframe";
    checkKeys(options, DATAFRAME_KEYS, where);
    let classMode = options.classMode === undefined ? "categorical" : options.classMode;
    if (classMode === "other") {
      console.warn('`class_mode="other"` is deprecated, please use `class_mode="raw"`.');
      classMode = "raw";
    }
    if (!CLASS_MODES.has(classMode)) {
      throw new ValueError(
        `${where}: invalid classMode ${JSON.stringify(classMode)}; expected one of "categorical", "binary", "sparse", "raw", "multi_output", "input", null`,
      );
    }
    const images = new FileImages(generator, options, where);
    const directory = options.directory ?? "";
    const xCol = options.xCol ?? "filename";
    const yCol = options.yCol ?? "class";
    const weightCol = options.weightCol ?? null;
    const givenClasses = options.classes ?? null;
    let rows = rowsOf(dataframe, where);
    checkParams(rows, classMode, xCol, yCol, weightCol, givenClasses, where);
    const pathOf = (name: string): string =>
      directory === "" || isAbsolute(name) ? name : join(directory, name);
    if (options.validateFilenames ?? true) {
      const valid = rows.filter((r) => isImageFile(pathOf(r[xCol] as string)));
      const invalid = rows.length - valid.length;
      if (invalid > 0) {
        console.warn(
          `Found ${invalid} invalid image filename(s) in x_col="${xCol}". These filename(s) will be ignored.`,
        );
      }
      rows = valid;
    }
    let classNames: string[] = [];
    if (!NO_CLASSES.has(classMode)) {
      [rows, classNames] = filterClasses(rows, yCol as string, givenClasses);
    }
    const [start, stop] = images.splitRange(rows.length);
    rows = rows.slice(start, stop);
    const classIndices = Object.fromEntries(classNames.map((c, i) => [c, i]));
    const classes = NO_CLASSES.has(classMode)
      ? []
      : rows.map((r) => {
          const label = r[yCol as string] as string | string[];
          return Array.isArray(label) ? label.map((l) => classIndices[l]!) : classIndices[label]!;
        });
    const filenames = rows.map((r) => r[xCol] as string);
    const validated = (options.validateFilenames ?? true) ? "validated" : "non-validated";
    if (options.verbose ?? true) {
      console.log(
        NO_CLASSES.has(classMode)
          ? `Found ${filenames.length} ${validated} image filenames.`
          : `Found ${filenames.length} ${validated} image filenames belonging to ${classNames.length} classes.`,
      );
    }
    super(filenames.length, options.batchSize ?? 32, options.shuffle ?? true, options.seed, where);
    this.directory = directory;
    this.classMode = classMode;
    this.colorMode = images.colorMode;
    this.targetSize = images.targetSize;
    this.classIndices = classIndices;
    this.classes = classes;
    this.filenames = filenames;
    this.filepaths = filenames.map(pathOf);
    this.samples = filenames.length;
    this.imageShape = images.imageShape;
    this.sampleWeight =
      weightCol === null
        ? null
        : tensor(
            Float32Array.from(rows, (r) => r[weightCol] as number),
            [rows.length],
          );
    this.targets =
      classMode === "raw"
        ? columnTensor(rows, yCol, where)
        : classMode === "multi_output"
          ? (yCol as readonly string[]).map((c) => columnTensor(rows, c, where))
          : null;
    this.images = images;
  }

  protected async batchOf(indices: Int32Array, rng: LegacyRandom): Promise<ImageBatch> {
    const x = await this.images.batch(this.filepaths, indices, rng);
    const n = indices.length;
    let y: Tensor | Tensor[];
    switch (this.classMode) {
      case null:
        return x;
      case "input":
        y = x;
        break;
      case "binary":
      case "sparse":
        y = tensor(
          Float32Array.from(indices, (i) => this.classes[i] as number),
          [n],
        );
        break;
      case "categorical": {
        const k = Object.keys(this.classIndices).length;
        const onehot = new Float32Array(n * k);
        indices.forEach((i, row) => {
          const label = this.classes[i]!;
          for (const c of Array.isArray(label) ? label : [label]) onehot[row * k + c] = 1;
        });
        y = tensor(onehot, [n, k]);
        break;
      }
      case "raw":
        y = rowsAt(this.targets as Tensor, indices);
        break;
      case "multi_output":
        y = (this.targets as Tensor[]).map((t) => rowsAt(t, indices));
        break;
    }
    if (this.sampleWeight === null) return [x, y];
    return [x, y, rowsAt(this.sampleWeight, indices)];
  }
}

/** The table as rows; a columns object is turned into rows. */
function rowsOf(dataframe: DataFrameRows, where: string): Row[] {
  if (Array.isArray(dataframe)) {
    dataframe.forEach((r, i) => {
      if (typeof r !== "object" || r === null || Array.isArray(r)) {
        throw new ValueError(
          `${where}: row ${i} should be an object of column values; received ${JSON.stringify(r)}`,
        );
      }
    });
    return [...(dataframe as Row[])];
  }
  if (typeof dataframe !== "object" || dataframe === null) {
    throw new ValueError(
      `${where}: expected rows (an array of objects) or columns (an object of arrays); received ${String(dataframe)}`,
    );
  }
  const columns = Object.entries(dataframe as Record<string, readonly unknown[]>);
  const lengths = new Set(columns.map(([, v]) => (Array.isArray(v) ? v.length : -1)));
  if (lengths.has(-1) || lengths.size > 1) {
    throw new ValueError(
      `${where}: columns should be arrays of one length; received lengths ${columns.map(([k, v]) => `${k}: ${Array.isArray(v) ? v.length : typeof v}`).join(", ")}`,
    );
  }
  const n = columns.length > 0 ? columns[0]![1].length : 0;
  return Array.from({ length: n }, (_, i) =>
    Object.fromEntries(columns.map(([k, v]) => [k, v[i]])),
  );
}

/** Keras's `_check_params`, with a StrataError where Keras raises TypeError or ValueError. */
function checkParams(
  rows: readonly Row[],
  classMode: DataFrameClassMode,
  xCol: string,
  yCol: string | readonly string[],
  weightCol: string | null,
  classes: readonly string[] | null,
  where: string,
): void {
  if (classMode === "multi_output" && !Array.isArray(yCol)) {
    throw new ValueError(
      `${where}: if classMode="multi_output", yCol must be a list of columns; received ${JSON.stringify(yCol)}`,
    );
  }
  if (classMode !== "multi_output" && classMode !== "raw" && typeof yCol !== "string") {
    throw new ValueError(
      `${where}: yCol must be one column name for classMode=${JSON.stringify(classMode)}; received ${JSON.stringify(yCol)}`,
    );
  }
  const needY = classMode !== null && classMode !== "input";
  const yCols = typeof yCol === "string" ? [yCol] : [...yCol];
  rows.forEach((r, i) => {
    if (!(xCol in r)) throw new ValueError(`${where}: row ${i} has no column xCol="${xCol}"`);
    if (typeof r[xCol] !== "string") {
      throw new ValueError(
        `${where}: all values in column xCol="${xCol}" must be strings; row ${i} has ${JSON.stringify(r[xCol])}`,
      );
    }
    if (needY) {
      for (const c of yCols) {
        if (!(c in r)) throw new ValueError(`${where}: row ${i} has no column yCol="${c}"`);
      }
    }
    if (weightCol !== null && typeof r[weightCol] !== "number") {
      throw new ValueError(
        `${where}: column weightCol="${weightCol}" must be numeric; row ${i} has ${JSON.stringify(r[weightCol])}`,
      );
    }
  });
  const labels = typeof yCol === "string" ? rows.map((r) => r[yCol]) : [];
  if (classMode === "binary" || classMode === "sparse") {
    const bad = labels.findIndex((v) => typeof v !== "string");
    if (bad >= 0) {
      throw new ValueError(
        `${where}: if classMode="${classMode}", yCol="${String(yCol)}" column values must be strings; row ${bad} has ${JSON.stringify(labels[bad])}`,
      );
    }
  }
  if (classMode === "binary") {
    const count = classes && classes.length > 0 ? new Set(classes).size : new Set(labels).size;
    if (count !== 2) {
      throw new ValueError(
        `${where}: if classMode="binary" there must be 2 classes; ${classes && classes.length > 0 ? `${count} class/es were given` : `found ${count} classes`}`,
      );
    }
  }
  if (classMode === "categorical") {
    const bad = labels.findIndex(
      (v) => typeof v !== "string" && !(Array.isArray(v) && v.every((l) => typeof l === "string")),
    );
    if (bad >= 0) {
      throw new ValueError(
        `${where}: if classMode="categorical", yCol="${String(yCol)}" column values must be a string or a list of strings; row ${bad} has ${JSON.stringify(labels[bad])}`,
      );
    }
  }
  if (classes && classes.length > 0 && NO_CLASSES.has(classMode)) {
    console.warn(`\`classes\` will be ignored given the class_mode="${String(classMode)}"`);
  }
}

/** Keras's `_filter_classes`: the classes, and the rows that keep at least one of them. */
function filterClasses(
  rows: readonly Row[],
  yCol: string,
  classes: readonly string[] | null,
): [Row[], string[]] {
  if (!classes || classes.length === 0) {
    const found = new Set<string>();
    for (const r of rows) {
      const v = r[yCol] as string | string[];
      for (const l of Array.isArray(v) ? v : [v]) found.add(l);
    }
    return [[...rows], [...found].sort(pythonCompare)];
  }
  const names = [...new Set(classes)];
  const known = new Set(names);
  const kept: Row[] = [];
  for (const r of rows) {
    const v = r[yCol] as string | string[];
    if (Array.isArray(v)) {
      const left = v.filter((l) => known.has(l));
      if (left.length > 0) kept.push({ ...r, [yCol]: left });
    } else if (known.has(v)) {
      kept.push(r);
    }
  }
  return [kept, names];
}

function isImageFile(path: string): boolean {
  if (!hasImageExtension(path)) return false;
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * One column, or several side by side, as a tensor: numbers (or equal-length lists of numbers)
 * as float32, strings as a string tensor.
 */
function columnTensor(
  rows: readonly Row[],
  col: string | readonly string[],
  where: string,
): Tensor {
  const cols = typeof col === "string" ? [col] : [...col];
  const values = rows.map((r) => cols.map((c) => r[c]));
  const flat = values.flat();
  const shape = typeof col === "string" ? [rows.length] : [rows.length, cols.length];
  if (flat.length > 0 && flat.every((v) => typeof v === "string")) {
    return fromStrings(flat as string[], shape);
  }
  if (flat.every((v) => typeof v === "number" || typeof v === "boolean")) {
    return tensor(Float32Array.from(flat as number[], Number), shape);
  }
  if (typeof col === "string" && flat.every((v) => Array.isArray(v))) {
    const width = (flat[0] as unknown[] | undefined)?.length ?? 0;
    if (
      flat.every(
        (v) =>
          (v as unknown[]).length === width && (v as unknown[]).every((e) => typeof e === "number"),
      )
    ) {
      return tensor(Float32Array.from((flat as number[][]).flat()), [rows.length, width]);
    }
  }
  const bad = flat.find(
    (v) => typeof v !== "number" && typeof v !== "boolean" && typeof v !== "string",
  );
  throw new ValueError(
    `${where}: the target column(s) ${JSON.stringify(col)} should hold numbers, lists of numbers of one length, or strings; received ${JSON.stringify(bad ?? flat[0])}`,
  );
}

/** Rows `indices` of t (string tensors are host-only, so they are picked on the host). */
function rowsAt(t: Tensor, indices: Int32Array): Tensor {
  if (t.dtype !== "string") return take(t, tensor(indices), 0);
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
  const all = t.stringValues();
  return fromStrings(
    Array.from(indices).flatMap((i) => all.slice(i * per, (i + 1) * per)),
    [indices.length, ...t.shape.slice(1)],
  );
}
