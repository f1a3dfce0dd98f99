/**
 * A growing little-endian byte buffer for the HDF5 writer. Structures are appended (`alloc`
 * returns where each starts, 8-byte aligned as libhdf5 lays out its own) and then filled in
 * place, so a structure may be written once the addresses it points to are known.
 */
export const UNDEFINED = -1; // written as eight 0xFF bytes: HDF5's "undefined address"

export class ByteSink {
  private buf = new Uint8Array(4096);
  private view = new DataView(this.buf.buffer);
  /** Bytes used so far: the end of the file. */
  end = 0;

  /** Reserves `size` zeroed bytes at the next 8-byte boundary; returns their offset. */
  alloc(size: number): number {
    const at = Math.ceil(this.end / 8) * 8;
    this.ensure(at + size);
    this.end = at + size;
    return at;
  }

  private ensure(size: number): void {
    if (size <= this.buf.length) return;
    let cap = this.buf.length;
    while (cap < size) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.end));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(at: number, v: number): void {
    this.view.setUint8(at, v);
  }

  u16(at: number, v: number): void {
    this.view.setUint16(at, v, true);
  }

  u32(at: number, v: number): void {
    this.view.setUint32(at, v, true);
  }

  /** An 8-byte offset or length; UNDEFINED writes all ones. */
  u64(at: number, v: number): void {
    if (v === UNDEFINED) {
      this.view.setBigUint64(at, 0xffffffffffffffffn, true);
      return;
    }
    this.view.setBigUint64(at, BigInt(v), true);
  }

  ascii(at: number, s: string): void {
    for (let i = 0; i < s.length; i++) this.buf[at + i] = s.charCodeAt(i);
  }

  bytes(at: number, data: Uint8Array): void {
    this.buf.set(data, at);
  }

  /** The file: a copy of the used bytes. */
  result(): Uint8Array {
    return this.buf.slice(0, this.end);
  }
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The little-endian bytes of a typed array (a view on little-endian hosts, a copy otherwise). */
export function littleEndianBytes(
  data: ArrayBufferView & { BYTES_PER_ELEMENT: number },
): Uint8Array {
  const raw = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN_HOST) return raw;
  const out = new Uint8Array(raw.length);
  const width = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < raw.length; i += width) {
    for (let j = 0; j < width; j++) out[i + j] = raw[i + width - 1 - j]!;
  }
  return out;
}
