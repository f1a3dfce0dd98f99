// Normalization (Keras's keras.layers.Normalization): Keras's documented examples, streaming
// adapt against a float64 loop in the test, Keras's variables, errors and .keras round trips.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { ZipReader } from "../../src/io/zip.js";
import { encodeZip } from "../../src/io/zip-write.js";
import * as st from "../../src/index.js";
import { Normalization } from "../../src/layers/preprocessing/numeric/normalization.js";
import { assertClose } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";
import { assertKerasRoundTrip } from "./preprocessing-numeric-roundtrip.js";

/** Mean and population variance of each column of `rows`, in float64. */
function columnStats(rows: number[][]): [number[], number[]] {
  const n = rows.length;
  const cols = rows[0]!.length;
  const mean = Array.from({ length: cols }, (_, j) => rows.reduce((a, r) => a + r[j]!, 0) / n);
  const variance = mean.map((m, j) => rows.reduce((a, r) => a + (r[j]! - m) ** 2, 0) / n);
  return [mean, variance];
}

const KERAS_ADAPT = [
  [0, 7, 4],
  [2, 9, 6],
  [0, 7, 4],
  [2, 9, 6],
];

describe("Normalization: Keras's documented examples", () => {
  it("axis null: one global mean and variance", async () => {
    const layer = new Normalization({ axis: null });
    await layer.adapt(st.tensor([1, 2, 3, 4, 5]));
    assertClose(layer.apply(st.tensor([1, 2, 3])), [-1.4142135, -0.70710677, 0], { atol: 1e-6 });
  });

  it("axis -1: a mean and variance per feature", async () => {
    const layer = new Normalization({ axis: -1 });
    await layer.adapt(st.tensor(KERAS_ADAPT));
    assertClose(layer.apply(st.tensor([[0, 7, 4]])), [[-1, -1, -1]], { atol: 1e-6 });
  });

  it("mean and variance given directly", () => {
    const layer = new Normalization({ mean: 3, variance: 2 });
    assertClose(layer.apply(st.tensor([[1], [2], [3]])), [[-1.4142135], [-0.70710677], [0]], {
      atol: 1e-6,
    });
  });

  it("batched scalars keep one statistic per index, as in Keras (axis -1 on rank-1 inputs)", async () => {
    const given = new Normalization({ mean: [1, 2, 3], variance: [1, 4, 9] });
    assertClose(given.apply([2, 4, 6]), [1, 1, 1]);
    const adapted = new Normalization();
    await adapted.adapt([1, 2, 3]);
    assert.deepEqual([...adapted.adaptMean!.shape], [3]);
  });

  it("invert: de-normalizes after adapting", async () => {
    const layer = new Normalization({ axis: -1, invert: true });
    await layer.adapt(KERAS_ADAPT);
    assertClose(layer.apply(st.tensor([[1, 2, 3]])), [[2, 10, 8]], { atol: 1e-5 });
  });
});

