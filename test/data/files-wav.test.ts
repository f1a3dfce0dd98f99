// The WAV reader and the resampler behind audioDatasetFromDirectory. References that share no
// code with them: test/fixtures/wav/ (files written by Python's `wave`, SciPy's `wavfile` and
// struct-packed chunks; expected.json from SciPy's reader and scipy.signal.resample as Keras's
// SciPy loader calls them: test/fixtures/make_wav_fixtures.py), headers laid out byte by byte
// below, a float64 DFT written as its sum, and sinusoids whose resampling is known exactly.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { StrataError } from "../../src/errors.js";
import { dft, resampleAudio, resampledLength } from "../../src/data/files/resample.js";
import { decodeWav } from "../../src/data/files/wav.js";

const DIR = fileURLToPath(new URL("../fixtures/wav/", import.meta.url));
interface Arr {
  v: number[];
  s: number[];
}
const expected = JSON.parse(readFileSync(`${DIR}expected.json`, "utf8")) as {
  decoded: Record<string, { rate: number; audio: Arr }>;
  resampled: {
    file: string;
    samplingRate: number;
    outputSequenceLength: number | null;
    audio: Arr;
  }[];
};

/** A RIFF/WAVE file from chunks, laid out by hand: id, little-endian size, body, pad byte. */
function riff(chunks: [string, Uint8Array][], magic = "RIFF"): Uint8Array {
  const parts: number[] = [];
  for (const [id, body] of chunks) {
    parts.push(...Buffer.from(id, "latin1"));
    parts.push(body.length & 255, (body.length >> 8) & 255, (body.length >> 16) & 255, 0);
    parts.push(...body);
    if (body.length % 2) parts.push(0);
  }
  const size = parts.length + 4;
  return Uint8Array.from([
    ...Buffer.from(magic, "latin1"),
    size & 255,
    (size >> 8) & 255,
    (size >> 16) & 255,
    0,
    ...Buffer.from("WAVE", "latin1"),
    ...parts,
  ]);
}
/** A 16-byte "fmt " body: format code, channels, rate, bytes/s, block align, bits. */
function fmt(code: number, channels: number, rate: number, bits: number, block?: number) {
  const b = Buffer.alloc(16);
  const align = block ?? (channels * bits) / 8;
  b.writeUInt16LE(code, 0);
  b.writeUInt16LE(channels, 2);
  b.writeUInt32LE(rate, 4);
  b.writeUInt32LE(rate * align, 8);
  b.writeUInt16LE(align, 12);
  b.writeUInt16LE(bits, 14);
  return new Uint8Array(b);
}
const int16s = (vs: number[]) => {
  const b = Buffer.alloc(2 * vs.length);
  vs.forEach((v, i) => b.writeInt16LE(v, 2 * i));
  return new Uint8Array(b);
};

