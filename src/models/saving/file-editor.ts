/**
 * Keras `saving.KerasFileEditor`: opens a `.keras` archive or a `.weights.h5` file and lets one
 * inspect and edit its weights without building the model — to adapt a saved file to a changed
 * architecture (rename, delete or add layers' weights), check it against a model (`compare`), and
 * write it back (`save` / `resaveWeights`).
 *
 * Objects are addressed as Keras addresses them: by a full path (`"layers/dense_2"`), or by a bare
 * name (`"dense_2"`) that must occur exactly once anywhere in the tree. Errors are Keras's, as
 * ValueErrors. The file is read with io's zip and HDF5 readers and written with its HDF5 and zip
 * writers, atomically; the tree itself is file-editor-tree.ts, the comparison
 * file-editor-compare.ts.
 *
 * Beyond Keras: `save` also writes a `.keras` archive when the editor opened one (the archive's
 * config, metadata and assets with the edited weights; Keras 3.16 writes only `.weights.h5`), and
 * the printed output goes through `printFn` when given (Keras prints to its console).
 */
import { readFileSync } from "node:fs";
import { StrataError, ValueError } from "../../errors.js";
import type { Hdf5Array, Hdf5Group } from "../../io/hdf5.js";
import { readHdf5 } from "../../io/hdf5.js";
import { encodeHdf5 } from "../../io/hdf5-write.js";
import { ZipReader } from "../../io/zip.js";
import { encodeZip } from "../../io/zip-write.js";
import { writeFileAtomic } from "../../io/atomic-write.js";
import { Variable } from "../../autodiff/variable.js";
import { tensor } from "../../tensor/creation.js";
import type { Tensor } from "../../tensor/tensor.js";
import { printMsg } from "../../utils/io-utils.js";
import { Model } from "../model.js";
import { namingFile } from "./file-errors.js";
import {
  type ObjectMetadata,
  type WeightsDict,
  describe,
  emptyDict,
  isPlainDict,
  isTensor,
  readWeightsTree,
  weightsTreeToHdf5,
} from "./file-editor-tree.js";
import { type CompareResult, compareWeights, weightSpecOf } from "./file-editor-compare.js";

export type { WeightsDict, ObjectMetadata } from "./file-editor-tree.js";
export type { CompareResult } from "./file-editor-compare.js";

/** Weights as `addObject` / `addWeights` take them: name → tensor (or numbers, or a sub-object). */
export interface WeightsInput {
  [name: string]: Tensor | Variable | readonly unknown[] | ArrayBufferView | WeightsInput;
}

export interface KerasFileEditorOptions {
  /** Where the editor's lines go (default: standard output, as Keras prints them). */
  printFn?: (line: string) => void;
}

const WEIGHTS_MEMBER = "model.weights.h5";
const CONFIG_MEMBER = "config.json";
const METADATA_MEMBER = "metadata.json";

export class KerasFileEditor {
  /** The path the editor opened. */
  readonly filepath: string;
  /** The archive's `metadata.json` (`keras_version`, `date_saved`); null for `.weights.h5`. */
  metadata: Record<string, unknown> | null = null;
  /** The archive's `config.json` (the model's config); null for `.weights.h5`. */
  config: Record<string, unknown> | null = null;
  /** The file's objects and weights: object name → a weight (tensor) or a sub-object. */
  weightsDict: WeightsDict;
  /** Each object's HDF5 attributes, by object path (Keras 3.16 records the layer's name). */
  readonly objectMetadata: ObjectMetadata;
  private readonly fileValues: WeakMap<Tensor, Hdf5Array>;
  /** The archive's other members (`assets/…`), written back by a `.keras` save. */
  private readonly otherMembers: [string, Uint8Array][] = [];
  private readonly print: (line: string) => void;

