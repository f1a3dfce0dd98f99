/**
 * Writes HDF5 files: nested groups of little-endian float32 / float64 datasets and signed or
 * unsigned 8- to 64-bit integer datasets (scalar or n-d), stored contiguously and uncompressed.
 * That covers what Keras 3 puts in a weights file (float weights, an int32 or int64 step counter),
 * so a file read by hdf5.ts can be written back with its dtypes (saving.KerasFileEditor).
 *
 * Layout choice: the oldest format, as h5py writes by default (libver "earliest") and as every
 * Keras fixture is — superblock version 0, version 1 object headers, and groups as symbol tables
 * (a version 1 B-tree whose leaves are symbol-table nodes, names in a local heap). Every libhdf5
 * since 1.0 reads it, it needs no checksums, and Strata's reader (hdf5.ts) already handles it.
 * The price is the group index: a symbol-table node holds at most 2·K_leaf = 8 entries and a B-tree
 * node at most 2·K_internal = 32 children (h5py's default K of 4 and 16, declared in the
 * superblock), so larger groups get several nodes and, past 256 members, a deeper tree; see
 * hdf5-write-group.ts.
 *
 * The file holds no timestamps (no modification-time messages), so the same tree gives the same
 * bytes. Groups may carry string attributes (`attr`), written as h5py writes NumPy byte strings:
 * fixed-length, null-padded — the `layer_names` / `weight_names` lists of Keras's legacy `.h5`
 * weight files; an empty list is an empty float64 array, as h5py saves `np.asarray([])`.
 *
 * Structures are written children first (post-order), so each parent knows its children's
 * addresses when it is written; the superblock, reserved at byte 0, is filled in last.
 */
import { StrataError, fmtShape } from "../errors.js";
import { HDF5_SIGNATURE } from "./hdf5.js";
import { ByteSink, UNDEFINED, littleEndianBytes } from "./hdf5-write-bytes.js";
import {
  INTERNAL_K,
  LEAF_K,
  type WrittenGroup,
  writeGroupIndex,
  writeSymbolEntry,
} from "./hdf5-write-group.js";

export type Hdf5WriteData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

/** The typed arrays a dataset may hold (a Uint8ClampedArray is written as uint8). */
const WRITABLE = [
  Float32Array,
  Float64Array,
  Int8Array,
  Int16Array,
  Int32Array,
  BigInt64Array,
  Uint8Array,
  Uint8ClampedArray,
  Uint16Array,
  Uint32Array,
  BigUint64Array,
];

/** A dataset to write: its values (row-major) and shape ([] for a scalar). */
export interface Hdf5WriteDataset {
  data: Hdf5WriteData;
  shape: readonly number[];
}

/** A group being built: `group("a/b")` and `dataset("a/b/c", …)` create what is missing. */
export class Hdf5WriteGroup {
  readonly members = new Map<string, Hdf5WriteGroup | Hdf5WriteDataset>();
  /** String attributes (a scalar string or a list), in the order they were set. */
  readonly attrs = new Map<string, string | readonly string[]>();

  constructor(readonly path = "/") {}

  /** The group at `path` (relative, "/"-separated), created with its parents if missing. */
  group(path: string): Hdf5WriteGroup {
    return splitPath(path, this.path).reduce<Hdf5WriteGroup>((g, name) => g.child(name), this);
  }

  /** The member group `name`, created if missing. */
  private child(name: string): Hdf5WriteGroup {
    const found = this.members.get(name);
    if (found instanceof Hdf5WriteGroup) return found;
    if (found !== undefined) {
      throw new StrataError(
        `HDF5 writer: expected "${joinPath(this.path, name)}" to be a group; it is already a dataset`,
      );
    }
    const child = new Hdf5WriteGroup(joinPath(this.path, name));
    this.members.set(name, child);
    return child;
  }

