/**
 * NumPy's `.npy` and `.npz` formats, read into Strata values.
 *
 * `.npy` (format versions 1.0, 2.0 and 3.0): the magic `\x93NUMPY`, a version, the header length
 * (2 bytes in 1.0, 4 bytes after), a Python dict literal `{'descr': …, 'fortran_order': …,
 * 'shape': …}`, then the raw elements. The header length is read from the file, never assumed:
 * NumPy pads headers to 16 bytes in old files (Keras's mnist.npz) and to 64 bytes today.
 * `.npz` is a zip of `.npy` members (stored or deflated).
 *
 * Strata has no int8/int16/uint32/int64 storage, so element types map as follows:
 *
 * | NumPy descr                                  | Strata dtype                                |
 * |----------------------------------------------|---------------------------------------------|
 * | `\|b1`                                        | bool                                        |
 * | `\|u1`                                        | uint8                                       |
 * | `\|i1` `i2` `u2` `i4`                         | int32 (exact)                               |
 * | `u4` `i8` `u8`                               | int32, every value checked to fit, else an error |
 * | `f2` `f4`                                    | float32                                     |
 * | `f8`                                         | float32, or float64 with `keepFloat64: true` |
 * | `\|O` (object, pickled)                       | JS values, see io/pickle.ts                 |
 *
 * Both byte orders (`<`, `>`) are read. Fortran-ordered arrays are transposed into C order.
 * Object arrays are unpickled with a restricted reader that only rebuilds NumPy arrays, so reading
 * them is safe (NumPy's `allow_pickle=True` is not).
 */
import { endianness } from "node:os";
import { StrataError } from "../errors.js";
import type { TypedArray } from "../tensor/dtype.js";
import { PickledArray, unpickle } from "./pickle.js";
import { ZipReader } from "./zip.js";

/** A decoded array: header fields plus C-ordered data. */
export interface NpyArray {
  /** The descr from the file, e.g. `|u1`, `<f8`, `|O`. */
  descr: string;
  shape: number[];
  /** Numeric arrays: a typed array as in the table above. Object arrays: the items as JS values. */
  data: TypedArray | unknown[];
}

export interface NpyOptions {
  /** Keep `f8` data as float64 instead of converting it to float32 (the default). */
  keepFloat64?: boolean;
}

export interface NpyHeader {
  version: [number, number];
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  /** Where the element data starts. */
  dataOffset: number;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const HOST_LITTLE = endianness() === "LE";

function fail(where: string, message: string): never {
  throw new StrataError(`${where}: ${message}`);
}

/** Parses the magic, version and header dict of a `.npy` byte string. */
export function readNpyHeader(bytes: Uint8Array, where = "npy"): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail(where, "not a .npy file (the magic string \\x93NUMPY is missing)");
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let start: number;
  let length: number;
  if (major === 1) {
    start = 10;
    length = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail(where, "truncated .npy header");
    start = 12;
    length = view.getUint32(8, true);
  } else {
    return fail(
      where,
      `unsupported .npy format version ${major}.${minor}; expected 1.0, 2.0 or 3.0`,
    );
  }
  if (start + length > bytes.length) fail(where, "truncated .npy header");
  const text = Buffer.from(bytes.subarray(start, start + length)).toString(
    major === 3 ? "utf8" : "latin1",
  );
  if (/['"]descr['"]\s*:\s*\[/.test(text)) fail(where, "structured dtypes are not supported");
  const descr = /['"]descr['"]\s*:\s*(['"])(.*?)\1/.exec(text)?.[2];
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    fail(where, `malformed .npy header: ${JSON.stringify(text.trim())}`);
  }
  const shape = shapeText
    .split(",")
    .map((s) => s.trim().replace(/L$/, ""))
    .filter((s) => s.length > 0)
    .map((s) => {
      const d = Number(s);
      if (!Number.isSafeInteger(d) || d < 0) fail(where, `bad dimension "${s}" in the .npy header`);
      return d;
    });
  return {
    version: [major, minor],
    descr,
    fortranOrder: fortran === "True",
    shape,
    dataOffset: start + length,
  };
}

/** Splits a descr like `<f8` into byte order, kind and item size. */
function splitDescr(descr: string, where: string): { little: boolean; kind: string; size: number } {
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (!m) return fail(where, `unsupported dtype descr "${descr}"`);
  const size = m[3] === "" ? (m[2] === "O" ? 8 : 0) : Number(m[3]);
  return { little: m[1] !== ">", kind: m[2]!, size };
}

