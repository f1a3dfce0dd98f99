/**
 * A small tar reader (ustar, GNU and pax variants) for archives held in memory, such as the
 * decompressed `cifar-10-python.tar.gz`. A tar file is a sequence of 512-byte headers, each
 * followed by its file's bytes padded to 512; two zero blocks end it. Only regular files are
 * returned; directories, links and other entries are skipped. GNU long names (`L`) and pax `path`
 * records (`x`) apply to the entry that follows them. Header checksums are verified.
 */
import { StrataError } from "../errors.js";

export interface TarEntry {
  name: string;
  data: Uint8Array;
}

const BLOCK = 512;

function text(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return Buffer.from(end < 0 ? bytes : bytes.subarray(0, end)).toString("utf8");
}

/** A numeric header field: octal text, or base-256 when the high bit of the first byte is set. */
function number(field: Uint8Array): number {
  if (field[0]! & 0x80) {
    let v = field[0]! & 0x7f;
    for (let i = 1; i < field.length; i++) v = v * 256 + field[i]!;
    return v;
  }
  const t = text(field).trim();
  return t === "" ? 0 : Number.parseInt(t, 8);
}

/** The pax extended header records `"<len> key=value\n"`. */
function paxRecords(data: Uint8Array): Map<string, string> {
  const out = new Map<string, string>();
  const s = Buffer.from(data).toString("utf8");
  let at = 0;
  while (at < s.length) {
    const space = s.indexOf(" ", at);
    if (space < 0) break;
    const len = Number(s.slice(at, space));
    if (!Number.isInteger(len) || len <= 0) break;
    const record = s.slice(space + 1, at + len - 1);
    const eq = record.indexOf("=");
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    at += len;
  }
  return out;
}

/** The regular files in `bytes` (an uncompressed tar archive), in archive order. */
export function readTar(bytes: Uint8Array, where = "tar"): TarEntry[] {
  const entries: TarEntry[] = [];
  let longName: string | undefined;
  let at = 0;
  while (at + BLOCK <= bytes.length) {
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((b) => b === 0)) break;
    // The checksum is the byte sum of the header with its own field read as spaces.
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
    const stored = number(header.subarray(148, 156));
    if (stored !== sum) {
      throw new StrataError(`${where}: corrupt tar header at byte ${at} (checksum mismatch)`);
    }
    const size = number(header.subarray(124, 136));
    if (!Number.isSafeInteger(size) || size < 0) {
      throw new StrataError(`${where}: corrupt tar header at byte ${at} (bad size field)`);
    }
    const type = String.fromCharCode(header[156]!);
    const start = at + BLOCK;
    if (start + size > bytes.length) {
      throw new StrataError(`${where}: truncated tar archive (an entry runs past the end)`);
    }
    const data = bytes.subarray(start, start + size);
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "L") {
      longName = text(data);
      continue;
    }
    if (type === "x") {
      longName = paxRecords(data).get("path") ?? longName;
      continue;
    }
    if (type === "g") continue;
    let name = text(header.subarray(0, 100));
    const magic = text(header.subarray(257, 263));
    const prefix = magic.startsWith("ustar") ? text(header.subarray(345, 500)) : "";
    if (prefix) name = `${prefix}/${name}`;
    if (longName !== undefined) {
      name = longName;
      longName = undefined;
    }
    if (type === "0" || type === "\0" || type === "7") entries.push({ name, data });
  }
  if (at < bytes.length && at + BLOCK > bytes.length) {
    throw new StrataError(`${where}: truncated tar archive (a partial header at byte ${at})`);
  }
  return entries;
}