  /** Sets the string (or string list) attribute `name` on this group. */
  attr(name: string, value: string | readonly string[]): void {
    if (name === "" || name.includes("\0")) {
      throw new StrataError(
        `HDF5 writer: attribute names must be non-empty without NUL; received ${JSON.stringify(name)} on "${this.path}"`,
      );
    }
    const values = typeof value === "string" ? [value] : value;
    if (!values.every((v) => typeof v === "string")) {
      throw new StrataError(
        `HDF5 writer: attribute "${name}" on "${this.path}" must be a string or a list of strings`,
      );
    }
    this.attrs.set(name, typeof value === "string" ? value : [...value]);
  }

  /** Adds a dataset at `path`; its parent groups are created. */
  dataset(path: string, data: Hdf5WriteData, shape: readonly number[]): void {
    const names = splitPath(path, this.path);
    const name = names.pop();
    const where = joinPath(this.path, path);
    if (name === undefined)
      throw new StrataError(`HDF5 writer: expected a dataset name; received ""`);
    if (!WRITABLE.some((T) => data instanceof T)) {
      throw new StrataError(
        `HDF5 writer: dataset "${where}" needs a Float32Array, Float64Array or an integer typed ` +
          `array (Int8Array … BigUint64Array, Uint8ClampedArray); received ${describe(data)}`,
      );
    }
    if (!shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new StrataError(
        `HDF5 writer: dataset "${where}": expected a shape of non-negative integers; received [${shape.join(", ")}]`,
      );
    }
    const size = shape.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new StrataError(
        `HDF5 writer: dataset "${where}" of shape ${fmtShape(shape)} needs ${size} values; received ${data.length}`,
      );
    }
    const parent = this.group(names.join("/"));
    if (parent.members.has(name)) {
      throw new StrataError(`HDF5 writer: "${where}" already exists; expected a new dataset name`);
    }
    parent.members.set(name, { data, shape: [...shape] });
  }
}

function describe(v: unknown): string {
  return v === null || typeof v !== "object" ? String(v) : (v.constructor?.name ?? "object");
}

function joinPath(base: string, name: string): string {
  return base.endsWith("/") ? base + name : `${base}/${name}`;
}

/** Splits a relative path into names, each checked: HDF5 names hold no "/" and no NUL. */
function splitPath(path: string, base: string): string[] {
  const names = path.split("/").filter((n) => n !== "" && n !== ".");
  for (const n of names) {
    if (n.includes("\0")) {
      throw new StrataError(
        `HDF5 writer: names must not contain NUL; received ${JSON.stringify(path)} under "${base}"`,
      );
    }
  }
  return names;
}

const SUPERBLOCK_SIZE = 96;

/** Message types used (HDF5 spec IV.A.2). */
const MSG = {
  dataspace: 0x01,
  datatype: 0x03,
  fillValue: 0x05,
  layout: 0x08,
  attribute: 0x0c,
  symbolTable: 0x11,
};

/** Encodes the tree under `root` as the bytes of an HDF5 file. */
export function encodeHdf5(root: Hdf5WriteGroup): Uint8Array {
  const sink = new ByteSink();
  const superblock = sink.alloc(SUPERBLOCK_SIZE);
  const rootGroup = writeGroup(sink, root);
  writeSuperblock(sink, superblock, rootGroup);
  return sink.result();
}

function writeSuperblock(sink: ByteSink, at: number, root: WrittenGroup): void {
  HDF5_SIGNATURE.forEach((b, i) => sink.u8(at + i, b));
  // Versions (superblock, free space, root symbol table, reserved, shared header) are all 0.
  sink.u8(at + 13, 8); // size of offsets
  sink.u8(at + 14, 8); // size of lengths
  sink.u16(at + 16, LEAF_K);
  sink.u16(at + 18, INTERNAL_K);
  // +20: file consistency flags, 0.
  sink.u64(at + 24, 0); // base address
  sink.u64(at + 32, UNDEFINED); // free-space info
  sink.u64(at + 40, sink.end); // end of file
  sink.u64(at + 48, UNDEFINED); // driver info
  writeSymbolEntry(sink, at + 56, 0, root.header, root);
}

