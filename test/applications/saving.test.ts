// An application is an ordinary functional model: it saves to a .keras archive and to Keras 3's
// .weights.h5, loads back with the same outputs (every layer's config round-trips: the nested
// paddings, BN's axis and epsilon, the unnamed shortcut poolings), and prints Keras's summary.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import * as applications from "../../src/applications/index.js";
import { inTempDir } from "../keras-fixtures.js";

const maxDiff = (a: st.Tensor, b: st.Tensor): number => {
  const x = a.dataSync() as Float32Array;
  const y = b.dataSync() as Float32Array;
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
};

describe("applications: saving", () => {
  it("ResNet50V2 (no top, 32×32, avg pooling) round-trips through .keras and .weights.h5", async () => {
    const model = await applications.ResNet50V2({
      weights: null,
      includeTop: false,
      inputShape: [32, 32, 3],
      pooling: "avg",
    });
    const x = st.random.uniform([2, 32, 32, 3], { minval: -1, maxval: 1, seed: 3 });
    const want = model.predictOnBatch(x) as st.Tensor;
    await inTempDir(async (dir) => {
      const file = join(dir, "resnet50v2.keras");
      await model.save(file);
      const loaded = await st.models.loadModel(file);
      assert.equal(loaded.name, "resnet50v2");
      assert.deepEqual(
        loaded.layers.map((l) => l.name),
        model.layers.map((l) => l.name),
      );
      assert.ok(maxDiff(loaded.predictOnBatch(x) as st.Tensor, want) < 1e-5);
      const weights = join(dir, "w.weights.h5");
      await model.saveWeights(weights);
      const fresh = await applications.ResNet50V2({
        weights: null,
        includeTop: false,
        inputShape: [32, 32, 3],
        pooling: "avg",
      });
      await fresh.loadWeights(weights);
      assert.ok(maxDiff(fresh.predictOnBatch(x) as st.Tensor, want) < 1e-5);
    });
  });

  it("summary lists Keras's layer names and totals", async () => {
    const model = await applications.VGG16({ weights: null, includeTop: false });
    const lines: string[] = [];
    model.summary((line) => lines.push(line));
    const text = lines.join("\n");
    assert.match(text, /block5_conv3 \(Conv2D\)/);
    assert.match(text, /Total params: 14,714,688/);
  });
});