describe("Normalization: adapt", () => {
  const rows = Array.from({ length: 23 }, (_, i) => [
    Math.sin(i) * 10 + 3,
    (i * 7) % 5,
    i * i * 0.01 - 1,
  ]);
  const [mean, variance] = columnStats(rows);

  it("streams a Dataset batch by batch to the same statistics as a float64 loop", async () => {
    const layer = new Normalization();
    await layer.adapt(st.data.Dataset.fromTensorSlices(st.tensor(rows)).batch(5));
    assertClose(layer.adaptMean!.value, mean, { rtol: 1e-6, atol: 1e-6 });
    assertClose(layer.adaptVariance!.value, variance, { rtol: 1e-6, atol: 1e-6 });
  });

  it("accepts a tensor cut by batchSize, (x, y) tuples, generators, and stops after steps", async () => {
    const byBatch = new Normalization();
    await byBatch.adapt(st.tensor(rows), { batchSize: 4 });
    assertClose(byBatch.adaptMean!.value, mean, { rtol: 1e-6, atol: 1e-6 });
    assertClose(byBatch.adaptVariance!.value, variance, { rtol: 1e-6, atol: 1e-6 });

    const tuples = new Normalization();
    const y = st.zeros([23]);
    await tuples.adapt(st.data.Dataset.fromTensorSlices([st.tensor(rows), y]).batch(7));
    assertClose(tuples.adaptMean!.value, mean, { rtol: 1e-6, atol: 1e-6 });

    async function* gen() {
      yield st.tensor(rows.slice(0, 10));
      yield st.tensor(rows.slice(10, 20));
      yield st.tensor(rows.slice(20));
    }
    const stepped = new Normalization();
    await stepped.adapt(gen(), { steps: 2 });
    const [m20, v20] = columnStats(rows.slice(0, 20));
    assertClose(stepped.adaptMean!.value, m20, { rtol: 1e-6, atol: 1e-6 });
    assertClose(stepped.adaptVariance!.value, v20, { rtol: 1e-6, atol: 1e-6 });
  });

  it("keeps several axes: one statistic per (row, channel) of images", async () => {
    const x = st.random.uniform([6, 2, 3, 2], { seed: 4 });
    const layer = new Normalization({ axis: [1, 3] });
    await layer.adapt([x.slice([0, 0, 0, 0], [4, 2, 3, 2]), x.slice([4, 0, 0, 0], [2, 2, 3, 2])]);
    assert.deepEqual([...layer.adaptMean!.shape], [2, 2]);
    const v = x.toArray() as number[][][][];
    for (const r of [0, 1]) {
      for (const c of [0, 1]) {
        const vals = v.flatMap((img) => img[r]!.map((px) => px[c]!));
        const m = vals.reduce((a, b) => a + b, 0) / vals.length;
        const s2 = vals.reduce((a, b) => a + (b - m) ** 2, 0) / vals.length;
        assertClose(layer.adaptMean!.value.slice([r, c], [1, 1]), [[m]], { atol: 1e-6 });
        assertClose(layer.adaptVariance!.value.slice([r, c], [1, 1]), [[s2]], { atol: 1e-6 });
      }
    }
    const out = layer.apply(x);
    assertClose(st.ops.mean(out, [0, 2]), st.zeros([2, 2]), { atol: 1e-5 });
  });

  it("has Keras's variables: non-trainable mean, variance and int32 count", async () => {
    const layer = new Normalization();
    await layer.adapt(st.tensor(rows));
    assert.deepEqual(
      layer.weights.map((w) => [w.name.split("/").pop(), [...w.shape], w.dtype, w.trainable]),
      [
        ["mean", [3], "float32", false],
        ["variance", [3], "float32", false],
        ["count", [], "int32", false],
      ],
    );
    const given = new Normalization({ mean: [1, 2], variance: [1, 4] });
    given.apply(st.ones([1, 2]));
    assert.equal(given.weights.length, 0);
  });
});

