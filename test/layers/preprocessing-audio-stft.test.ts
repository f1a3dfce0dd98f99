/**
 * Keras's STFT initializer and STFTSpectrogram layer against NumPy (test/fixtures/ops/audio.json,
 * written by test/fixtures/make_audio_fixtures.py from np.fft.rfft of windowed frames), plus
 * Keras's documented shapes, argument checks, config and gradients.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
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
  stftKernels: {
    side: "real" | "imag";
    window: string | number[] | null;
    scaling: "density" | "spectrum" | null;
    periodic: boolean;
    shape: number[];
    out: Enc;
  }[];
  stftSpectrograms: { args: Record<string, unknown>; x: Enc; out: Enc }[];
};
const t64 = (e: Enc) => st.tensor(Float64Array.from(e.v), e.s);

describe("initializers.STFT", () => {
  it("fills the windowed DFT kernels NumPy's rfft gives", () => {
    for (const c of fixtures.stftKernels) {
      const init = new st.initializers.STFT({
        side: c.side,
        window: c.window,
        scaling: c.scaling,
        periodic: c.periodic,
      });
      assertClose(init.apply(c.shape, "float64"), t64(c.out), { atol: 1e-12, rtol: 1e-10 });
      assertClose(init.apply(c.shape), t64(c.out), { atol: 1e-6, rtol: 1e-5 });
    }
  });

  it("has Keras's defaults, config, names and aliases", () => {
    const init = new st.initializers.STFT();
    assert.deepEqual(init.getConfig(), {
      side: "real",
      window: "hann",
      periodic: false,
      scaling: "density",
    });
    assert.equal(st.initializers.STFTInitializer, st.initializers.STFT);
    assert.ok(st.initializers.stft({ side: "imag" }) instanceof st.initializers.STFT);
    for (const id of ["stft", "STFT", "STFTInitializer"])
      assert.ok(st.initializers.get(id) instanceof st.initializers.STFT, id);
    const back = st.initializers.deserialize({
      class_name: "STFTInitializer",
      config: { side: "imag", window: "hamming", periodic: true, scaling: "spectrum" },
    });
    assert.deepEqual(back.getConfig(), {
      side: "imag",
      window: "hamming",
      periodic: true,
      scaling: "spectrum",
    });
    assert.equal(st.initializers.serialize(init).class_name, "STFT");
  });

  it("refuses what Keras refuses", () => {
    assert.throws(() => new st.initializers.STFT({ side: "both" as never }), st.ValueError);
    assert.throws(() => new st.initializers.STFT({ scaling: "l2" as never }), st.ValueError);
    assert.throws(() => new st.initializers.STFT({ window: "nowindow" }), /unknown window/);
    assert.throws(
      () => new st.initializers.STFT({ window: [1, 2] }).apply([3, 1, 3]),
      /frameLength=3/,
    );
  });
});

describe("layers.STFTSpectrogram", () => {
  const camel = (a: Record<string, unknown>) => {
    const { window_name, ...rest } = a;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rest))
      out[k.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())] = v;
    if (window_name !== undefined) out.window = window_name;
    return out;
  };

  it("computes every mode and layout as NumPy's rfft of the frames", () => {
    for (const c of fixtures.stftSpectrograms) {
      const args = camel(c.args);
      const layer = new st.layers.STFTSpectrogram({ ...args, dtype: "float64" });
      const out = layer.apply(t64(c.x));
      if (c.args.mode === "angle") {
        // at the Nyquist bin the imaginary part is ±rounding, so the phase is ±π: compare on the circle
        for (const f of [st.ops.cos, st.ops.sin])
          assertClose(f(out), f(t64(c.out)), { atol: 1e-9, rtol: 1e-8 });
        continue;
      }
      assertClose(out, t64(c.out), { atol: 1e-9, rtol: 1e-8 });
      assert.deepEqual(
        layer.computeOutputShape(c.x.s),
        c.out.s,
        `output shape for ${JSON.stringify(c.args)}`,
      );
      // float32 too, as Keras runs it
      const l32 = new st.layers.STFTSpectrogram(args);
      assertClose(l32.apply(st.ops.cast(t64(c.x), "float32")), t64(c.out), {
        atol: 2e-4,
        rtol: 2e-4,
      });
    }
  });

  it("gives Keras's documented shapes", () => {
    const a = new st.layers.STFTSpectrogram({
      mode: "log",
      frameLength: 256,
      frameStep: 128,
      fftLength: 512,
      padding: "valid",
      trainable: false,
    });
    assert.deepEqual(a.computeOutputShape([3, 160000, 1]), [3, 1249, 257]);
    const b = new st.layers.STFTSpectrogram({
      frameLength: 256,
      frameStep: 128,
      fftLength: 512,
      window: "hamming",
      padding: "same",
    });
    assert.deepEqual(b.computeOutputShape([3, 160000, 2]), [3, 1250, 514]);
    const c = new st.layers.STFTSpectrogram({
      frameLength: 256,
      frameStep: 128,
      fftLength: 512,
      padding: "same",
      expandDims: true,
    });
    assert.deepEqual(c.computeOutputShape([3, 160000, 3]), [3, 1250, 257, 3]);
    assert.deepEqual(c.apply(st.random.uniform([1, 1000, 3], { seed: 1 })).shape, [1, 8, 257, 3]);
  });

  it("runs Keras's layer lifecycle with gradients through the kernels", () => {
    runLayerTest(
      (dtype) =>
        new st.layers.STFTSpectrogram({ mode: "magnitude", frameLength: 4, frameStep: 2, dtype }),
      {
        inputShape: [2, 9, 2],
        expectedOutputShape: [2, 3, 6],
        expectedNumTrainableWeights: 2,
        expectedWeightShapes: [
          [4, 1, 3],
          [4, 1, 3],
        ],
      },
    );
    runLayerTest(
      (dtype) =>
        new st.layers.STFTSpectrogram({
          mode: "stft",
          frameLength: 3,
          fftLength: 4,
          frameStep: 2,
          padding: "same",
          dataFormat: "channels_first",
          expandDims: true,
          dtype,
        }),
      { inputShape: [2, 2, 7], expectedOutputShape: [2, 2, 4, 6] },
    );
    const real = new st.layers.STFTSpectrogram({ mode: "real", frameLength: 4 });
    real.apply(st.zeros([1, 8, 1]));
    assert.deepEqual(
      real.weights.map((w) => w.name),
      [`${real.name}/real_kernel`],
    );
  });

  it("has Keras's config and refuses what Keras refuses", () => {
    const layer = new st.layers.STFTSpectrogram({ name: "spec" });
    const config = layer.getConfig();
    assert.equal(config.trainable, true);
    const rest = Object.fromEntries(
      Object.entries(config).filter(([k]) => !["name", "trainable", "dtype"].includes(k)),
    );
    assert.deepEqual(rest, {
      mode: "log",
      frame_length: 256,
      frame_step: null,
      fft_length: null,
      window: "hann",
      periodic: false,
      scaling: "density",
      padding: "valid",
      data_format: "channels_last",
      expand_dims: false,
    });
    const S = st.layers.STFTSpectrogram;
    assert.throws(() => new S({ frameLength: 8, frameStep: 9 }), /frameStep/);
    assert.throws(() => new S({ frameLength: 8, frameStep: 0 }), /frameStep/);
    assert.throws(() => new S({ frameLength: 8, fftLength: 4 }), /fftLength/);
    assert.throws(() => new S({ mode: "power" as never }), /mode/);
    // Keras warns (and goes on) when fftLength is not a power of two
    const warned: string[] = [];
    const warn = console.warn;
    console.warn = (msg: string) => void warned.push(msg);
    try {
      new S({ frameLength: 8, fftLength: 12 });
      new S({ frameLength: 8, fftLength: 16 });
    } finally {
      console.warn = warn;
    }
    assert.equal(warned.length, 1);
    assert.match(warned[0]!, /power of two; received fftLength=12/);
    assert.throws(() => new S({ scaling: "l1" as never }), /scaling/);
    assert.throws(() => new S({ padding: "causal" as never }), /padding/);
    assert.throws(() => new S({ window: "kaiserish" }), /unknown window/);
    assert.throws(
      () => new S({ frameLength: 4 }).apply(st.zeros([2, 8, 1], "int32")),
      st.DTypeError,
    );
    assert.throws(() => new S({ frameLength: 4 }).apply(st.zeros([8, 1])), /rank 3/);
  });
  it("saves to .keras and loads back with its kernels", async () => {
    const layer = new st.layers.STFTSpectrogram({
      mode: "psd",
      frameLength: 6,
      frameStep: 3,
      window: "hamming",
      padding: "same",
      expandDims: true,
    });
    const x = st.random.normal([2, 20, 2], { seed: 5 });
    layer.apply(x);
    // trained kernels differ from the initializer's: they must be what comes back
    layer.setWeights(layer.getWeights().map((w) => st.ops.multiply(w, 1.5)));
    await kerasRoundTrip(layer, x);
  });
});