  constructor(filepath: string, opts: KerasFileEditorOptions = {}) {
    this.print = opts.printFn ?? ((line) => printMsg(line));
    if (typeof filepath !== "string") {
      throw new ValueError(
        `KerasFileEditor: expected a filepath string ending in ".keras" or ".weights.h5"; ` +
          `received ${describe(filepath)}`,
      );
    }
    this.filepath = filepath;
    const isArchive = filepath.endsWith(".keras");
    if (!isArchive && !filepath.endsWith(".weights.h5")) {
      throw new ValueError(
        `KerasFileEditor: invalid filename: expected a ".keras" or ".weights.h5" extension; ` +
          `received filepath=${JSON.stringify(filepath)}`,
      );
    }
    const bytes = readBytesSync(filepath);
    try {
      let root: Hdf5Group;
      if (isArchive) {
        const zip = new ZipReader(bytes, filepath);
        root = readHdf5(zip.read(WEIGHTS_MEMBER), `${filepath}/${WEIGHTS_MEMBER}`);
        this.config = readJsonMember(zip, CONFIG_MEMBER, filepath);
        this.metadata = zip.has(METADATA_MEMBER)
          ? readJsonMember(zip, METADATA_MEMBER, filepath)
          : null;
        for (const name of zip.names()) {
          if (![WEIGHTS_MEMBER, CONFIG_MEMBER, METADATA_MEMBER].includes(name)) {
            this.otherMembers.push([name, zip.read(name)]);
          }
        }
      } else root = readHdf5(bytes, filepath);
      const read = readWeightsTree(root, filepath);
      this.weightsDict = read.weights;
      this.objectMetadata = read.metadata;
      this.fileValues = read.fileValues;
    } catch (err) {
      throw namingFile(err, `KerasFileEditor: ${filepath}`, filepath);
    }
    this.print(`Keras model file '${filepath}'`);
    if (this.metadata !== null) {
      const m = this.metadata;
      this.print(`Saved with Keras ${String(m.keras_version)} - date: ${String(m.date_saved)}`);
    }
  }

  /** Prints the weight structure of the opened file: every object, and each weight's shape. */
  summary(): void {
    this.print("Weights structure");
    this.printTree(this.weightsDict, "", "  ", true);
  }

  /**
   * Compares the opened file to `referenceModel`, printing every mismatch: an object or weight
   * present on one side only, or a weight whose shape differs. Returns `status` ("success" or
   * "error"), `errorCount` (mismatches) and `matchCount` (weights of matching shape).
   */
  compare(referenceModel: Model): CompareResult {
    if (!(referenceModel instanceof Model)) {
      throw new ValueError(
        `KerasFileEditor.compare: expected referenceModel to be a Model; received ${describe(referenceModel)}`,
      );
    }
    return compareWeights(this.weightsDict, weightSpecOf(referenceModel), this.print);
  }

  /**
   * Renames an object of the file (e.g. a layer): `objectName` is a bare name (`"dense_2"`) or a
   * path (`"layers/dense_2"`); `newName` is a leaf name. As in Keras, an object already called
   * `newName` beside it is replaced.
   */
  renameObject(objectName: string, newName: string): void {
    checkName(newName, "renameObject", "newName");
    if (typeof newName === "string" && newName.includes("/")) {
      throw new ValueError(
        `KerasFileEditor.renameObject: argument newName should be a leaf name, not a full ` +
          `path name; received newName=${JSON.stringify(newName)}`,
      );
    }
    const [parent, key] = this.locate(objectName, "renameObject");
    if (key === newName) return;
    const value = parent[key]!;
    delete parent[key];
    parent[newName] = value;
  }

  /** Removes an object (e.g. a layer) from the file: a bare name or a path, as `renameObject`. */
  deleteObject(objectName: string): void {
    const [parent, key] = this.locate(objectName, "deleteObject");
    delete parent[key];
  }

  /**
   * Adds a new object (e.g. a layer) at `objectPath` (`"layers/dense_3"`; its parent must exist,
   * a bare name adds at the top level) with `weights`, e.g. `{ "0": kernel, "1": bias }`. An
   * object already at that path is replaced, as in Keras.
   */
  addObject(objectPath: string, weights: WeightsInput): void {
    checkName(objectPath, "addObject", "objectPath");
    const dict = toWeights(weights, "addObject");
    const names = objectPath.split("/");
    const leaf = names.pop()!;
    if (leaf === "") {
      throw new ValueError(
        `KerasFileEditor.addObject: expected objectPath to end in the new object's name; ` +
          `received ${JSON.stringify(objectPath)}`,
      );
    }
    let parent = this.weightsDict;
    for (const name of names) {
      const next = own(parent, name);
      if (next === undefined || isTensor(next)) {
        throw new ValueError(
          `KerasFileEditor.addObject: path '${names.join("/")}' not found in model.`,
        );
      }
      parent = next;
    }
    parent[leaf] = dict;
  }

