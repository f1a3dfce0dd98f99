/**
 * HDF5 object headers and the header messages a group or a dataset needs: dataspace, datatype,
 * data layout, symbol table, links. Both header versions are read: version 1 (what h5py writes
 * by default, libver "earliest") and version 2 ("OHDR", libver "latest"). Version 2 checksums
 * are not verified; every offset is still bounds-checked.
 */
import type { Hdf5Bytes } from "./hdf5-bytes.js";

/** One header message: its type and where its body lies in the file. */
export interface Hdf5Message {
  type: number;
  at: number;
  size: number;
}

// Message types (HDF5 file format specification, section IV.A.2).
export const MSG = {
  dataspace: 0x0001,
  linkInfo: 0x0002,
  datatype: 0x0003,
  fillValue: 0x0005,
  link: 0x0006,
  layout: 0x0008,
  filters: 0x000b,
  continuation: 0x0010,
  symbolTable: 0x0011,
} as const;

/** A header is a chain of blocks; more than this many is taken as a loop in a corrupt file. */
const MAX_BLOCKS = 10_000;

/** Reads every message of the object header at `address`, following continuation blocks. */
export function readObjectHeader(b: Hdf5Bytes, address: number, where: string): Hdf5Message[] {
  const what = `object header of ${where}`;
  b.check(address, 4, what);
  const isV2 = String.fromCharCode(...b.slice(address, 4, what)) === "OHDR";
  return isV2 ? readV2(b, address, what) : readV1(b, address, what);
}

function readV1(b: Hdf5Bytes, address: number, what: string): Hdf5Message[] {
  const version = b.u8(address, what);
  if (version !== 1)
    b.fail(`${what} at byte ${address}: expected version 1 or "OHDR", found ${version}`);
  const count = b.u16(address + 2, what);
  const size = b.u32(address + 8, what);
  // The prefix is 12 bytes, padded to 16 so that messages start 8-aligned.
  const messages: Hdf5Message[] = [];
  eachBlock(b, [address + 16, size], what, (start, length, more) => {
    let at = start;
    while (at + 8 <= start + length && messages.length < count) {
      const type = b.u16(at, what);
      const bodySize = b.u16(at + 2, what);
      const body = at + 8;
      if (body + bodySize > start + length)
        b.fail(`${what}: message at byte ${at} overruns its block`);
      if (type === MSG.continuation) more(b.address(body, what), b.len(body + b.offsetSize, what));
      messages.push({ type, at: body, size: bodySize });
      at = body + bodySize;
    }
  });
  return messages;
}

function readV2(b: Hdf5Bytes, address: number, what: string): Hdf5Message[] {
  const version = b.u8(address + 4, what);
  if (version !== 2) b.fail(`${what}: expected "OHDR" version 2, found ${version}`);
  const flags = b.u8(address + 5, what);
  let at = address + 6;
  if (flags & 0x20) at += 16; // access, modification, change and birth times
  if (flags & 0x10) at += 4; // attribute storage phase change values
  const sizeBytes = 1 << (flags & 0x03);
  const chunkSize = b.uint(at, sizeBytes, what);
  at += sizeBytes;
  const tracksOrder = (flags & 0x04) !== 0;
  const messages: Hdf5Message[] = [];
  eachBlock(b, [at, chunkSize], what, (start, length, more) => {
    const prefix = 4 + (tracksOrder ? 2 : 0);
    let p = start;
    // A gap smaller than a message prefix may end the block.
    while (p + prefix <= start + length) {
      const type = b.u8(p, what);
      const bodySize = b.u16(p + 1, what);
      const body = p + prefix;
      if (body + bodySize > start + length)
        b.fail(`${what}: message at byte ${p} overruns its block`);
      if (type === MSG.continuation) {
        const cont = b.address(body, what);
        const contLength = b.len(body + b.offsetSize, what);
        b.signature(cont, "OCHK", `${what} continuation block`);
        more(cont + 4, contLength - 8); // signature before, checksum after
      }
      messages.push({ type, at: body, size: bodySize });
      p = body + bodySize;
    }
  });
  return messages;
}

/**
 * Visits an object header's message blocks: the first, then every continuation block a message
 * points to (`more`), each once and within the file; a loop of continuations is refused.
 */
function eachBlock(
  b: Hdf5Bytes,
  first: [number, number],
  what: string,
  visit: (start: number, length: number, more: (start: number, length: number) => void) => void,
): void {
  const blocks: [number, number][] = [first];
  const seen = new Set<number>();
  const more = (start: number, length: number) => void blocks.push([start, length]);
  while (blocks.length > 0) {
    const [start, length] = blocks.shift()!;
    if (seen.has(start) || seen.size > MAX_BLOCKS) b.fail(`${what}: continuation blocks loop`);
    seen.add(start);
    b.check(start, length, what);
    visit(start, length, more);
  }
}

