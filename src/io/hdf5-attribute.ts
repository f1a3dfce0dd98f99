/**
 * HDF5 attributes (attribute messages, versions 1 to 3) on a group or a dataset: what Keras's
 * legacy `.h5` format keeps its model config, training config and layer / weight name lists in.
 * Values are numbers or typed arrays (integers, floats), and strings: fixed-length, or
 * variable-length ones stored in the global heap (h5py's default for Python `str`).
 * Attributes stored densely (a fractal heap, for objects with very many attributes) are refused.
 */
import { UNDEFINED_ADDRESS, type Hdf5Bytes } from "./hdf5-bytes.js";
import { decode, type Hdf5Array } from "./hdf5-decode.js";
import { globalHeapObject } from "./hdf5-global-heap.js";
import { type Hdf5Message, MSG, readDataspace, readDatatype } from "./hdf5-object.js";

/**
 * An attribute's value: a scalar number or string, or for an array (of any rank, flattened
 * row-major) a typed array or string[].
 */
export type Hdf5AttrValue = number | string | Hdf5Array;

const ATTRIBUTE = 0x000c;
const ATTRIBUTE_INFO = 0x0015;

/** Reads every attribute among an object header's messages, by name. */
export function readAttributes(
  b: Hdf5Bytes,
  messages: readonly Hdf5Message[],
  path: string,
): Map<string, Hdf5AttrValue> {
  const out = new Map<string, Hdf5AttrValue>();
  for (const m of messages) {
    if (m.type === ATTRIBUTE) {
      const [name, value] = readAttribute(b, m, `attribute of ${path}`);
      out.set(name, value);
    } else if (m.type === ATTRIBUTE_INFO) {
      // Version, flags, [max creation index], then the fractal heap address: defined only when
      // the attributes are stored densely.
      const what = `attribute info of ${path}`;
      const flags = b.u8(m.at + 1, what);
      if (b.address(m.at + 2 + (flags & 0x01 ? 2 : 0), what) !== UNDEFINED_ADDRESS) {
        b.fail(`${path}: dense attribute storage (fractal heap) is not supported`);
      }
    }
  }
  return out;
}

const pad8 = (n: number): number => Math.ceil(n / 8) * 8;

function readAttribute(b: Hdf5Bytes, m: Hdf5Message, what: string): [string, Hdf5AttrValue] {
  const version = b.u8(m.at, what);
  if (version < 1 || version > 3) {
    b.fail(`${what} at byte ${m.at}: unsupported attribute message version ${version}`);
  }
  const flags = b.u8(m.at + 1, what);
  if (version > 1 && flags & 0x03)
    b.fail(`${what}: shared datatypes / dataspaces are not supported`);
  const nameSize = b.u16(m.at + 2, what);
  const typeSize = b.u16(m.at + 4, what);
  const spaceSize = b.u16(m.at + 6, what);
  // Version 3 adds the name's character set; version 1 pads each part to 8 bytes.
  const pad = version === 1 ? pad8 : (n: number) => n;
  const nameAt = m.at + (version === 3 ? 9 : 8);
  const typeAt = nameAt + pad(nameSize);
  const spaceAt = typeAt + pad(typeSize);
  const dataAt = spaceAt + pad(spaceSize);
  const end = m.at + m.size;
  if (dataAt > end) b.fail(`${what} at byte ${m.at}: its parts overrun the message`);
  // The name's size counts its NUL terminator.
  const name = b.cstring(nameAt, nameAt + nameSize, `${what} name`);
  const named = `attribute "${name}" ${what.replace(/^attribute /, "")}`;
  const shape = readDataspace(b, { type: MSG.dataspace, at: spaceAt, size: spaceSize }, named);
  const count = shape === null ? 0 : shape.reduce((a, d) => a * d, 1);
  const classByte = b.u8(typeAt, named) & 0x0f;
  if (classByte === 9) {
    const strings = readVlenStrings(b, typeAt, dataAt, end, count, named);
    return [name, shape !== null && shape.length === 0 ? strings[0]! : strings];
  }
  const type = readDatatype(b, { type: MSG.datatype, at: typeAt, size: typeSize }, named);
  const nbytes = count * type.size;
  if (!Number.isSafeInteger(nbytes) || dataAt + nbytes > end) {
    b.fail(`${named}: ${count} values of ${type.size} bytes overrun the message`);
  }
  const values = decode(b.slice(dataAt, nbytes, named), type, count);
  if (shape === null || shape.length > 0) return [name, values];
  const v = values[0]!;
  return [name, typeof v === "string" ? v : Number(v)];
}

/** Variable-length strings: each element is a length and a global heap reference. */
function readVlenStrings(
  b: Hdf5Bytes,
  typeAt: number,
  dataAt: number,
  end: number,
  count: number,
  what: string,
): string[] {
  // Class bits 0-3: 0 a sequence, 1 a string. Sequences of other types are not text.
  if ((b.u8(typeAt + 1, what) & 0x0f) !== 1) {
    b.fail(`${what}: variable-length sequences are not supported (only variable-length strings)`);
  }
  const elementSize = 4 + b.offsetSize + 4;
  if (dataAt + count * elementSize > end) {
    b.fail(`${what}: ${count} variable-length strings overrun the message`);
  }
  const text = new TextDecoder();
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = dataAt + i * elementSize;
    const length = b.u32(at, what);
    const heap = b.address(at + 4, what);
    const index = b.u32(at + 4 + b.offsetSize, what);
    if (length === 0) {
      out.push(""); // an empty string may have no heap object at all
      continue;
    }
    if (heap === UNDEFINED_ADDRESS || heap === 0) {
      b.fail(`${what}: bad global heap reference (address ${heap}) for string ${i}`);
    }
    const bytes = globalHeapObject(b, heap, index, what);
    if (bytes.length < length) {
      b.fail(`${what}: string ${i} needs ${length} bytes; its heap object holds ${bytes.length}`);
    }
    out.push(text.decode(bytes.subarray(0, length)));
  }
  return out;
}