  /** Removes the weight `weightName` (e.g. `"0"`) of an existing object. */
  deleteWeight(objectName: string, weightName: string): void {
    checkName(weightName, "deleteWeight", "weightName");
    const object = this.object(objectName, "deleteWeight");
    if (own(object, weightName) === undefined) {
      throw new ValueError(
        `KerasFileEditor.deleteWeight: weight ${weightName} not found in object ` +
          `${objectName}. Weights found: [${Object.keys(object)
            .map((k) => `'${k}'`)
            .join(", ")}]`,
      );
    }
    delete object[weightName];
  }

  /** Adds (or replaces) weights of an existing object, e.g. `{ "1": bias }`. */
  addWeights(objectName: string, weights: WeightsInput): void {
    const dict = toWeights(weights, "addWeights");
    Object.assign(this.object(objectName, "addWeights"), dict);
  }

  /**
   * Saves the edited weights to `filepath`: a `.weights.h5` file in Keras 3's layout, which
   * `model.loadWeights` (Strata's and Keras's) reads; or, when the editor opened a `.keras`
   * archive, a `.keras` archive of its config, metadata and assets with these weights. The file
   * is written atomically: a failed save leaves any previous file whole.
   */
  async save(filepath: string): Promise<void> {
    const path = typeof filepath === "string" ? filepath : "";
    const archive = path.endsWith(".keras");
    if (!archive && !path.endsWith(".weights.h5")) {
      throw new ValueError(
        `KerasFileEditor.save: invalid filepath argument: expected a ".weights.h5" extension ` +
          `(or ".keras" for an editor that opened a .keras archive); received ` +
          `filepath=${typeof filepath === "string" ? JSON.stringify(filepath) : describe(filepath)}`,
      );
    }
    if (archive && this.config === null) {
      throw new ValueError(
        `KerasFileEditor.save: a ".keras" archive needs the model's config, which a ` +
          `".weights.h5" file does not have; expected a ".weights.h5" filepath; received ` +
          `${JSON.stringify(filepath)} for an editor of ${JSON.stringify(this.filepath)}`,
      );
    }
    const weights = encodeHdf5(weightsTreeToHdf5(this.weightsDict, this.fileValues));
    if (!archive) {
      await writeFileAtomic(path, weights);
      return;
    }
    const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
    const members: [string, Uint8Array][] = [];
    if (this.metadata !== null) members.push([METADATA_MEMBER, json(this.metadata)]);
    members.push([CONFIG_MEMBER, json(this.config)], ...this.otherMembers);
    members.push([WEIGHTS_MEMBER, weights]);
    await writeFileAtomic(path, encodeZip(members));
  }

  /** Keras's `resave_weights`: the same as `save`. */
  async resaveWeights(filepath: string): Promise<void> {
    await this.save(filepath);
  }

  /** Where `objectName` is: its parent object and its key there (see the class comment). */
  private locate(objectName: string, who: string): [WeightsDict, string] {
    checkName(objectName, who, "objectName");
    if (objectName.includes("/")) {
      const names = objectName.split("/");
      const leaf = names.pop()!;
      let parent = this.weightsDict;
      for (const name of names) {
        const next = own(parent, name);
        if (next === undefined || isTensor(next)) {
          throw new ValueError(`KerasFileEditor.${who}: path '${objectName}' not found in model.`);
        }
        parent = next;
      }
      if (own(parent, leaf) === undefined) {
        throw new ValueError(`KerasFileEditor.${who}: path '${objectName}' not found in model.`);
      }
      return [parent, leaf];
    }
    const found: WeightsDict[] = [];
    const search = (dict: WeightsDict): void => {
      for (const value of Object.values(dict)) if (!isTensor(value)) search(value);
      if (own(dict, objectName) !== undefined) found.push(dict);
    };
    search(this.weightsDict);
    if (found.length > 1) {
      throw new ValueError(
        `KerasFileEditor.${who}: name '${objectName}' occurs more than once in the model ` +
          `(${found.length} times); try passing a complete path`,
      );
    }
    if (found.length === 0) {
      throw new ValueError(
        `KerasFileEditor.${who}: source name '${objectName}' does not appear in the model. ` +
          `Use editor.summary() to list all objects.`,
      );
    }
    return [found[0]!, objectName];
  }

  /** The object (not a weight) that `objectName` names. */
  private object(objectName: string, who: string): WeightsDict {
    const [parent, key] = this.locate(objectName, who);
    const value = parent[key]!;
    if (isTensor(value)) {
      throw new ValueError(
        `KerasFileEditor.${who}: expected '${objectName}' to be an object holding weights; ` +
          `it is a weight of shape [${value.shape.join(",")}]`,
      );
    }
    return value;
  }

