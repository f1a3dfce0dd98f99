/**
 * The tree `saving.KerasFileEditor` edits: a Keras 3 weights file (`model.weights.h5` in a `.keras`
 * archive, or a `.weights.h5`) as nested objects, object name → its weights (tensors) and its
 * sub-objects, read from and written back to HDF5 with io's reader and writer.
 *
 * Keras's layout keeps an object's own variables in a `vars` group (`layers/dense/vars/0`); the
 * tree drops that level, so `layers.dense` holds `"0"` and `"1"` next to any sub-objects
 * (`layers.lstm.cell`), and writing puts the weights back under `vars`. Empty objects (layers
 * without weights) are left out, as Keras leaves them out. Unlike Keras 3.16's editor, an object
 * whose own `vars` group is empty keeps its sub-objects (Keras drops them: an LSTM's `cell`, a
 * Bidirectional's two layers), and the model's own `vars` become weights at the top level, so
 * a file read and written unchanged keeps every weight.
 *
 * Weights are Strata tensors. A dataset whose dtype Strata's tensors do not hold (int64, int16,
 * uint32 …) becomes an int32 tensor (float64 past int32's range), and the file's values are kept
 * beside it, so writing that tensor back unchanged writes the file's dtype and values.
 */
import { ValueError, fmtShape } from "../../errors.js";
import type { Hdf5Array, Hdf5AttrValue, Hdf5Dataset, Hdf5Group } from "../../io/hdf5.js";
import { Hdf5Group as GroupClass } from "../../io/hdf5.js";
import { type Hdf5WriteData, Hdf5WriteGroup } from "../../io/hdf5-write.js";
import { type Tensor, fromStrings, fromValues } from "../../tensor/tensor.js";
import { Tensor as TensorClass } from "../../tensor/tensor.js";

/** A weights file's objects: each name maps to a weight (a tensor) or to a sub-object. */
export interface WeightsDict {
  [name: string]: WeightsDict | Tensor;
}

/** The attributes of each object's groups (Keras 3.16 names each `vars` group), by path. */
export type ObjectMetadata = Record<string, Record<string, Hdf5AttrValue>>;

/** What reading a weights file gives: the tree, the groups' attributes, the kept file values. */
export interface ReadWeights {
  weights: WeightsDict;
  metadata: ObjectMetadata;
  /** For tensors converted from a dtype Strata does not hold: the file's values. */
  fileValues: WeakMap<Tensor, Hdf5Array>;
}

/** Keras's limits on one dataset of an edited file: its rank, and 4 GiB of data. */
const MAX_RANK = 64;
const MAX_BYTES = 2 ** 32;

/** A fresh object for the tree: no prototype, so any name a file holds is a plain key. */
export function emptyDict(): WeightsDict {
  return Object.create(null) as WeightsDict;
}

export const isTensor = (v: unknown): v is Tensor => v instanceof TensorClass;

const join = (path: string, name: string): string => (path === "" ? name : `${path}/${name}`);

/** Reads the tree of the weights file whose root group is `root`; `where` names the file. */
export function readWeightsTree(root: Hdf5Group, where: string): ReadWeights {
  const out: ReadWeights = { weights: emptyDict(), metadata: {}, fileValues: new WeakMap() };
  out.weights = readObject(root, "", where, out);
  return out;
}

function readObject(group: Hdf5Group, path: string, where: string, out: ReadWeights): WeightsDict {
  refuseLinks(group, where);
  const dict = emptyDict();
  const attrs = (g: Hdf5Group): void => {
    const found = g.attrs();
    if (found.size === 0) return;
    out.metadata[path] = { ...out.metadata[path], ...Object.fromEntries(found) };
  };
  attrs(group);
  const put = (name: string, value: WeightsDict | Tensor, at: string): void => {
    if (name in dict) {
      throw new ValueError(
        `KerasFileEditor: ${where}: "${at}" and the weight "${join(path, `vars/${name}`)}" ` +
          `would both be "${join(path, name)}"; expected each name once per object`,
      );
    }
    dict[name] = value;
  };
  const names = group.keys();
  const vars = names.includes("vars") ? group.get("vars") : null;
  if (vars instanceof GroupClass) {
    // The object's own variables: weights of this object, no level of their own.
    refuseLinks(vars, where);
    attrs(vars);
    for (const name of vars.keys()) {
      const node = vars.get(name);
      if (node instanceof GroupClass) {
        const child = readObject(node, join(path, name), where, out);
        if (Object.keys(child).length > 0) put(name, child, join(path, `vars/${name}`));
      } else put(name, readDataset(node, where, out), join(path, `vars/${name}`));
    }
  }
  for (const name of names) {
    if (name === "vars" && vars instanceof GroupClass) continue;
    const node = group.get(name);
    const at = join(path, name);
    if (node instanceof GroupClass) {
      const child = readObject(node, at, where, out);
      if (Object.keys(child).length > 0) put(name, child, at);
    } else put(name, readDataset(node, where, out), at);
  }
  return dict;
}