const SUPPORTED = "|b1, |u1, |i1, i2, u2, i4, u4, i8, u8, f2, f4, f8 and |O (either byte order)";

/** IEEE half → number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * A copy of `raw` in a fresh (hence aligned) buffer, for typed-array views. (Not `raw.slice()`:
 * on a Node Buffer that is a view into the shared pool.)
 */
function aligned(raw: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(raw.length);
  copy.set(raw);
  return copy.buffer;
}

/**
 * Decodes `count` elements of type `descr` from `raw` (exactly `count × itemsize` bytes) into the
 * typed array of the table in the file comment.
 */
export function decodeElements(
  descr: string,
  raw: Uint8Array,
  count: number,
  opts: NpyOptions = {},
  where = "npy",
): TypedArray {
  const { little, kind, size } = splitDescr(descr, where);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const native = little === HOST_LITTLE;
  const tooBig = (i: number, value: string): never =>
    fail(
      where,
      `element ${i} (${value}) of a "${descr}" array does not fit in int32; ` +
        "Strata has no 64-bit or unsigned 32-bit integer dtype",
    );
  switch (`${kind}${size}`) {
    case "b1": {
      const out = new Uint8Array(count);
      for (let i = 0; i < count; i++) out[i] = raw[i] ? 1 : 0;
      return out;
    }
    case "u1":
      return Uint8ClampedArray.from(raw.subarray(0, count));
    case "i1": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = (raw[i]! << 24) >> 24;
      return out;
    }
    case "i2":
    case "u2": {
      const out = new Int32Array(count);
      const signed = kind === "i";
      for (let i = 0; i < count; i++) {
        out[i] = signed ? view.getInt16(2 * i, little) : view.getUint16(2 * i, little);
      }
      return out;
    }
    case "i4": {
      if (native) return new Int32Array(aligned(raw), 0, count);
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, little);
      return out;
    }
    case "u4": {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getUint32(4 * i, little);
        if (v > 0x7fffffff) tooBig(i, String(v));
        out[i] = v;
      }
      return out;
    }
    case "i8":
    case "u8": {
      // An int64 fits in int32 when its high word is the sign extension of its low word.
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const lo = view.getUint32(8 * i + (little ? 0 : 4), little);
        const hi = view.getInt32(8 * i + (little ? 4 : 0), little);
        const fits = kind === "i" ? hi === (lo | 0) >> 31 : hi === 0 && lo <= 0x7fffffff;
        if (!fits)
          tooBig(
            i,
            (kind === "i" ? view.getBigInt64 : view.getBigUint64)
              .call(view, 8 * i, little)
              .toString(),
          );
        out[i] = lo | 0;
      }
      return out;
    }
    case "f2": {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToNumber(view.getUint16(2 * i, little));
      return out;
    }
    case "f4": {
      if (native) return new Float32Array(aligned(raw), 0, count);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, little);
      return out;
    }
    case "f8": {
      let f64: Float64Array;
      if (native) f64 = new Float64Array(aligned(raw), 0, count);
      else {
        f64 = new Float64Array(count);
        for (let i = 0; i < count; i++) f64[i] = view.getFloat64(8 * i, little);
      }
      return opts.keepFloat64 ? f64 : Float32Array.from(f64);
    }
    default:
      return fail(where, `unsupported dtype "${descr}"; supported: ${SUPPORTED}`);
  }
}

