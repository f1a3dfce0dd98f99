/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) and TFRecord's "masked" form of it.
 *
 * TFRecord files (TensorBoard's event files) guard each record's length and data with a masked
 * CRC-32C. Node's zlib offers only CRC-32 (the IEEE polynomial, a different checksum), and the
 * npm packages for CRC-32C are either native addons or unmaintained; the table-driven loop is a
 * dozen lines, so it is written here. One 256-entry table, one byte per step: event files are
 * small (kilobytes per epoch), so the slicing-by-8 speedups are not worth their size.
 */

const POLYNOMIAL = 0x82f63b78;

const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLYNOMIAL : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** The CRC-32C of `bytes` (an unsigned 32-bit integer). CRC-32C("123456789") = 0xE3069283. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's mask: rotate right by 15 bits and add 0xA282EAD8 (mod 2^32), as TensorFlow does. */
export function maskCrc(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** The masked CRC-32C of `bytes`, the checksum TFRecord framing stores. */
export function maskedCrc32c(bytes: Uint8Array): number {
  return maskCrc(crc32c(bytes));
}