/** The dimensions of a dataspace message; [] for a scalar, null for a null dataspace. */
export function readDataspace(b: Hdf5Bytes, m: Hdf5Message, what: string): number[] | null {
  const version = b.u8(m.at, what);
  const rank = b.u8(m.at + 1, what);
  let at: number;
  if (version === 1) at = m.at + 8;
  else if (version === 2) {
    if (b.u8(m.at + 3, what) === 2) return null;
    at = m.at + 4;
  } else b.fail(`${what}: unsupported dataspace message version ${version} (expected 1 or 2)`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(b.len(at + i * b.lengthSize, `${what} dimensions`));
  return dims;
}

/** An element type this reader can turn into a typed array (or strings). */
export interface Hdf5Type {
  kind: "float" | "int" | "uint" | "string";
  size: number;
  littleEndian: boolean;
}

const CLASS_NAMES = [
  "fixed-point",
  "floating-point",
  "time",
  "string",
  "bitfield",
  "opaque",
  "compound",
  "reference",
  "enum",
  "variable-length",
  "array",
];

/** Reads a datatype message; unsupported classes give a StrataError naming the class. */
export function readDatatype(b: Hdf5Bytes, m: Hdf5Message, what: string): Hdf5Type {
  const classAndVersion = b.u8(m.at, what);
  const cls = classAndVersion & 0x0f;
  const bits = b.u8(m.at + 1, what);
  const size = b.u32(m.at + 4, what);
  const littleEndian = (bits & 0x01) === 0;
  if (cls === 0) {
    if (![1, 2, 4, 8].includes(size)) b.fail(`${what}: unsupported integer size ${size}`);
    return { kind: bits & 0x08 ? "int" : "uint", size, littleEndian };
  }
  if (cls === 1) {
    if (bits & 0x40) b.fail(`${what}: VAX-order floats are not supported`);
    if (size !== 4 && size !== 8) {
      b.fail(`${what}: expected a 4- or 8-byte float; received ${size} bytes`);
    }
    return { kind: "float", size, littleEndian };
  }
  if (cls === 3) {
    // A string of 0 bytes is not a valid HDF5 type; it would let any element count fit in 0 bytes.
    if (size === 0) b.fail(`${what}: a fixed-length string type of 0 bytes`);
    return { kind: "string", size, littleEndian: true };
  }
  return b.fail(
    `${what}: datatype class ${CLASS_NAMES[cls] ?? cls} is not supported ` +
      `(expected integer, float or fixed-length string)`,
  );
}

/** Where a dataset's elements lie. */
export type Hdf5Layout =
  | { kind: "compact"; at: number; size: number }
  | { kind: "contiguous"; address: number; size: number };

const LAYOUT_NAMES = ["compact", "contiguous", "chunked", "virtual"];

/** Reads a data layout message (versions 1 to 4); chunked and virtual layouts are refused. */
export function readLayout(b: Hdf5Bytes, m: Hdf5Message, what: string): Hdf5Layout {
  const version = b.u8(m.at, what);
  if (version === 1 || version === 2) {
    const rank = b.u8(m.at + 1, what);
    const cls = b.u8(m.at + 2, what);
    const afterAddress = m.at + 8 + (cls === 0 ? 0 : b.offsetSize);
    if (cls === 1) {
      // Size of contiguous storage is the product of the stored dimensions (the last is the
      // element size for version 1 and 2 messages).
      let size = 1;
      for (let i = 0; i < rank; i++) size *= b.u32(afterAddress + 4 * i, what);
      return { kind: "contiguous", address: b.address(m.at + 8, what), size };
    }
    if (cls === 0) {
      const sizeAt = afterAddress + 4 * rank;
      return { kind: "compact", at: sizeAt + 4, size: b.u32(sizeAt, what) };
    }
    return unsupportedLayout(b, cls, what);
  }
  if (version === 3 || version === 4) {
    const cls = b.u8(m.at + 1, what);
    if (cls === 0) return { kind: "compact", at: m.at + 4, size: b.u16(m.at + 2, what) };
    if (cls === 1) {
      return {
        kind: "contiguous",
        address: b.address(m.at + 2, what),
        size: b.len(m.at + 2 + b.offsetSize, what),
      };
    }
    return unsupportedLayout(b, cls, what);
  }
  return b.fail(`${what}: unsupported data layout message version ${version} (expected 1 to 4)`);
}

function unsupportedLayout(b: Hdf5Bytes, cls: number, what: string): never {
  return b.fail(
    `${what}: ${LAYOUT_NAMES[cls] ?? `class ${cls}`} storage is not supported ` +
      `(expected compact or contiguous, as h5py writes by default)`,
  );
}

/** What a link that is not a hard link points through (HDF5 link types 1, 64, and the rest). */
export type Hdf5LinkKind = "soft" | "external" | "user-defined";

/** One link of a version 2 group (a link message): its name and, for a hard link, the target. */
export interface Hdf5Link {
  name: string;
  address: number | null;
  /** "hard", or the kind of a link that has no target address here. */
  kind: "hard" | Hdf5LinkKind;
}

/** Reads a link message; soft and external links keep their name but have no target. */
export function readLink(b: Hdf5Bytes, m: Hdf5Message, what: string): Hdf5Link {
  const version = b.u8(m.at, what);
  if (version !== 1) b.fail(`${what}: unsupported link message version ${version}`);
  const flags = b.u8(m.at + 1, what);
  let at = m.at + 2;
  let linkType = 0;
  if (flags & 0x08) linkType = b.u8(at++, what);
  if (flags & 0x04) at += 8; // creation order
  if (flags & 0x10) at += 1; // character set
  const lengthBytes = 1 << (flags & 0x03);
  const nameLength = b.uint(at, lengthBytes, what);
  at += lengthBytes;
  const name = new TextDecoder().decode(b.slice(at, nameLength, `${what} link name`));
  at += nameLength;
  if (linkType === 0) return { name, address: b.address(at, `${what} link target`), kind: "hard" };
  const kind = linkType === 1 ? "soft" : linkType === 64 ? "external" : "user-defined";
  return { name, address: null, kind };
}