/** Reorders Fortran-ordered (column-major) elements into C (row-major) order. */
function fortranToC<T extends TypedArray | unknown[]>(src: T, shape: readonly number[]): T {
  const count = src.length;
  const out = (
    Array.isArray(src)
      ? new Array(count)
      : new (src.constructor as new (n: number) => TypedArray)(count)
  ) as T;
  const rank = shape.length;
  const fStride: number[] = [];
  let s = 1;
  for (let k = 0; k < rank; k++) {
    fStride.push(s);
    s *= shape[k]!;
  }
  const idx = new Array<number>(rank).fill(0);
  let f = 0;
  for (let c = 0; c < count; c++) {
    (out as unknown[])[c] = (src as unknown[])[f];
    // Advance the C-order multi-index (last axis fastest) and its Fortran offset with it.
    for (let k = rank - 1; k >= 0; k--) {
      idx[k]!++;
      f += fStride[k]!;
      if (idx[k]! < shape[k]!) break;
      f -= fStride[k]! * shape[k]!;
      idx[k] = 0;
    }
  }
  return out;
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Turns a NumPy array rebuilt from a pickle into an {@link NpyArray}, recursively for items. */
export function fromPickled(
  arr: PickledArray,
  opts: NpyOptions = {},
  where = "npy",
  within: ReadonlySet<PickledArray> = new Set(),
): NpyArray {
  // A pickle's memo can make an object array hold itself; rebuilding it would never end.
  if (within.has(arr)) fail(where, "an object array contains itself (corrupt pickle)");
  const count = sizeOf(arr.shape);
  let data: TypedArray | unknown[];
  if (arr.descr === "|O") {
    if (!Array.isArray(arr.data) || arr.data.length !== count) {
      fail(where, `object array holds ${arr.data.length} items; its shape needs ${count}`);
    }
    const inside = new Set([...within, arr]);
    data = arr.data.map((item) =>
      item instanceof PickledArray ? fromPickled(item, opts, where, inside) : item,
    );
  } else {
    const itemsize = splitDescr(arr.descr, where).size;
    if (!(arr.data instanceof Uint8Array) || arr.data.length !== count * itemsize) {
      fail(
        where,
        `pickled "${arr.descr}" array has ${arr.data.length} bytes; its shape needs ${count * itemsize}`,
      );
    }
    data = decodeElements(arr.descr, arr.data, count, opts, where);
  }
  // NumPy pickles an object array's items in C order whatever its layout (it walks the array
  // with a C-order iterator); only the raw bytes of numeric arrays follow the memory order.
  if (arr.fortranOrder && arr.shape.length > 1 && !Array.isArray(data)) {
    data = fortranToC(data, arr.shape);
  }
  return { descr: arr.descr, shape: arr.shape, data };
}

/** Decodes a whole `.npy` byte string. `where` names it in error messages. */
export function parseNpy(bytes: Uint8Array, opts: NpyOptions = {}, where = "npy"): NpyArray {
  const header = readNpyHeader(bytes, where);
  const { descr, shape, fortranOrder } = header;
  const count = sizeOf(shape);
  const body = bytes.subarray(header.dataOffset);
  if (descr === "|O") {
    const obj = unpickle(body, where);
    if (!(obj instanceof PickledArray) || obj.descr !== "|O") {
      fail(where, "the pickled payload of an object array is not a NumPy object array");
    }
    if (sizeOf(obj.shape) !== count) {
      fail(
        where,
        `pickled array has shape (${obj.shape.join(", ")}); the header says (${shape.join(", ")})`,
      );
    }
    const inner = fromPickled(obj, opts, where);
    return { descr, shape, data: inner.data };
  }
  const { size } = splitDescr(descr, where);
  if (size === 0) fail(where, `unsupported dtype "${descr}"; supported: ${SUPPORTED}`);
  const need = count * size;
  if (body.length < need) {
    fail(
      where,
      `truncated data: shape (${shape.join(", ")}) of "${descr}" needs ${need} bytes, found ${body.length}`,
    );
  }
  let data = decodeElements(descr, body.subarray(0, need), count, opts, where);
  if (fortranOrder && shape.length > 1) data = fortranToC(data, shape);
  return { descr, shape, data };
}

/** Decodes the `.npy` members of an `.npz` archive, keyed by name without `.npy`. */
export function parseNpz(
  bytes: Uint8Array,
  opts: NpyOptions & { keys?: readonly string[] } = {},
  where = "npz",
): Map<string, NpyArray> {
  const zip = new ZipReader(bytes, where);
  const out = new Map<string, NpyArray>();
  const wanted = opts.keys ? new Set(opts.keys) : undefined;
  for (const name of zip.names()) {
    if (!name.endsWith(".npy")) continue;
    const key = name.slice(0, -4);
    if (wanted && !wanted.has(key)) continue;
    out.set(key, parseNpy(zip.read(name), opts, `${where}/${name}`));
  }
  for (const key of wanted ?? []) {
    if (!out.has(key))
      fail(where, `no array named "${key}"; the archive holds: ${[...zip.names()].join(", ")}`);
  }
  return out;
}
