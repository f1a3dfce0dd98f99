/**
 * Keras's MelSpectrogram against NumPy (test/fixtures/ops/audio.json, written by
 * test/fixtures/make_audio_fixtures.py: reflect padding, scipy's periodic window, np.fft.rfft and
 * the HTK filterbank written out as loops), plus Keras's documented shapes, config and gradients.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { linearToMelWeightMatrix } from "../../src/layers/preprocessing/audio/mel-spectrogram.js";
import { assertClose } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";
import { kerasRoundTrip } from "./keras-roundtrip.js";

interface Enc {
  v: number[];
  s: number[];
}
const fixtures = JSON.parse(
  readFileSync(new URL("../fixtures/ops/audio.json", import.meta.url), "utf8"),
) as {
  melSpectrograms: { args: Record<string, unknown>; x: Enc; out: Enc }[];
  melMatrices: { args: [number, number, number, number, number]; out: Enc }[];
};
const t64 = (e: Enc) => st.tensor(Float64Array.from(e.v), e.s);
const camel = (a: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(a).map(([k, v]) => [
      k === "window_name" ? "window" : k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      v,
    ]),
  );

describe("layers.MelSpectrogram", () => {
  it("builds the HTK mel filterbank", () => {
    for (const c of fixtures.melMatrices) {
      const [mels, bins] = c.args;
      assertClose(st.tensor(linearToMelWeightMatrix(...c.args), [bins, mels]), t64(c.out), {
        atol: 1e-12,
        rtol: 1e-10,
      });
    }
  });

  it("computes NumPy's mel spectrogram, batched and unbatched, in float64 and float32", () => {
    for (const c of fixtures.melSpectrograms) {
      const args = camel(c.args);
      const l64 = new st.layers.MelSpectrogram({ ...args, dtype: "float64" });
      const out = l64.apply(t64(c.x));
      assert.equal(out.dtype, "float64");
      assertClose(out, t64(c.out), { atol: 1e-8, rtol: 1e-8 });
      assert.deepEqual(l64.computeOutputShape(c.x.s), c.out.s);
      const l32 = new st.layers.MelSpectrogram(args);
      const out32 = l32.apply(st.ops.cast(t64(c.x), "float32"));
      assert.equal(out32.dtype, "float32");
      assertClose(out32, t64(c.out), { atol: 2e-3, rtol: 1e-4 });
    }
  });

  it("gives Keras's documented shapes", () => {
    const a = new st.layers.MelSpectrogram({
      numMelBins: 64,
      samplingRate: 8000,
      sequenceStride: 256,
      fftLength: 2048,
    });
    assert.deepEqual(a.apply(st.random.uniform([16000], { seed: 1 })).shape, [64, 63]);
    const b = new st.layers.MelSpectrogram({
      numMelBins: 80,
      samplingRate: 8000,
      sequenceStride: 128,
      fftLength: 2048,
    });
    // Keras's docstring prints 125, but its compute_output_shape and its stft give 1 + 16000 / 128
    assert.deepEqual(b.computeOutputShape([2, 16000]), [2, 80, 126]);
    assert.deepEqual(b.apply(st.zeros([2, 16000])).shape, [2, 80, 126]);
    assert.deepEqual(b.computeOutputShape([null, null]), [null, 80, null]);
  });

  it("has Keras's config, checks and a gradient", () => {
    const layer = new st.layers.MelSpectrogram({ samplingRate: 22050 });
    const config = layer.getConfig();
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(config).filter(([k]) => !["name", "trainable", "dtype"].includes(k)),
      ),
      {
        fft_length: 2048,
        sequence_stride: 512,
        sequence_length: 2048,
        window: "hann",
        sampling_rate: 22050,
        num_mel_bins: 128,
        min_freq: 20,
        max_freq: 11025,
        power_to_db: true,
        top_db: 80,
        mag_exp: 2,
        min_power: 1e-10,
        ref_power: 1,
      },
    );
    assert.throws(
      () => new st.layers.MelSpectrogram({ fftLength: 16, sequenceLength: 32 }),
      /sequenceLength=32/,
    );
    runLayerTest(
      (dtype) =>
        new st.layers.MelSpectrogram({
          fftLength: 8,
          sequenceStride: 4,
          samplingRate: 800,
          numMelBins: 3,
          minFreq: 50,
          powerToDb: false,
          dtype,
        }),
      { inputShape: [2, 12], expectedOutputShape: [2, 3, 4], expectedNumTrainableWeights: 0 },
    );
  });
  it("saves to .keras and loads back", async () => {
    const layer = new st.layers.MelSpectrogram({
      fftLength: 32,
      sequenceStride: 8,
      samplingRate: 4000,
      numMelBins: 6,
      window: "hamming",
      topDb: 40,
    });
    await kerasRoundTrip(layer, st.random.uniform([2, 64], { seed: 6, minval: -1, maxval: 1 }));
  });
});