  private printTree(dict: WeightsDict, path: string, prefix: string, top: boolean): void {
    const entries = Object.entries(dict);
    entries.forEach(([key, value], i) => {
      const last = i === entries.length - 1;
      const connector = top ? "> " : last ? "└─ " : "├─ ";
      const at = path === "" ? key : `${path}/${key}`;
      if (isTensor(value)) {
        const kept = this.fileValues.get(value);
        const dtype = kept ? keptDtype(kept) : value.dtype;
        this.print(
          `${prefix}${connector}${key}: shape=[${value.shape.join(", ")}], dtype=${dtype}`,
        );
        return;
      }
      const name = this.objectMetadata[at]?.name;
      this.print(`${prefix}${connector}${key}${typeof name === "string" ? ` ('${name}')` : ""}`);
      const inner = top ? `${prefix}  ` : `${prefix}${last ? "    " : "│   "}`;
      this.printTree(value, at, inner, false);
    });
  }
}

/** The dtype a kept file value had, as NumPy names it. */
function keptDtype(values: Hdf5Array): string {
  const names: [new (...args: never[]) => unknown, string][] = [
    [Int8Array, "int8"],
    [Int16Array, "int16"],
    [BigInt64Array, "int64"],
    [Uint16Array, "uint16"],
    [Uint32Array, "uint32"],
    [BigUint64Array, "uint64"],
  ];
  return names.find(([T]) => values instanceof T)?.[1] ?? "unknown";
}

/** `dict[name]` when it is the object's own entry (never an inherited property). */
function own(dict: WeightsDict, name: string): WeightsDict | Tensor | undefined {
  return Object.prototype.hasOwnProperty.call(dict, name) ? dict[name] : undefined;
}

function checkName(name: unknown, who: string, arg: string): asserts name is string {
  if (typeof name !== "string" || name === "") {
    throw new ValueError(
      `KerasFileEditor.${who}: expected ${arg} to be a non-empty string; received ` +
        `${typeof name === "string" ? '""' : describe(name)}`,
    );
  }
}

/**
 * `weights` as the tree holds them: tensors (a Variable's current value; numbers and typed
 * arrays made tensors) and sub-objects. Keras takes a dict of arrays and says so otherwise.
 */
function toWeights(weights: unknown, who: string, at = "weights"): WeightsDict {
  if (!isPlainDict(weights)) {
    throw new ValueError(
      `KerasFileEditor.${who}: argument weights should be an object where keys are weight ` +
        `names (usually "0", "1", etc.) and values are tensors; received ${describe(weights)}`,
    );
  }
  const dict = emptyDict();
  for (const [name, value] of Object.entries(weights)) {
    if (isTensor(value)) dict[name] = value;
    else if (value instanceof Variable) dict[name] = value.value;
    else if (Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) {
      try {
        dict[name] = tensor(value as number[]);
      } catch (err) {
        if (!(err instanceof StrataError)) throw err;
        throw new ValueError(`KerasFileEditor.${who}: ${at}["${name}"]: ${err.message}`);
      }
    } else if (isPlainDict(value)) dict[name] = toWeights(value, who, `${at}["${name}"]`);
    else {
      throw new ValueError(
        `KerasFileEditor.${who}: expected ${at}["${name}"] to be a tensor (or an array of ` +
          `numbers, or an object of weights); received ${describe(value)}`,
      );
    }
  }
  return dict;
}

/** The file's bytes, read synchronously (the constructor reads the file, as Keras's does). */
function readBytesSync(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new StrataError(`KerasFileEditor: no file found at "${path}"`);
    if (code === "EISDIR") {
      throw new StrataError(`KerasFileEditor: "${path}" is a directory, not a file`);
    }
    throw new StrataError(`KerasFileEditor: could not read "${path}" (${(err as Error).message})`);
  }
}

function readJsonMember(zip: ZipReader, name: string, path: string): Record<string, unknown> {
  const text = new TextDecoder().decode(zip.read(name));
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ValueError(
      `KerasFileEditor: ${path}/${name} is not JSON (${(err as Error).message})`,
    );
  }
  if (!isPlainDict(value)) {
    throw new ValueError(
      `KerasFileEditor: ${path}/${name}: expected a JSON object; received ${describe(value)}`,
    );
  }
  return value;
}
