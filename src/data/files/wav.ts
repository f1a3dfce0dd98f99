/**
 * A RIFF/WAVE reader for `audioDatasetFromDirectory`: the bytes of a .wav file → float32 samples
 * [frames, channels] in [-1, 1] and the sampling rate. Our own, because no maintained decoding
 * library is installed (sharp does images only) and WAV is a fixed little-endian header around
 * raw samples: chunks "RIFF" size "WAVE", then "fmt " (format, channels, rate, block size, bits)
 * and "data", with any other chunk skipped (each padded to an even size, as RIFF says).
 *
 * 16-bit PCM scales as TF's `tf.audio.decode_wav` (v / 32768), the only format that op reads;
 * the other formats Keras reads through its second loader (`format="grain"`, SciPy's `wavfile`)
 * scale as that loader does: unsigned 8-bit (v − 128) / 128, 24-bit v / 2²³, 32-bit v / 2³¹,
 * IEEE float 32-bit as stored and 64-bit rounded to float32. WAVE_FORMAT_EXTENSIBLE headers
 * (format 0xFFFE) are read by their sub-format. Anything else — A-law, μ-law, ADPCM, big-endian
 * RIFX, RF64, other bit depths — and every truncated or inconsistent header is a StrataError
 * naming the file.
 */
import { StrataError } from "../../errors.js";

/** A decoded WAV file: interleaved samples, i.e. row-major [frames, channels]. */
export interface WavAudio {
  samples: Float32Array;
  frames: number;
  channels: number;
  sampleRate: number;
}

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/** The chunk's four-character id, or null past the end. */
function fourCC(bytes: Uint8Array, at: number): string | null {
  if (at + 4 > bytes.length) return null;
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

/** The format chunk's fields that decoding needs. */
interface Format {
  code: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bits: number;
}

function readFormat(view: DataView, at: number, size: number, fail: (m: string) => never): Format {
  if (size < 16) fail(`its "fmt " chunk has ${size} bytes (at least 16 expected)`);
  let code = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bits = view.getUint16(at + 14, true);
  if (code === EXTENSIBLE) {
    // cbSize (2), valid bits (2), channel mask (4), then the sub-format GUID whose first two
    // bytes are the format code.
    if (size < 40) fail(`its extensible "fmt " chunk has ${size} bytes (40 expected)`);
    code = view.getUint16(at + 24, true);
  }
  if (channels < 1) fail("its header says it has 0 channels");
  const supported =
    (code === PCM && [8, 16, 24, 32].includes(bits)) ||
    (code === IEEE_FLOAT && [32, 64].includes(bits));
  if (!supported) {
    const kind = code === PCM ? "PCM" : code === IEEE_FLOAT ? "IEEE float" : `format code ${code}`;
    fail(
      `its samples are ${kind}, ${bits}-bit; supported: 8, 16, 24 or 32-bit PCM and 32 or ` +
        "64-bit IEEE float",
    );
  }
  if (blockAlign !== (channels * bits) / 8)
    fail(
      `its header's block size is ${blockAlign} bytes, but ${channels} channel(s) of ` +
        `${bits}-bit samples take ${(channels * bits) / 8}`,
    );
  return { code, channels, sampleRate, blockAlign, bits };
}

/** Sample i (counted over all channels) of the data at `at`, scaled to float. */
function sampleReader(view: DataView, at: number, f: Format): (i: number) => number {
  if (f.code === IEEE_FLOAT)
    return f.bits === 32
      ? (i) => view.getFloat32(at + 4 * i, true)
      : (i) => view.getFloat64(at + 8 * i, true);
  switch (f.bits) {
    case 8:
      return (i) => (view.getUint8(at + i) - 128) / 128;
    case 16:
      return (i) => view.getInt16(at + 2 * i, true) / 32768;
    case 24:
      return (i) => {
        const p = at + 3 * i;
        // The low two bytes unsigned, the high byte signed: a 24-bit two's-complement value.
        return (view.getUint16(p, true) + view.getInt8(p + 2) * 65536) / 8388608;
      };
    default:
      return (i) => view.getInt32(at + 4 * i, true) / 2147483648;
  }
}

/** Decodes a WAV file's bytes; `file` names it in errors. */
export function decodeWav(bytes: Uint8Array, file: string): WavAudio {
  const fail = (why: string): never => {
    throw new StrataError(`Cannot decode WAV file ${file}: ${why}`);
  };
  const riff = fourCC(bytes, 0);
  if (riff !== "RIFF" || fourCC(bytes, 8) !== "WAVE") {
    if (riff === "RIFX" || riff === "RF64")
      fail(`it is a ${riff} file (only little-endian RIFF/WAVE is supported)`);
    fail(
      bytes.length < 12
        ? `it has ${bytes.length} bytes, too few for a RIFF/WAVE header (12)`
        : 'it does not start with a RIFF/WAVE header ("RIFF", size, "WAVE")',
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: Format | null = null;
  let at = 12;
  while (at + 8 <= bytes.length) {
    const id = fourCC(bytes, at)!;
    const size = view.getUint32(at + 4, true);
    const body = at + 8;
    if (id === "fmt ") {
      if (body + size > bytes.length)
        fail(`its "fmt " chunk is cut short (${size} bytes declared, ${bytes.length - body} left)`);
      format = readFormat(view, body, size, fail);
    } else if (id === "data") {
      if (format === null) fail('its "data" chunk comes before any "fmt " chunk');
      const f = format!;
      if (body + size > bytes.length)
        fail(`its "data" chunk is cut short (${size} bytes declared, ${bytes.length - body} left)`);
      // A partial frame at the end is dropped, as decode_wav does.
      const frames = Math.floor(size / f.blockAlign);
      const n = frames * f.channels;
      const read = sampleReader(view, body, f);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = read(i);
      return { samples, frames, channels: f.channels, sampleRate: f.sampleRate };
    }
    at = body + size + (size % 2);
  }
  return fail(format === null ? 'it has no "fmt " chunk' : 'it has no "data" chunk');
}
