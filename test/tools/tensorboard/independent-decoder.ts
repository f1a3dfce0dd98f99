/**
 * An event-file decoder for the tests, written from the specifications and sharing nothing with
 * src/tools/tensorboard: TFRecord framing with a bit-by-bit CRC-32C (no table), and a minimal
 * protobuf wire-format reader that knows the few field numbers of event.proto / summary.proto /
 * tensor.proto the tests look at.
 */

/** CRC-32C computed one bit at a time (the slow textbook form; src/ uses a table). */
export function crc32cBitwise(bytes: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}

/** TFRecord's masked CRC, with BigInt arithmetic: ((crc >> 15) | (crc << 17)) + 0xa282ead8. */
export function maskBig(crc: number): number {
  const c = BigInt(crc);
  const rotated = ((c >> 15n) | (c << 17n)) & 0xffffffffn;
  return Number((rotated + 0xa282ead8n) & 0xffffffffn);
}

/** Splits a TFRecord file into record payloads, checking both checksums of every record. */
export function splitRecords(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pos = 0;
  const u32 = (at: number) =>
    bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | ((bytes[at + 3]! << 24) >>> 0);
  while (pos < bytes.length) {
    let length = 0;
    for (let i = 7; i >= 0; i--) length = length * 256 + bytes[pos + i]!;
    if (u32(pos + 8) >>> 0 !== maskBig(crc32cBitwise(bytes.subarray(pos, pos + 8)))) {
      throw new Error(`bad length crc at ${pos}`);
    }
    const data = bytes.subarray(pos + 12, pos + 12 + length);
    if (data.length !== length) throw new Error(`truncated record at ${pos}`);
    if (u32(pos + 12 + length) >>> 0 !== maskBig(crc32cBitwise(data))) {
      throw new Error(`bad data crc at ${pos}`);
    }
    out.push(data);
    pos += 16 + length;
  }
  return out;
}

/** A protobuf field: number, wire type and raw value (bigint varint, bytes, or fixed bytes). */
export interface WireField {
  field: number;
  wire: number;
  varint?: bigint;
  bytes?: Uint8Array;
}

/** Parses one message's fields in order (wire types 0, 1, 2, 5). */
export function parseWire(bytes: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7n;
    }
  };
  while (pos < bytes.length) {
    const key = Number(varint());
    const field = key >> 3;
    const wire = key & 7;
    if (wire === 0) fields.push({ field, wire, varint: varint() });
    else if (wire === 1) fields.push({ field, wire, bytes: bytes.subarray(pos, (pos += 8)) });
    else if (wire === 5) fields.push({ field, wire, bytes: bytes.subarray(pos, (pos += 4)) });
    else if (wire === 2) {
      const n = Number(varint());
      fields.push({ field, wire, bytes: bytes.subarray(pos, (pos += n)) });
    } else throw new Error(`wire type ${wire} at ${pos}`);
  }
  return fields;
}

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b ?? new Uint8Array());
const f64 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
const one = (fs: WireField[], n: number) => fs.find((f) => f.field === n);
const all = (fs: WireField[], n: number) => fs.filter((f) => f.field === n);

/** The parts of a TensorProto the tests check. */
export interface PlainTensor {
  dtype: number;
  shape: number[];
  content: Uint8Array;
  strings: Uint8Array[];
}

/** One Summary.Value (tag, plugin name and content, tensor). */
export interface PlainValue {
  tag: string;
  plugin: string;
  pluginContent: string;
  tensor: PlainTensor | null;
}

/** An Event as the tests see it. */
export interface PlainEvent {
  wallTime: number;
  step: number;
  fileVersion: string | null;
  graphDef: Uint8Array | null;
  values: PlainValue[];
}

function parseTensor(bytes: Uint8Array): PlainTensor {
  const fs = parseWire(bytes);
  const shapeFields = parseWire(one(fs, 2)?.bytes ?? new Uint8Array());
  const shape = all(shapeFields, 2).map((d) => Number(one(parseWire(d.bytes!), 1)?.varint ?? 0n));
  return {
    dtype: Number(one(fs, 1)?.varint ?? 0n),
    shape,
    content: one(fs, 4)?.bytes ?? new Uint8Array(),
    strings: all(fs, 8).map((f) => f.bytes!),
  };
}

/** Decodes one Event record. */
export function parseEvent(bytes: Uint8Array): PlainEvent {
  const fs = parseWire(bytes);
  const wall = one(fs, 1);
  const summary = one(fs, 5);
  const values = summary
    ? all(parseWire(summary.bytes!), 1).map((v): PlainValue => {
        const vf = parseWire(v.bytes!);
        const meta = parseWire(one(vf, 9)?.bytes ?? new Uint8Array());
        const plugin = parseWire(one(meta, 1)?.bytes ?? new Uint8Array());
        const tensor = one(vf, 8);
        return {
          tag: text(one(vf, 1)?.bytes),
          plugin: text(one(plugin, 1)?.bytes),
          pluginContent: text(one(plugin, 2)?.bytes),
          tensor: tensor ? parseTensor(tensor.bytes!) : null,
        };
      })
    : [];
  const fileVersion = one(fs, 3);
  return {
    wallTime: wall ? f64(wall.bytes!) : 0,
    step: Number(BigInt.asIntN(64, one(fs, 2)?.varint ?? 0n)),
    fileVersion: fileVersion ? text(fileVersion.bytes) : null,
    graphDef: one(fs, 4)?.bytes ?? null,
    values,
  };
}

/** Little-endian float32 / float64 values of a tensor_content. */
export function floats(content: Uint8Array, width: 4 | 8): number[] {
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  const out: number[] = [];
  for (let at = 0; at < content.length; at += width) {
    out.push(width === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true));
  }
  return out;
}
