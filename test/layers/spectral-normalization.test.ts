// SpectralNormalization (and the Wrapper base) against a float64 power iteration written here,
// Keras's own test cases, weights order and names, and .keras / config round trips.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import {
  Conv2D,
  Dense,
  Embedding,
  ReLU,
  SpectralNormalization,
  Wrapper,
} from "../../src/layers/index.js";
import { Input } from "../../src/layers/core/input.js";
import type { SymbolicTensor } from "../../src/layers/layer.js";
import { deserializeLayer, serializeLayer } from "../../src/layers/registry.js";
import { ZipReader } from "../../src/io/zip.js";
import { readHdf5 } from "../../src/io/hdf5.js";
import { assertClose } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";

const arr = (t: Tensor) => Array.from(t.dataSync() as Float32Array, Number);

/** σ and the next u by power iteration on W [rows, cols] in float64 (Keras's order of steps). */
function powerIteration(w: number[], rows: number, cols: number, u0: number[], n: number) {
  const norm = (x: number[]) => {
    const s = Math.sqrt(
      Math.max(
        x.reduce((a, t) => a + t * t, 0),
        1e-14,
      ),
    );
    return x.map((t) => t / s);
  };
  let u = u0;
  let v: number[] = [];
  for (let k = 0; k < n; k++) {
    v = norm(
      Array.from({ length: rows }, (_, r) => u.reduce((a, uc, c) => a + uc * w[r * cols + c]!, 0)),
    );
    u = norm(
      Array.from({ length: cols }, (_, c) => v.reduce((a, vr, r) => a + vr * w[r * cols + c]!, 0)),
    );
  }
  let sigma = 0;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) sigma += v[r]! * w[r * cols + c]! * u[c]!;
  return { sigma, u };
}

