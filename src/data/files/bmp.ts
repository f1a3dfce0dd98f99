/**
 * A small BMP decoder, because the libvips inside the prebuilt `sharp` reads no BMP, and no npm
 * package fits: `fast-bmp` (maintained) reads only BITMAPV5HEADER files, not the
 * BITMAPINFOHEADER files most tools (Pillow, Windows Paint) write, and `bmp-js` has not been
 * maintained since 2018. Keras reads BMP through Pillow, so its files must load here too.
 *
 * Read: the OS/2 core header and the Windows headers (40, 52, 56, 108, 124 bytes), top-down or
 * bottom-up rows, 1/4/8-bit palettes, 16-bit (5-5-5 or bit fields), 24-bit, 32-bit (BGRX, or bit
 * fields with an alpha mask: then RGBA, as Pillow). Not read, with an error that says so: RLE and
 * embedded JPEG/PNG compression.
 */
import { StrataError } from "../../errors.js";

export interface RawImage {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  /** Row-major pixels, channels interleaved, 8 bits each. */
  data: Uint8Array;
}

/** Whether `bytes` start as a BMP file. */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** Bits of a mask: its shift and width, to scale a masked value to 8 bits. */
function maskInfo(mask: number): { shift: number; bits: number } {
  if (mask === 0) return { shift: 0, bits: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (((mask >>> (shift + bits)) & 1) === 1) bits++;
  return { shift, bits };
}

function scaled(v: number, m: { shift: number; bits: number }): number {
  if (m.bits === 0) return 0;
  const x = (v >>> m.shift) & ((1 << m.bits) - 1);
  return m.bits >= 8 ? x >>> (m.bits - 8) : Math.round((x * 255) / ((1 << m.bits) - 1));
}

/** Decodes a BMP file into RGB or RGBA pixels; `where` names the file in errors. */
export function decodeBmp(bytes: Uint8Array, where: string): RawImage {
  const bad = (why: string): StrataError =>
    new StrataError(`Could not decode the BMP image ${where}: ${why}`);
  if (!isBmp(bytes) || bytes.length < 26) throw bad("not a BMP file (too short or no 'BM')");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = dv.getUint32(10, true);
  const headerSize = dv.getUint32(14, true);
  let width: number;
  let height: number;
  let bpp: number;
  let compression = 0;
  let colorsUsed = 0;
  if (headerSize === 12) {
    width = dv.getUint16(18, true);
    height = dv.getInt16(20, true);
    bpp = dv.getUint16(24, true);
  } else if ([40, 52, 56, 64, 108, 124].includes(headerSize) && bytes.length >= 54) {
    width = dv.getInt32(18, true);
    height = dv.getInt32(22, true);
    bpp = dv.getUint16(28, true);
    compression = dv.getUint32(30, true);
    colorsUsed = dv.getUint32(46, true);
  } else {
    throw bad(`unknown header size ${headerSize}`);
  }
  const topDown = height < 0;
  height = Math.abs(height);
  if (width <= 0 || height === 0) throw bad(`invalid size ${width}x${height}`);
  // 3 = BI_BITFIELDS, 6 = BI_ALPHABITFIELDS; 1, 2 = RLE; 4, 5 = JPEG / PNG inside.
  if (compression !== 0 && compression !== 3 && compression !== 6)
    throw bad(`compression ${compression} (RLE or embedded JPEG/PNG) is not supported`);
  let masks: number[] | null = null;
  let paletteAt = 14 + headerSize;
  if (compression === 3 || compression === 6) {
    const n = compression === 6 || headerSize >= 56 ? 4 : 3;
    if (bytes.length < 54 + 4 * n) throw bad("truncated bit field masks");
    masks = Array.from({ length: n }, (_, i) => dv.getUint32(54 + 4 * i, true));
    if (headerSize === 40) paletteAt += 4 * n;
  } else if (bpp === 16) {
    masks = [0x7c00, 0x03e0, 0x001f];
  }
  const hasAlpha = masks !== null && masks.length === 4 && masks[3] !== 0 && bpp === 32;
  const channels = hasAlpha ? 4 : 3;
  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const entry = headerSize === 12 ? 3 : 4;
    const count = colorsUsed || 1 << bpp;
    if (paletteAt + count * entry > bytes.length) throw bad("truncated palette");
    palette = new Uint8Array(count * 3);
    for (let i = 0; i < count; i++) {
      palette[i * 3] = bytes[paletteAt + i * entry + 2]!;
      palette[i * 3 + 1] = bytes[paletteAt + i * entry + 1]!;
      palette[i * 3 + 2] = bytes[paletteAt + i * entry]!;
    }
  } else if (![16, 24, 32].includes(bpp)) {
    throw bad(`${bpp} bits per pixel is not supported`);
  }
  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (dataOffset + stride * height > bytes.length) throw bad("truncated pixel data");
  const out = new Uint8Array(width * height * channels);
  const m = masks?.map(maskInfo);
  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      if (palette !== null) {
        const bit = x * bpp;
        const byte = bytes[row + (bit >> 3)]!;
        const idx = (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        if (idx * 3 >= palette.length) throw bad(`palette index ${idx} out of range`);
        out[o] = palette[idx * 3]!;
        out[o + 1] = palette[idx * 3 + 1]!;
        out[o + 2] = palette[idx * 3 + 2]!;
      } else if (m !== undefined) {
        const v = bpp === 16 ? dv.getUint16(row + x * 2, true) : dv.getUint32(row + x * 4, true);
        for (let c = 0; c < channels; c++) out[o + c] = scaled(v, m[c]!);
      } else {
        const p = row + x * (bpp >> 3);
        out[o] = bytes[p + 2]!;
        out[o + 1] = bytes[p + 1]!;
        out[o + 2] = bytes[p]!;
      }
    }
  }
  return { width, height, channels, data: out };
}