describe("decodeWav", () => {
  for (const [name, ref] of Object.entries(expected.decoded)) {
    it(`reads ${name} as Keras's SciPy loader does (exactly)`, () => {
      const wav = decodeWav(readFileSync(`${DIR}formats/${name}`), name);
      assert.equal(wav.sampleRate, ref.rate);
      assert.deepEqual([wav.frames, wav.channels], ref.audio.s);
      assert.deepEqual(Array.from(wav.samples), ref.audio.v);
    });
  }

  it("scales 16-bit PCM by 1/32768 and keeps frames interleaved, from bytes laid out by hand", () => {
    const bytes = riff([
      ["fmt ", fmt(1, 2, 16000, 16)],
      ["data", int16s([-32768, 32767, 16384, -1, 0, 1])],
    ]);
    const wav = decodeWav(bytes, "hand.wav");
    assert.deepEqual(wav, {
      samples: Float32Array.from([-1, 32767 / 32768, 0.5, -1 / 32768, 0, 1 / 32768]),
      frames: 3,
      channels: 2,
      sampleRate: 16000,
    });
  });

  it("drops a partial frame at the end and reads an empty data chunk as 0 frames", () => {
    const odd = decodeWav(
      riff([
        ["fmt ", fmt(1, 2, 8000, 16)],
        ["data", int16s([100, 200, 300])],
      ]),
      "odd.wav",
    );
    assert.deepEqual([odd.frames, Array.from(odd.samples)], [1, [100 / 32768, 200 / 32768]]);
    const empty = decodeWav(
      riff([
        ["fmt ", fmt(1, 1, 8000, 16)],
        ["data", new Uint8Array()],
      ]),
      "e",
    );
    assert.deepEqual([empty.frames, empty.samples.length], [0, 0]);
  });

  const errors: [string, Uint8Array, RegExp][] = [
    ["a file too short for a header", new Uint8Array([82, 73, 70]), /3 bytes, too few/],
    [
      "a file that is not RIFF/WAVE",
      new Uint8Array(Buffer.from("ID3\x04 not a wav file")),
      /RIFF\/WAVE header/,
    ],
    ["a big-endian RIFX file", riff([["fmt ", fmt(1, 1, 8000, 16)]], "RIFX"), /RIFX file/],
    ["no fmt chunk", riff([["LIST", new Uint8Array(4)]]), /no "fmt " chunk/],
    [
      "data before fmt",
      riff([
        ["data", int16s([1])],
        ["fmt ", fmt(1, 1, 8000, 16)],
      ]),
      /before any "fmt "/,
    ],
    ["no data chunk", riff([["fmt ", fmt(1, 1, 8000, 16)]]), /no "data" chunk/],
    ["a short fmt chunk", riff([["fmt ", new Uint8Array(12)]]), /"fmt " chunk has 12 bytes/],
    [
      "A-law samples",
      riff([
        ["fmt ", fmt(6, 1, 8000, 8)],
        ["data", new Uint8Array(2)],
      ]),
      /format code 6, 8-bit/,
    ],
    [
      "12-bit PCM",
      riff([
        ["fmt ", fmt(1, 1, 8000, 12, 2)],
        ["data", new Uint8Array(2)],
      ]),
      /PCM, 12-bit/,
    ],
    [
      "16-bit float",
      riff([
        ["fmt ", fmt(3, 1, 8000, 16)],
        ["data", new Uint8Array(2)],
      ]),
      /IEEE float, 16-bit/,
    ],
    [
      "0 channels",
      riff([
        ["fmt ", fmt(1, 0, 8000, 16, 2)],
        ["data", new Uint8Array(2)],
      ]),
      /0 channels/,
    ],
    [
      "a wrong block size",
      riff([
        ["fmt ", fmt(1, 2, 8000, 16, 2)],
        ["data", new Uint8Array(4)],
      ]),
      /block size is 2 bytes, but 2 channel/,
    ],
  ];
  for (const [what, bytes, message] of errors) {
    it(`refuses ${what} with a StrataError naming the file`, () => {
      assert.throws(
        () => decodeWav(bytes, '"bad.wav"'),
        (e: unknown) =>
          e instanceof StrataError &&
          e.message.startsWith('Cannot decode WAV file "bad.wav": ') &&
          message.test(e.message),
      );
    });
  }

  it("refuses a data chunk cut short, saying how many bytes were declared and left", () => {
    const whole = riff([
      ["fmt ", fmt(1, 1, 8000, 16)],
      ["data", int16s([1, 2, 3, 4])],
    ]);
    assert.throws(
      () => decodeWav(whole.subarray(0, whole.length - 3), "cut.wav"),
      /cut\.wav: its "data" chunk is cut short \(8 bytes declared, 5 left\)/,
    );
  });
});

/** The DFT as its sum, in float64: Σ x[t]·e^{sign·2πi·kt/n}. */
function naiveDft(re: number[], im: number[], sign: number): [number[], number[]] {
  const n = re.length;
  const outR: number[] = [];
  const outI: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const a = (sign * 2 * Math.PI * ((k * t) % n)) / n;
      sr += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
      si += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
    }
    outR.push(sr);
    outI.push(si);
  }
  return [outR, outI];
}

