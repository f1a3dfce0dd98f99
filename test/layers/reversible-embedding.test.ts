// ReversibleEmbedding: the forward lookup is Embedding's; the reverse call against float64
// loops over the layer's own tables (tied, untied, soft-capped), masks, configs and a .keras model
// that calls the same layer both ways.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { ReversibleEmbedding } from "../../src/layers/index.js";
import { Input } from "../../src/layers/core/input.js";
import { maskOf } from "../../src/layers/layer.js";
import { deserializeLayer, serializeLayer } from "../../src/layers/registry.js";
import { assertClose } from "../helpers.js";

const arr = (t: Tensor) => Array.from(t.dataSync() as Float32Array, Number);

/** x [n, d] times table [d, v] read through `at(i, j)`, in float64. */
function logitsRef(
  x: number[],
  n: number,
  d: number,
  v: number,
  at: (i: number, j: number) => number,
  cap: number | null,
) {
  const out: number[] = [];
  for (let r = 0; r < n; r++)
    for (let j = 0; j < v; j++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += x[r * d + i]! * at(i, j);
      out.push(cap === null ? s : cap * Math.tanh(s / cap));
    }
  return out;
}

describe("ReversibleEmbedding", () => {
  it("forward looks rows up, with Embedding's mask", () => {
    const layer = new ReversibleEmbedding(5, 3, { maskZero: true });
    const ids = st.tensor([[0, 2, 4]], undefined, "int32");
    const y = layer.apply(ids) as Tensor;
    const e = arr(layer.embeddings.value);
    assertClose(y, [[0, 2, 4].map((i) => e.slice(i * 3, i * 3 + 3))]);
    assert.deepEqual(Array.from(maskOf(y)!.dataSync() as Uint8Array, Number), [0, 1, 1]);
  });

  it("reverse with tied weights is x · embeddingsᵀ, without a mask", () => {
    const layer = new ReversibleEmbedding(6, 4, { maskZero: true });
    layer.apply(st.tensor([1], undefined, "int32"));
    assert.equal(layer.weights.length, 1);
    const x = st.random.normal([2, 4], { seed: 1 });
    const y = layer.apply(x, { reverse: true }) as Tensor;
    assert.deepEqual(y.shape, [2, 6]);
    assert.equal(maskOf(y), null);
    const e = arr(layer.embeddings.value);
    assertClose(
      y,
      logitsRef(arr(x), 2, 4, 6, (i, j) => e[j * 4 + i]!, null),
      { rtol: 1e-5, atol: 1e-6 },
    );
  });

  it("untied: its own reverse_embeddings [outputDim, inputDim]; soft cap", () => {
    const layer = new ReversibleEmbedding(5, 3, { tieWeights: false, logitSoftCap: 0.5 });
    layer.apply(st.tensor([1], undefined, "int32"));
    assert.deepEqual(
      layer.weights.map((w) => [...w.shape]),
      [
        [5, 3],
        [3, 5],
      ],
    );
    assert.ok(layer.weights[1]!.name.endsWith("reverse_embeddings"));
    const x = st.random.normal([3, 3], { seed: 2 });
    const r = arr(layer.reverseEmbeddings!.value);
    const y = layer.apply(x, { reverse: true }) as Tensor;
    assertClose(
      y,
      logitsRef(arr(x), 3, 3, 5, (i, j) => r[i * 5 + j]!, 0.5),
      { rtol: 1e-5, atol: 1e-6 },
    );
    assert.ok(arr(y).every((v) => Math.abs(v) < 0.5));
  });

  it("gradients of the reverse call reach the tied table", () => {
    const layer = new ReversibleEmbedding(4, 2);
    layer.apply(st.tensor([0], undefined, "int32"));
    const x = st.tensor([[1, 2]]);
    const { grads } = st.valueAndGrad(
      () => st.ops.sum(layer.apply(x, { reverse: true }) as Tensor),
      [layer.embeddings],
    );
    // d/dE[j, i] Σ_j Σ_i x_i E[j, i] = x_i
    assertClose(grads[0]!, [
      [1, 2],
      [1, 2],
      [1, 2],
      [1, 2],
    ]);
  });

  it("config has Keras's keys; a model calling it both ways round-trips through .keras", async () => {
    const layer = new ReversibleEmbedding(7, 4, {
      tieWeights: false,
      logitSoftCap: 30,
      name: "emb",
    });
    const c = serializeLayer(layer).config;
    assert.equal(c.tie_weights, false);
    assert.equal(c.reverse_dtype, null);
    assert.equal(c.logit_soft_cap, 30);
    assert.deepEqual(
      (deserializeLayer(serializeLayer(layer)) as ReversibleEmbedding).getConfig(),
      layer.getConfig(),
    );
    const dir = mkdtempSync(join(tmpdir(), "strata-revemb-"));
    try {
      const ids = Input({ shape: [3], dtype: "int32" });
      const h = layer.apply(ids);
      const logits = layer.apply(h, { reverse: true });
      assert.deepEqual(logits.shape, [null, 3, 7]);
      const model = new st.Model({ inputs: ids, outputs: logits });
      const x = st.tensor(
        [
          [1, 5, 6],
          [0, 2, 3],
        ],
        undefined,
        "int32",
      );
      await model.save(join(dir, "m.keras"));
      const loaded = await st.models.loadModel(join(dir, "m.keras"), { compile: false });
      assertClose(loaded.predictOnBatch(x) as Tensor, model.predictOnBatch(x) as Tensor);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
