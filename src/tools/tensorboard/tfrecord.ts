/**
 * TFRecord framing, the container of TensorBoard event files. Each record is
 *
 *   uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes |
 *   data (length bytes)          | uint32 masked CRC-32C of the data
 *
 * `frameRecord` builds one record; `readRecords` walks a buffer from an offset and stops cleanly
 * at a record that is not complete yet (a file another process is still appending to), reporting
 * where the next read should start.
 */
import { ValueError } from "../../errors.js";
import { maskedCrc32c } from "./crc32c.js";

/** Bytes a record adds around its data: 8 (length) + 4 (length CRC) + 4 (data CRC). */
export const RECORD_OVERHEAD = 16;

/** One record: header, data, footer. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(RECORD_OVERHEAD + data.length);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** What `readRecords` found: the complete records and the offset just after the last of them. */
export interface RecordsRead {
  /** The data of each complete record, in order (views into the input buffer). */
  records: Uint8Array[];
  /** Where the next read starts: after the last complete record (= `buffer.length` if all were). */
  nextOffset: number;
}

/**
 * Reads the complete records of `buffer` starting at `offset`. A record cut short at the end of
 * the buffer ends the walk without error (it is still being written); a checksum that does not
 * match, or a length no real record has, raises a ValueError naming `source` and the offset.
 */
export function readRecords(buffer: Uint8Array, offset = 0, source = "buffer"): RecordsRead {
  const records: Uint8Array[] = [];
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  let pos = offset;
  while (buffer.length - pos >= 12) {
    const lengthCrc = view.getUint32(pos + 8, true);
    if (maskedCrc32c(buffer.subarray(pos, pos + 8)) !== lengthCrc) {
      throw new ValueError(
        `TFRecord ${source}: the length checksum of the record at byte ${pos} does not match ` +
          `(expected a TFRecord / TensorBoard event file, or the file is corrupt)`,
      );
    }
    const length = view.getBigUint64(pos, true);
    if (length > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new ValueError(`TFRecord ${source}: record at byte ${pos} claims ${length} bytes`);
    }
    const end = pos + 12 + Number(length) + 4;
    if (end > buffer.length) break; // Still being written.
    const data = buffer.subarray(pos + 12, end - 4);
    if (maskedCrc32c(data) !== view.getUint32(end - 4, true)) {
      throw new ValueError(
        `TFRecord ${source}: the data checksum of the record at byte ${pos} does not match ` +
          `(the file is corrupt)`,
      );
    }
    records.push(data);
    pos = end;
  }
  return { records, nextOffset: pos };
}
