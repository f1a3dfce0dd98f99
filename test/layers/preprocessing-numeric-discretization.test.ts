// Discretization (Keras's keras.layers.Discretization): Keras's documented examples, Keras's
// quantile summaries recomputed by hand on small cases, output modes, config and .keras files.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Discretization } from "../../src/layers/preprocessing/numeric/discretization.js";
import {
  binBoundaries,
  compressSummary,
  summarize,
} from "../../src/layers/preprocessing/numeric/quantile-summary.js";
import { assertClose } from "../helpers.js";
import { assertKerasRoundTrip } from "./preprocessing-numeric-roundtrip.js";

const KERAS_INPUT = [
  [-1.5, 1.0, 3.4, 0.5],
  [0.0, 3.0, 1.3, 0.0],
];

describe("Discretization: Keras's documented examples", () => {
  it("buckets by given boundaries [0, 1, 2]", () => {
    const out = new Discretization({ binBoundaries: [0, 1, 2] }).apply(st.tensor(KERAS_INPUT));
    assert.equal(out.dtype, "int32");
    assert.deepEqual(out.toArray(), [
      [0, 2, 3, 1],
      [1, 3, 2, 1],
    ]);
  });

  it("learns 4 bins by adapt (epsilon 0.01)", async () => {
    const layer = new Discretization({ numBins: 4, epsilon: 0.01 });
    await layer.adapt(st.tensor(KERAS_INPUT));
    // By hand: 8 sorted values, cumulative fractions k/8; the fractions .25, .5, .75 fall on
    // the 2nd, 4th and 6th values: 0, 0.5, 1.3 (as float32).
    assert.deepEqual(layer.binBoundaries, [0, 0.5, Math.fround(1.3)]);
    assert.deepEqual(layer.apply(st.tensor(KERAS_INPUT)).toArray(), [
      [0, 2, 3, 2],
      [1, 3, 3, 1],
    ]);
  });
});

describe("Discretization: quantile summaries as Keras computes them", () => {
  it("summarize keeps every ⌊n·ε⌋-th sorted value, weighted n·ε", () => {
    const data = Float32Array.from({ length: 10 }, (_, i) => 9 - i);
    const s = summarize(data, 0.25); // step = 10 / 4 = 2.5, start = 1.5 → indices 1, 3, 5, 7, 9
    assert.deepEqual([...s.values], [1, 3, 5, 7, 9]);
    assert.deepEqual([...s.weights], [2.5, 2.5, 2.5, 2.5, 2.5]);
  });

  it("compress interpolates the values at cumulative fractions ε, 2ε, …", () => {
    const s = { values: Float32Array.from([1, 2, 3, 4]), weights: Float32Array.from([1, 1, 1, 1]) };
    // fractions .25 .5 .75 1; ε = 1/3 → points at 1/3, 2/3, 1: values 1 + (1/3 − .25)/.25 …
    const c = compressSummary(s, 1 / 3);
    assertClose(st.tensor([...c.values]), [1 + 1 / 3, 2 + 2 / 3, 4], { atol: 1e-6 });
    assertClose(st.tensor([...c.weights]), [4 / 3, 4 / 3, 4 / 3], { atol: 1e-6 });
    // Too few points to compress: kept as is (and so numBins beyond the data keeps them all).
    assert.equal(compressSummary(s, 0.1), s);
    assert.deepEqual(binBoundaries(s, 10), [1, 2, 3]);
  });

  it("adapting batch by batch stays close to the exact quantiles", async () => {
    const values = Array.from({ length: 1000 }, (_, i) => ((i * 7919) % 1000) / 10);
    const layer = new Discretization({ numBins: 5 });
    await layer.adapt(st.data.Dataset.fromTensorSlices(st.tensor(values)).batch(64));
    const exact = [20, 40, 60, 80];
    layer.binBoundaries!.forEach((b, i) => assert.ok(Math.abs(b - exact[i]!) < 1.5, `${b}`));
    // steps stops early; adapting again starts afresh.
    const firstBatch = new Discretization({ numBins: 2 });
    await firstBatch.adapt([st.tensor([1, 2, 3, 4]), st.tensor([100, 200, 300, 400])], {
      steps: 1,
    });
    assert.deepEqual(firstBatch.binBoundaries, [2]);
  });
});

describe("Discretization: outputs, errors, config", () => {
  const layer = (outputMode: "one_hot" | "multi_hot" | "count") =>
    new Discretization({ binBoundaries: [0, 1], outputMode });

  it("encodes bins as one_hot, multi_hot and count", () => {
    const x = st.tensor([
      [-1, 0.5, 0.7],
      [2, 2, 3],
    ]);
    assert.deepEqual(layer("multi_hot").apply(x).toArray(), [
      [1, 1, 0],
      [0, 0, 1],
    ]);
    assert.deepEqual(layer("count").apply(x).toArray(), [
      [1, 2, 0],
      [0, 0, 3],
    ]);
    const hot = layer("one_hot").apply(st.tensor([[-1], [0.5], [5]]));
    assert.equal(hot.dtype, "float32");
    assert.deepEqual(hot.toArray(), [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const sym = layer("multi_hot").apply(st.layers.Input({ shape: [3] }));
    assert.deepEqual(sym.shape, [null, 3]);
    // NaN goes to the last bin, as NumPy's digitize puts it.
    assert.deepEqual(
      new Discretization({ binBoundaries: [0] }).apply(st.tensor([NaN, -1])).toArray(),
      [1, 0],
    );
  });

  it("refuses bad arguments and a call before adapt", async () => {
    assert.throws(() => new Discretization(), /set either numBins or binBoundaries/);
    assert.throws(
      () => new Discretization({ numBins: 3, binBoundaries: [1] }),
      /set numBins or binBoundaries, not both/,
    );
    assert.throws(() => new Discretization({ numBins: -1 }), /numBins must be an integer >= 0/);
    assert.throws(
      () => new Discretization({ numBins: 2, outputMode: "tf_idf" as "int" }),
      /outputMode must be one of "int", "one_hot", "multi_hot", "count"; received "tf_idf"/,
    );
    assert.throws(() => new Discretization({ numBins: 2, sparse: true }), /sparse/);
    assert.throws(() => new Discretization({ numBins: 2 }).apply(st.ones([2])), /adapt\(data\)/);
    await assert.rejects(
      new Discretization({ binBoundaries: [1] }).adapt(st.ones([2])),
      /cannot adapt/,
    );
  });

  it("writes Keras's config and reads an adapted one (both num_bins and bin_boundaries)", async () => {
    const adapted = new Discretization({ numBins: 4, name: "disc" });
    await adapted.adapt(st.tensor(KERAS_INPUT));
    const config = adapted.getConfig();
    assert.deepEqual(config, {
      bin_boundaries: [0, 0.5, Math.fround(1.3)],
      num_bins: 4,
      epsilon: 0.01,
      output_mode: "int",
      sparse: false,
      name: "disc",
      dtype: "float32",
    });
    const again = Discretization.fromConfig(config);
    assert.deepEqual(again.apply(st.tensor(KERAS_INPUT)).toArray(), [
      [0, 2, 3, 2],
      [1, 3, 3, 1],
    ]);
    await assertKerasRoundTrip(adapted, st.tensor(KERAS_INPUT));
    await assertKerasRoundTrip(
      new Discretization({ binBoundaries: [0, 1, 2], outputMode: "count" }),
      st.tensor(KERAS_INPUT),
    );
  });
});