describe("resampling", () => {
  it("dft matches the DFT's sum for power-of-two and other lengths, both directions", () => {
    for (const n of [1, 2, 3, 5, 8, 12, 17, 64, 100, 127]) {
      for (const sign of [-1, 1] as const) {
        const re = Array.from({ length: n }, (_, i) => Math.sin(i * 1.7 + n) * 3);
        const im = Array.from({ length: n }, (_, i) => Math.cos(i * 0.3 - n));
        const [wr, wi] = naiveDft(re, im, sign);
        const r = Float64Array.from(re);
        const i = Float64Array.from(im);
        dft(r, i, sign);
        for (let k = 0; k < n; k++) {
          assert.ok(Math.abs(r[k]! - wr[k]!) < 1e-9 * n, `n=${n} re[${k}]`);
          assert.ok(Math.abs(i[k]! - wi[k]!) < 1e-9 * n, `n=${n} im[${k}]`);
        }
      }
    }
  });

  it("computes scipy's length round(n·rateOut/rateIn) with Python's round (halves to even), at least 1", () => {
    assert.equal(resampledLength(101, 8000, 16000), 202);
    assert.equal(resampledLength(5, 8000, 4000), 2); // 2.5 → 2
    assert.equal(resampledLength(7, 8000, 4000), 4); // 3.5 → 4
    assert.equal(resampledLength(7, 8000, 1000), 1);
    assert.equal(resampledLength(1, 48000, 8000), 1);
  });

  for (const c of expected.resampled) {
    const label = `${c.file} at ${c.samplingRate} Hz${c.outputSequenceLength === null ? "" : `, length ${c.outputSequenceLength}`}`;
    it(`resamples ${label} as scipy.signal.resample (to float32 rounding)`, () => {
      const wav = decodeWav(readFileSync(`${DIR}formats/${c.file}`), c.file);
      let { samples, frames } = resampleAudio(
        wav.samples,
        wav.channels,
        wav.sampleRate,
        c.samplingRate,
      );
      if (c.outputSequenceLength !== null) {
        const out = new Float32Array(c.outputSequenceLength * wav.channels);
        out.set(samples.subarray(0, out.length));
        [samples, frames] = [out, c.outputSequenceLength];
      }
      assert.deepEqual([frames, wav.channels], c.audio.s);
      c.audio.v.forEach((v, i) =>
        assert.ok(Math.abs(samples[i]! - v) < 2e-6, `[${i}] ${samples[i]} vs ${v}`),
      );
    });
  }

  it("reproduces a band-limited sinusoid exactly at the new rate (long, non-power-of-two clips)", () => {
    // k whole cycles over the clip: the Fourier method samples the same sinusoid at the new rate.
    for (const [n, rateIn, rateOut, k] of [
      [4410, 44100, 16000, 37],
      [16000, 16000, 22050, 1234],
      [3001, 8000, 8001, 5],
    ] as const) {
      const x = Float32Array.from(
        { length: n },
        (_, t) => 0.5 * Math.sin((2 * Math.PI * k * t) / n + 0.3),
      );
      const { samples, frames } = resampleAudio(x, 1, rateIn, rateOut);
      assert.equal(frames, resampledLength(n, rateIn, rateOut));
      let worst = 0;
      for (let t = 0; t < frames; t++) {
        // x was rounded to float32: its spectrum is the sinusoid's plus noise of ~3e-8.
        const want = 0.5 * Math.sin((2 * Math.PI * k * t) / frames + 0.3);
        worst = Math.max(worst, Math.abs(samples[t]! - want));
      }
      assert.ok(worst < 1e-6, `n=${n} → ${frames}: worst error ${worst}`);
    }
  });

  it("leaves a clip at its own rate and an empty clip as they are", () => {
    const x = Float32Array.from([0.1, 0.2, 0.3]);
    assert.equal(resampleAudio(x, 1, 8000, 8000).samples, x);
    assert.deepEqual(resampleAudio(new Float32Array(0), 2, 8000, 16000).frames, 0);
  });
});