describe("SpectralNormalization", () => {
  it("runs the layer lifecycle around Dense (Keras's weight counts)", () => {
    runLayerTest((dtype) => new SpectralNormalization(new Dense(2, { dtype }), { dtype }), {
      inputShape: [4, 3, 4],
      expectedOutputShape: [4, 3, 2],
      expectedNumTrainableWeights: 2,
      expectedNumNonTrainableWeights: 1,
      expectedWeightShapes: [[4, 2], [1, 2], [2]],
    });
  });

  it("wraps Embedding through its embeddings", () => {
    const sn = new SpectralNormalization(new Embedding(10, 4));
    const y = sn.apply(st.tensor([1, 2, 3], [3], "int32")) as Tensor;
    assert.deepEqual(y.shape, [3, 4]);
    assert.equal(sn.trainableWeights.length, 1);
    assert.equal(sn.nonTrainableWeights.length, 1);
  });

  it("Keras's test_apply_layer: a 2x2 kernel of ones has σ = 2", () => {
    const sn = new SpectralNormalization(new Conv2D(1, 2, { kernelInitializer: "ones" }), {
      powerIterations: 8,
    });
    const images = st.ones([1, 2, 2, 1]);
    assertClose(sn.apply(images, { training: false }) as Tensor, [[[[4]]]]);
    assertClose(sn.apply(images, { training: true }) as Tensor, [[[[2]]]], { rtol: 1e-5 });
  });

  it("one training call matches a float64 power iteration, and updates vector_u", () => {
    const dense = new Dense(3);
    const sn = new SpectralNormalization(dense, { powerIterations: 2 });
    const x = st.random.normal([2, 4], { seed: 1 });
    sn.apply(x);
    const w = arr(dense.kernel.value);
    const u0 = arr(sn.vectorU!.value);
    const { sigma, u } = powerIteration(w, 4, 3, u0, 2);
    const y = sn.apply(x, { training: true }) as Tensor;
    assertClose(
      dense.kernel.value,
      w.map((t) => t / sigma),
      { rtol: 1e-4, atol: 1e-6 },
    );
    assertClose(sn.vectorU!.value, u, { rtol: 1e-4, atol: 1e-6 });
    const xs = arr(x);
    const b = arr(dense.bias!.value);
    const ref = [0, 1].flatMap((r) =>
      [0, 1, 2].map(
        (c) =>
          b[c]! + [0, 1, 2, 3].reduce((a, k) => a + xs[r * 4 + k]! * (w[k * 3 + c]! / sigma), 0),
      ),
    );
    assertClose(y, ref, { rtol: 1e-4, atol: 1e-5 });
    // inference leaves the kernel alone
    const before = arr(dense.kernel.value);
    sn.apply(x);
    assertClose(dense.kernel.value, before);
  });

  it("an all-zero kernel is left as it is", () => {
    const dense = new Dense(2, { kernelInitializer: "zeros" });
    const sn = new SpectralNormalization(dense);
    const y = sn.apply(st.ones([1, 3]), { training: true }) as Tensor;
    assert.ok(arr(y).every((t) => t === 0));
    assert.ok(arr(dense.kernel.value).every((t) => t === 0));
  });

  it("in a differentiated training call the gradient flows through W / σ(W)", () => {
    const dense = new Dense(2);
    const sn = new SpectralNormalization(dense, { powerIterations: 3 });
    const x = st.random.normal([3, 4], { seed: 2 });
    sn.apply(x);
    const w0 = arr(dense.kernel.value);
    const u0 = arr(sn.vectorU!.value);
    const { grads } = st.valueAndGrad(
      () => st.ops.sum(sn.apply(x, { training: true }) as Tensor),
      sn.trainableWeights,
    );
    // the variable keeps W; vector_u moved
    assertClose(dense.kernel.value, w0);
    const { u } = powerIteration(w0, 4, 2, u0, 3);
    assertClose(sn.vectorU!.value, u, { rtol: 1e-4, atol: 1e-6 });
    // reference: f(W) = Σ x·W/σ(W) with σ = v·W·uᵀ, u and v fixed from the power iteration
    const xs = arr(x);
    const vRef = (() => {
      let uu = u0;
      let v: number[] = [];
      for (let k = 0; k < 3; k++) {
        const vv = [0, 1, 2, 3].map((r) => uu.reduce((a, uc, c) => a + uc * w0[r * 2 + c]!, 0));
        const nv = Math.sqrt(vv.reduce((a, t) => a + t * t, 0));
        v = vv.map((t) => t / nv);
        const u2 = [0, 1].map((c) => v.reduce((a, vr, r) => a + vr * w0[r * 2 + c]!, 0));
        const nu = Math.sqrt(u2.reduce((a, t) => a + t * t, 0));
        uu = u2.map((t) => t / nu);
      }
      return { u: uu, v };
    })();
    const f = (w: number[]) => {
      let sigma = 0;
      for (let r = 0; r < 4; r++)
        for (let c = 0; c < 2; c++) sigma += vRef.v[r]! * w[r * 2 + c]! * vRef.u[c]!;
      let total = 0;
      for (let b = 0; b < 3; b++)
        for (let r = 0; r < 4; r++)
          for (let c = 0; c < 2; c++) total += (xs[b * 4 + r]! * w[r * 2 + c]!) / sigma;
      return total;
    };
    const numeric = w0.map((_, k) => {
      const e = 1e-4;
      const p = [...w0];
      const m = [...w0];
      p[k]! += e;
      m[k]! -= e;
      return (f(p) - f(m)) / (2 * e);
    });
    assertClose(grads[0]!, numeric, { rtol: 2e-3, atol: 2e-3 });
    assertClose(grads[1]!, [3, 3], { rtol: 1e-5 });
  });

  it("trains inside fit", async () => {
    const input = Input({ shape: [4] });
    const sn = new SpectralNormalization(new Dense(2));
    const model = new st.Model({ inputs: input, outputs: sn.apply(input) as SymbolicTensor });
    model.compile({ optimizer: "sgd", loss: "mse" });
    const x = st.random.normal([8, 4], { seed: 4 });
    const y = st.random.normal([8, 2], { seed: 5 });
    const u0 = arr(sn.vectorU!.value);
    const h = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
    assert.ok(h.history.loss!.every((l) => Number.isFinite(l)));
    assert.notDeepEqual(arr(sn.vectorU!.value), u0);
  });

  it("rejects bad arguments as Keras does", () => {
    assert.throws(
      () => new SpectralNormalization(new Dense(2), { powerIterations: 0 }),
      /greater than zero/,
    );
    assert.throws(
      () => new SpectralNormalization(new ReLU()).apply(st.ones([4, 2])),
      /nor "embeddings"/,
    );
    assert.throws(() => new SpectralNormalization({} as never), /Layer instance/);
  });

  it("is a Wrapper with Keras's config", () => {
    const sn = new SpectralNormalization(new Dense(2, { name: "d" }), {
      powerIterations: 3,
      name: "sn",
    });
    assert.ok(sn instanceof Wrapper);
    const s = serializeLayer(sn);
    assert.equal(s.class_name, "SpectralNormalization");
    assert.equal(s.config.power_iterations, 3);
    assert.equal((s.config.layer as { class_name: string }).class_name, "Dense");
    const back = deserializeLayer(s) as SpectralNormalization;
    assert.deepEqual(back.getConfig(), sn.getConfig());
  });

  it("round-trips through a .keras file in Keras's weights layout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-sn-"));
    try {
      const input = Input({ shape: [4] });
      const sn = new SpectralNormalization(new Dense(3));
      const model = new st.Model({ inputs: input, outputs: sn.apply(input) as SymbolicTensor });
      const x = st.random.normal([2, 4], { seed: 3 });
      sn.apply(x, { training: true }); // moves vector_u and the kernel
      const path = join(dir, "m.keras");
      await model.save(path);
      const zip = new ZipReader(readFileSync(path), path);
      const root = readHdf5(zip.read("model.weights.h5"), "model.weights.h5");
      assert.deepEqual(root.dataset("layers/spectral_normalization/vars/0").shape, [4, 3]);
      assert.deepEqual(root.dataset("layers/spectral_normalization/vars/1").shape, [1, 3]);
      assert.deepEqual(root.dataset("layers/spectral_normalization/layer/vars/0").shape, [4, 3]);
      assert.deepEqual(root.dataset("layers/spectral_normalization/layer/vars/1").shape, [3]);
      const loaded = await st.models.loadModel(path, { compile: false });
      assertClose(loaded.predictOnBatch(x) as Tensor, model.predictOnBatch(x) as Tensor);
      const lsn = loaded.layers.find(
        (l) => l instanceof SpectralNormalization,
      ) as SpectralNormalization;
      assertClose(lsn.vectorU!.value, sn.vectorU!.value);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