function writeGroup(sink: ByteSink, group: Hdf5WriteGroup): WrittenGroup {
  // Children first, so their addresses are known to the index.
  const names = [...group.members.keys()].sort(compareNames);
  const children = names.map((name) => {
    const m = group.members.get(name)!;
    if (m instanceof Hdf5WriteGroup) {
      const g = writeGroup(sink, m);
      return { name, header: g.header, group: g };
    }
    return { name, header: writeDataset(sink, m), group: null };
  });
  const { btree, heap } = writeGroupIndex(sink, children);
  const attributes = [...group.attrs].map(([name, value]): [number, Uint8Array] => [
    MSG.attribute,
    attributeMessage(name, value, group.path),
  ]);
  const header = writeObjectHeader(sink, [
    [MSG.symbolTable, symbolTableMessage(btree, heap)],
    ...attributes,
  ]);
  return { header, btree, heap };
}

/** HDF5 orders a group's names by their bytes (strcmp). */
function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

function writeDataset(sink: ByteSink, ds: Hdf5WriteDataset): number {
  const bytes = littleEndianBytes(ds.data);
  const messages: [number, Uint8Array][] = [
    [MSG.dataspace, dataspaceMessage(ds.shape)],
    [MSG.datatype, datatypeMessage(ds.data)],
    // Fill value v2: allocation late, fill "if set", no fill value defined (h5py's defaults).
    [MSG.fillValue, Uint8Array.of(2, 2, 2, 0)],
    [MSG.layout, new Uint8Array(18)],
  ];
  const header = writeObjectHeader(sink, messages);
  const data = bytes.length > 0 ? sink.alloc(bytes.length) : UNDEFINED;
  if (bytes.length > 0) sink.bytes(data, bytes);
  // Layout v3, contiguous: the data's address and size, patched in now that both are known.
  const layoutAt = header + 16 + messageOffset(messages, 3) + 8;
  sink.u8(layoutAt, 3);
  sink.u8(layoutAt + 1, 1);
  sink.u64(layoutAt + 2, data);
  sink.u64(layoutAt + 10, bytes.length);
  return header;
}

const padded = (n: number) => Math.ceil(n / 8) * 8;

/** Where message `index` starts within the header's message area. */
function messageOffset(messages: [number, Uint8Array][], index: number): number {
  let at = 0;
  for (let i = 0; i < index; i++) at += 8 + padded(messages[i]![1].length);
  return at;
}

/** A version 1 object header: a 16-byte prefix, then each message 8-aligned. */
function writeObjectHeader(sink: ByteSink, messages: [number, Uint8Array][]): number {
  const size = messageOffset(messages, messages.length);
  const at = sink.alloc(16 + size);
  sink.u8(at, 1); // version
  sink.u16(at + 2, messages.length);
  sink.u32(at + 4, 1); // reference count
  sink.u32(at + 8, size);
  let m = at + 16;
  for (const [type, body] of messages) {
    sink.u16(m, type);
    sink.u16(m + 2, padded(body.length));
    // Flags: the datatype is constant (bit 0), as libhdf5 marks it.
    sink.u8(m + 4, type === MSG.datatype ? 1 : 0);
    sink.bytes(m + 8, body);
    m += 8 + padded(body.length);
  }
  return at;
}

function symbolTableMessage(btree: number, heap: number): Uint8Array {
  const b = new DataView(new ArrayBuffer(16));
  b.setBigUint64(0, BigInt(btree), true);
  b.setBigUint64(8, BigInt(heap), true);
  return new Uint8Array(b.buffer);
}

/** Dataspace v1: rank, no maximum dims (so max = current); rank 0 is a scalar. */
function dataspaceMessage(shape: readonly number[]): Uint8Array {
  const b = new DataView(new ArrayBuffer(8 + 8 * shape.length));
  b.setUint8(0, 1);
  b.setUint8(1, shape.length);
  shape.forEach((d, i) => b.setBigUint64(8 + 8 * i, BigInt(d), true));
  return new Uint8Array(b.buffer);
}