describe("Normalization: errors and lifecycle", () => {
  it("is the identity before adapt (Keras 3: mean 0, variance 1); refuses half-given statistics and mismatched batches", async () => {
    const x = st.tensor([
      [1, -2, 3],
      [4, 5, -6],
    ]);
    assert.deepEqual(new Normalization().apply(x).toArray(), x.toArray());
    assert.throws(() => new Normalization({ mean: 1 }), /both mean and variance must be set/);
    assert.throws(
      () => new Normalization({ mean: [1, 2], variance: [1] }),
      /same shape; received mean shape \[2\] and variance shape \[1\]/,
    );
    const layer = new Normalization();
    await layer.adapt(st.ones([4, 3]));
    await assert.rejects(
      layer.adapt(st.ones([4, 2])),
      /built for inputs of shape \(4, 3\) but adapt received a batch of shape \(4, 2\)/,
    );
    await assert.rejects(new Normalization().adapt([]), /no batches|received no batches/);
    await assert.rejects(
      new Normalization({ mean: 0, variance: 1 }).adapt(st.ones([2, 1])),
      /cannot adapt/,
    );
  });

  it("passes the layer test with given statistics", () => {
    runLayerTest(
      (dtype) => new Normalization({ mean: [1, -2, 0.5], variance: [4, 0.25, 1], dtype }),
      {
        inputShape: [2, 3],
        expectedOutputShape: [2, 3],
        expectedNumTrainableWeights: 0,
      },
    );
  });

  it("writes Keras's config: axis as a list, mean/variance null when adapted", async () => {
    const layer = new Normalization({ axis: -1 });
    const config = layer.getConfig();
    assert.deepEqual(config.axis, [-1]);
    assert.equal(config.mean, null);
    assert.equal(config.invert, false);
    assert.deepEqual(new Normalization({ axis: null }).getConfig().axis, []);
  });

  it("round-trips through .keras files, adapted and with given statistics", async () => {
    const x = st.tensor([
      [1, 5, -2],
      [3, 9, 0],
      [2, 4, 7],
    ]);
    const adapted = new Normalization();
    await adapted.adapt(x);
    const loaded = await assertKerasRoundTrip(adapted, x);
    const again = loaded.layers.find((l) => l instanceof Normalization) as Normalization;
    assertClose(again.adaptMean!.value, adapted.adaptMean!.value);
    await assertKerasRoundTrip(
      new Normalization({ mean: [1, 2, 3], variance: [1, 4, 9], invert: true }),
      x,
    );
  });
});

describe("Normalization: a file as Keras 3.16 writes it", () => {
  it("loads Keras's config.json for an adapted layer (mean/variance null, axis list, build_config)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-norm-"));
    try {
      // The weights: our writer, at Keras's paths layers/normalization/vars/0..2.
      const layer = new Normalization();
      await layer.adapt(
        st.tensor([
          [0, 7, 4],
          [2, 9, 6],
        ]),
      );
      const model = new st.Sequential([st.layers.Input({ shape: [3] }), layer]);
      const ours = join(dir, "ours.keras");
      await model.save(ours);
      const zip = new ZipReader(readFileSync(ours), ours);
      // The config, written out by hand as Keras 3.16 saves Sequential([Input((3,)), Normalization()]).
      const policy = {
        module: "keras",
        class_name: "DTypePolicy",
        config: { name: "float32" },
        registered_name: null,
      };
      const kerasConfig = {
        module: "keras",
        class_name: "Sequential",
        config: {
          name: "sequential",
          trainable: true,
          dtype: policy,
          layers: [
            {
              module: "keras.layers",
              class_name: "InputLayer",
              config: {
                batch_shape: [null, 3],
                dtype: "float32",
                sparse: false,
                ragged: false,
                name: "input_layer",
              },
              registered_name: null,
            },
            {
              module: "keras.layers",
              class_name: "Normalization",
              config: {
                name: "normalization",
                trainable: true,
                dtype: policy,
                axis: [-1],
                invert: false,
                mean: null,
                variance: null,
              },
              registered_name: null,
              build_config: { input_shape: [null, 3] },
            },
          ],
          build_input_shape: [null, 3],
        },
        registered_name: null,
        build_config: { input_shape: [null, 3] },
      };
      const path = join(dir, "keras.keras");
      const encode = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
      writeFileSync(
        path,
        encodeZip([
          ["metadata.json", encode({ keras_version: "3.16.0", date_saved: "2026-12-07@12:00:00" })],
          ["config.json", encode(kerasConfig)],
          ["model.weights.h5", zip.read("model.weights.h5")],
        ]),
      );
      const loaded = await st.models.loadModel(path);
      const out = loaded.predictOnBatch(st.tensor([[0, 7, 4]])) as st.Tensor;
      assertClose(out, [[-1, -1, -1]], { atol: 1e-6 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