/** Soft and external links are refused as Keras refuses them: a weights file has neither. */
function refuseLinks(group: Hdf5Group, where: string): void {
  for (const [name, kind] of group.otherLinks()) {
    const keras = kind === "soft" ? "SoftLink" : kind === "external" ? "ExternalLink" : "UserLink";
    throw new ValueError(
      `KerasFileEditor: ${where}: not allowed: H5 file with ${keras} at ` +
        `"${group.path === "/" ? "" : group.path}/${name}" (expected groups and datasets only)`,
    );
  }
}

function readDataset(ds: Hdf5Dataset, where: string, out: ReadWeights): Tensor {
  if (ds.shape.length > MAX_RANK) {
    throw new ValueError(
      `KerasFileEditor: ${where}: malformed dataset ${ds.path}: rank ${ds.shape.length} ` +
        `exceeds the limit of ${MAX_RANK}`,
    );
  }
  const width = ds.dtype === "string" ? 1 : Number(/\d+$/.exec(ds.dtype)![0]) / 8;
  if (ds.size * width > MAX_BYTES) {
    throw new ValueError(
      `KerasFileEditor: ${where}: dataset ${ds.path} of shape ${fmtShape(ds.shape)} ` +
        `(${ds.size * width} bytes) is too large to load safely; the limit is ${MAX_BYTES} bytes`,
    );
  }
  const raw = ds.read();
  const shape = [...ds.shape];
  if (Array.isArray(raw)) return fromStrings(raw, shape);
  if (raw instanceof Float32Array || raw instanceof Float64Array || raw instanceof Int32Array) {
    return fromValues(raw, shape);
  }
  if (raw instanceof Uint8Array) return fromValues(new Uint8ClampedArray(raw.buffer), shape);
  // int8, int16, uint16 fit int32; int64, uint32, uint64 do unless they hold large values.
  const numbers = Array.from(raw as ArrayLike<number | bigint>, Number);
  const fits = numbers.every((v) => Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31);
  const t = fromValues(fits ? Int32Array.from(numbers) : Float64Array.from(numbers), shape);
  out.fileValues.set(t, raw);
  return t;
}

/**
 * The HDF5 tree of `weights` in Keras's layout: each object's weights as `<path>/vars/<name>`,
 * its sub-objects below it; empty objects are left out. `fileValues` gives back the file's own
 * values for tensors read from a dtype Strata does not hold.
 */
export function weightsTreeToHdf5(
  weights: WeightsDict,
  fileValues: WeakMap<Tensor, Hdf5Array>,
): Hdf5WriteGroup {
  const root = new Hdf5WriteGroup();
  const write = (dict: WeightsDict, path: string): void => {
    for (const [name, value] of Object.entries(dict)) {
      const at = join(path, name);
      if (name === "" || name.includes("/") || name === "vars") {
        throw new ValueError(
          `KerasFileEditor.save: cannot write "${at}": expected names without "/" and other ` +
            `than "vars" (Keras keeps an object's weights in its "vars" group)`,
        );
      }
      if (isTensor(value)) {
        root
          .group(join(path, "vars"))
          .dataset(name, tensorData(value, at, fileValues), value.shape);
      } else if (isPlainDict(value)) {
        if (Object.keys(value).length > 0) write(value, at);
      } else {
        throw new ValueError(
          `KerasFileEditor.save: expected "${at}" to be a tensor or an object of weights; ` +
            `received ${describe(value)}`,
        );
      }
    }
  };
  write(weights, "");
  return root;
}

function tensorData(t: Tensor, at: string, fileValues: WeakMap<Tensor, Hdf5Array>): Hdf5WriteData {
  const kept = fileValues.get(t);
  if (kept !== undefined && !Array.isArray(kept)) return kept;
  if (t.dtype === "string") {
    throw new ValueError(
      `KerasFileEditor.save: "${at}" holds strings; expected numbers (a weights file's ` +
        `datasets are numeric)`,
    );
  }
  const data = t.dataSync();
  if (data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array) {
    return data;
  }
  // uint8 (a Uint8ClampedArray) is written as uint8; bool as uint8 0 / 1.
  return Uint8Array.from(data as ArrayLike<number>, Number);
}

/** A plain object (no class of its own): an object of the tree, or `weights` a user passes. */
export function isPlainDict(v: unknown): v is Record<string, unknown> {
  if (typeof v !== "object" || v === null) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** How a received value reads in messages: its class, or its type. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v !== "object") return typeof v;
  return (v.constructor as { name?: string } | undefined)?.name ?? "object";
}