/** Datatype v1: IEEE little-endian floats, or a little-endian integer of the array's width. */
function datatypeMessage(data: Hdf5WriteData): Uint8Array {
  if (!(data instanceof Float32Array || data instanceof Float64Array)) {
    const signed =
      data instanceof Int8Array ||
      data instanceof Int16Array ||
      data instanceof Int32Array ||
      data instanceof BigInt64Array;
    const b = new DataView(new ArrayBuffer(12));
    b.setUint8(0, 0x10); // version 1, class 0 (fixed point)
    b.setUint8(1, signed ? 0x08 : 0x00); // little-endian, signed or not
    b.setUint32(4, data.BYTES_PER_ELEMENT, true);
    b.setUint16(8, 0, true); // bit offset
    b.setUint16(10, 8 * data.BYTES_PER_ELEMENT, true); // precision
    return new Uint8Array(b.buffer);
  }
  const f64 = data instanceof Float64Array;
  const b = new DataView(new ArrayBuffer(20));
  b.setUint8(0, 0x11); // version 1, class 1 (floating point)
  b.setUint8(1, 0x20); // little-endian, mantissa normalized with an implied leading 1
  b.setUint8(2, f64 ? 63 : 31); // sign bit
  b.setUint32(4, f64 ? 8 : 4, true);
  b.setUint16(8, 0, true); // bit offset
  b.setUint16(10, f64 ? 64 : 32, true); // precision
  b.setUint8(12, f64 ? 52 : 23); // exponent location
  b.setUint8(13, f64 ? 11 : 8); // exponent size
  b.setUint8(14, 0); // mantissa location
  b.setUint8(15, f64 ? 52 : 23); // mantissa size
  b.setUint32(16, f64 ? 1023 : 127, true); // exponent bias
  return new Uint8Array(b.buffer);
}

/**
 * Attribute message v1: name, datatype and dataspace each padded to 8 bytes, then the values.
 * Strings are fixed-length (the longest one's UTF-8 bytes), null-padded; an empty list is an
 * empty float64 array. A message must fit an object header message (64 KiB).
 */
function attributeMessage(
  name: string,
  value: string | readonly string[],
  path: string,
): Uint8Array {
  const nameBytes = Buffer.from(`${name}\0`, "utf8");
  const list = typeof value === "string" ? null : value;
  const encoded = (list ?? [value as string]).map((v) => Buffer.from(v, "utf8"));
  let type: Uint8Array;
  let data: Uint8Array;
  if (list !== null && list.length === 0) {
    type = datatypeMessage(new Float64Array(0));
    data = new Uint8Array(0);
  } else {
    const size = Math.max(1, ...encoded.map((b) => b.length));
    const ascii = encoded.every((b) => b.every((c) => c < 0x80));
    const t = new DataView(new ArrayBuffer(8));
    t.setUint8(0, 0x13); // version 1, class 3 (string)
    t.setUint8(1, 0x01 | (ascii ? 0 : 0x10)); // null-padded; ASCII or UTF-8
    t.setUint32(4, size, true);
    type = new Uint8Array(t.buffer);
    data = new Uint8Array(size * encoded.length);
    encoded.forEach((b, i) => data.set(b, i * size));
  }
  const space = dataspaceMessage(list === null ? [] : [list.length]);
  const total =
    8 + padded(nameBytes.length) + padded(type.length) + padded(space.length) + data.length;
  if (padded(total) > 0xffff) {
    throw new StrataError(
      `HDF5 writer: attribute "${name}" on "${path}" needs ${total} bytes; an object header message holds at most 65535`,
    );
  }
  const out = new Uint8Array(total);
  const v = new DataView(out.buffer);
  v.setUint8(0, 1);
  v.setUint16(2, nameBytes.length, true);
  v.setUint16(4, type.length, true);
  v.setUint16(6, space.length, true);
  let at = 8;
  for (const part of [nameBytes, type, space]) {
    out.set(part, at);
    at += padded(part.length);
  }
  out.set(data, at);
  return out;
}
