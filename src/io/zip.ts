/**
 * A small zip reader: enough for `.npz` archives (NumPy's `savez` / `savez_compressed`) and other
 * archives written by Python's `zipfile`. It reads the central directory (the authoritative list:
 * local headers may carry zero sizes when a data descriptor follows the data), then each member's
 * local header to find where its bytes start. Members are stored (method 0) or deflated (method 8,
 * inflated with node:zlib). Every member is checked against the CRC-32 in the directory.
 * Not supported, with a clear error: zip64, encryption, multi-disk archives, other methods.
 */
import * as zlib from "node:zlib";
import { StrataError } from "../errors.js";

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const MAX_COMMENT = 0xffff;

/** One member as the central directory describes it. */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  /** Offset of the member's local header from the start of the archive. */
  localOffset: number;
}

// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the checksum zip stores per member.
// node:zlib has a native crc32 from Node 20.15; older Node 20 releases use this table.
let crcTable: Uint32Array | undefined;
function crc32Fallback(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC-32 of `data` as an unsigned number. */
export function crc32(data: Uint8Array): number {
  const native = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;
  return native ? native(data) >>> 0 : crc32Fallback(data);
}

/** Reads the members of a zip archive held in memory. */
export class ZipReader {
  readonly entries: readonly ZipEntry[];
  private readonly byName = new Map<string, ZipEntry>();
  private readonly view: DataView;

  /** `where` names the archive in error messages (a file name, or "npz"). */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly where = "zip",
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.entries = this.readCentralDirectory();
    for (const e of this.entries) this.byName.set(e.name, e);
  }

  private fail(message: string): never {
    throw new StrataError(`${this.where}: ${message}`);
  }

  private u16(at: number): number {
    if (at + 2 > this.bytes.length) this.fail("truncated archive");
    return this.view.getUint16(at, true);
  }

  private u32(at: number): number {
    if (at + 4 > this.bytes.length) this.fail("truncated archive");
    return this.view.getUint32(at, true);
  }

  /** The end-of-central-directory record sits in the last 22 + (comment ≤ 65535) bytes. */
  private findEndOfCentralDirectory(): number {
    const last = this.bytes.length - EOCD_SIZE;
    const first = Math.max(0, last - MAX_COMMENT);
    for (let at = last; at >= first; at--) {
      if (this.view.getUint32(at, true) === EOCD_SIGNATURE) return at;
    }
    return this.fail("not a zip archive (no end-of-central-directory record found)");
  }

  private readCentralDirectory(): ZipEntry[] {
    if (this.bytes.length < EOCD_SIZE) this.fail(`not a zip archive (${this.bytes.length} bytes)`);
    const eocd = this.findEndOfCentralDirectory();
    if (this.u16(eocd + 4) !== 0 || this.u16(eocd + 6) !== 0) {
      this.fail("multi-disk zip archives are not supported");
    }
    const count = this.u16(eocd + 10);
    const offset = this.u32(eocd + 16);
    if (count === 0xffff || offset === 0xffffffff) this.fail("zip64 archives are not supported");
    const entries: ZipEntry[] = [];
    let at = offset;
    for (let i = 0; i < count; i++) {
      if (this.u32(at) !== CENTRAL_SIGNATURE) this.fail(`corrupt central directory (entry ${i})`);
      const flags = this.u16(at + 8);
      const nameLength = this.u16(at + 28);
      const extraLength = this.u16(at + 30);
      const commentLength = this.u16(at + 32);
      const nameBytes = this.bytes.subarray(at + 46, at + 46 + nameLength);
      // Bit 11: the name is UTF-8; otherwise it is CP437, which agrees with latin1 on ASCII names.
      const name = Buffer.from(nameBytes).toString(flags & 0x800 ? "utf8" : "latin1");
      if (flags & 0x1)
        this.fail(`member "${name}" is encrypted; encrypted archives are not supported`);
      const entry: ZipEntry = {
        name,
        method: this.u16(at + 10),
        crc32: this.u32(at + 16),
        compressedSize: this.u32(at + 20),
        size: this.u32(at + 24),
        localOffset: this.u32(at + 42),
      };
      if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff) {
        this.fail(`member "${name}" needs zip64, which is not supported`);
      }
      entries.push(entry);
      at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  }

  /** Member names in archive order. */
  names(): string[] {
    return this.entries.map((e) => e.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The uncompressed bytes of member `name`, CRC-checked. */
  read(name: string): Uint8Array {
    const entry = this.byName.get(name);
    if (!entry) {
      this.fail(
        `no member named "${name}"; the archive holds: ${this.names().join(", ") || "nothing"}`,
      );
    }
    const at = entry.localOffset;
    if (this.u32(at) !== LOCAL_SIGNATURE) this.fail(`corrupt local header for member "${name}"`);
    const start = at + 30 + this.u16(at + 26) + this.u16(at + 28);
    const end = start + entry.compressedSize;
    if (end > this.bytes.length) this.fail(`member "${name}" is truncated`);
    const raw = this.bytes.subarray(start, end);
    let data: Uint8Array;
    if (entry.method === 0) {
      data = raw;
    } else if (entry.method === 8) {
      try {
        // Never inflate past the size the directory gives: a corrupt or hostile member could
        // otherwise expand a thousandfold.
        data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
      } catch (err) {
        return this.fail(`member "${name}" could not be inflated: ${(err as Error).message}`);
      }
    } else {
      return this.fail(
        `member "${name}" uses compression method ${entry.method}; only stored (0) and deflated (8) are supported`,
      );
    }
    if (data.length !== entry.size) {
      this.fail(`member "${name}" has ${data.length} bytes; the directory says ${entry.size}`);
    }
    const crc = crc32(data);
    if (crc !== entry.crc32) {
      this.fail(
        `member "${name}" is corrupt: CRC-32 ${hex32(crc)} does not match ${hex32(entry.crc32)}`,
      );
    }
    return data;
  }
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, "0");
}
