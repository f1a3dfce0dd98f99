/**
 * Writes a zip archive of stored (uncompressed) members, as Keras writes `.keras` files (its
 * zipfile uses ZIP_STORED, so weights are read back without inflating). Every member gets the
 * fixed DOS timestamp 1980-01-01 00:00, so the same members give the same bytes. Archives past
 * zip's 4 GiB / 65535-member limits would need zip64, which `ZipReader` does not read either:
 * they are refused.
 */
import { StrataError } from "../errors.js";
import { crc32 } from "./zip.js";

const LOCAL_SIGNATURE = 0x04034b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const EOCD_SIGNATURE = 0x06054b50;
const VERSION = 20; // 2.0: what stored members and UTF-8 names need
const DOS_DATE_1980 = (0 << 9) | (1 << 5) | 1; // year 1980 + 0, January, day 1
const UTF8_FLAG = 0x800;

/** The bytes of a zip archive holding `members` (name → bytes), stored, in the order given. */
export function encodeZip(members: readonly (readonly [string, Uint8Array])[]): Uint8Array {
  if (members.length > 0xffff) {
    throw new StrataError(
      `zip writer: at most 65535 members are supported; received ${members.length}`,
    );
  }
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const [name, data] of members) {
    const nameBytes = Buffer.from(name, "utf8");
    const flags = /^[\x20-\x7e]*$/.test(name) ? 0 : UTF8_FLAG;
    const crc = crc32(data);
    const local = header(30, nameBytes);
    const l = new DataView(local.buffer);
    l.setUint32(0, LOCAL_SIGNATURE, true);
    l.setUint16(4, VERSION, true);
    l.setUint16(6, flags, true);
    // +8 method 0 (stored), +10 time 00:00
    l.setUint16(12, DOS_DATE_1980, true);
    l.setUint32(14, crc, true);
    l.setUint32(18, data.length, true);
    l.setUint32(22, data.length, true);
    l.setUint16(26, nameBytes.length, true);
    const entry = header(46, nameBytes);
    const c = new DataView(entry.buffer);
    c.setUint32(0, CENTRAL_SIGNATURE, true);
    c.setUint16(4, VERSION, true); // made by (MS-DOS attributes)
    c.setUint16(6, VERSION, true); // needed to extract
    c.setUint16(8, flags, true);
    c.setUint16(14, DOS_DATE_1980, true);
    c.setUint32(16, crc, true);
    c.setUint32(20, data.length, true);
    c.setUint32(24, data.length, true);
    c.setUint16(28, nameBytes.length, true);
    c.setUint32(42, offset, true);
    parts.push(local, data);
    central.push(entry);
    offset += local.length + data.length;
    if (offset > 0xffffffff) {
      throw new StrataError(
        `zip writer: member "${name}" ends past 4 GiB; archives that large need zip64, which is not supported`,
      );
    }
  }
  const centralSize = central.reduce((n, e) => n + e.length, 0);
  const eocd = new Uint8Array(22);
  const e = new DataView(eocd.buffer);
  e.setUint32(0, EOCD_SIGNATURE, true);
  e.setUint16(8, members.length, true);
  e.setUint16(10, members.length, true);
  e.setUint32(12, centralSize, true);
  e.setUint32(16, offset, true);
  return Buffer.concat([...parts, ...central, eocd]);
}

/** A zeroed header of `size` fixed bytes followed by the name. */
function header(size: number, name: Uint8Array): Uint8Array {
  const out = new Uint8Array(size + name.length);
  out.set(name, size);
  return out;
}
