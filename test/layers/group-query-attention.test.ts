// GroupQueryAttention (Keras's GroupedQueryAttention) against a float64 loop over its own
// projection weights, with masks, the gate, Keras's weight layout, configs and .keras files.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { GroupQueryAttention, GroupedQueryAttention } from "../../src/layers/index.js";
import { Input } from "../../src/layers/core/input.js";
import { deserializeLayer, serializeLayer } from "../../src/layers/registry.js";
import { assertClose } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";

const arr = (t: Tensor) => Array.from(t.dataSync() as Float32Array, Number);

/** y[b,t,:] for query [B,T,M], value [B,S,M] (key = value), from the layer's weights. */
function reference(
  layer: GroupedQueryAttention,
  query: Tensor,
  value: Tensor,
  mask: ((b: number, t: number, s: number) => boolean) | null,
  zeroMasked = false,
): number[] {
  const [B, T, M] = query.shape as [number, number, number];
  const S = value.shape[1]!;
  const Hq = layer.numQueryHeads;
  const Hk = layer.numKeyValueHeads;
  const D = layer.headDim;
  const w = (l: { kernel: { value: Tensor }; bias: { value: Tensor } | null }) => ({
    k: arr(l.kernel.value),
    b: l.bias ? arr(l.bias.value) : null,
  });
  const Wq = w(layer.queryDense);
  const Wk = w(layer.keyDense);
  const Wv = w(layer.valueDense);
  const Wo = w(layer.outputDense);
  const Wg = layer.gateDense ? w(layer.gateDense) : null;
  const qv = arr(query);
  const vv = arr(value);
  // project x [*, M] with kernel [M, H, D] (+ bias [H, D])
  const proj = (x: number[], row: number, W: { k: number[]; b: number[] | null }, H: number) =>
    Array.from({ length: H * D }, (_, hd) => {
      let s = W.b ? W.b[hd]! : 0;
      for (let m = 0; m < M; m++) s += x[row * M + m]! * W.k[m * H * D + hd]!;
      return s;
    });
  const out: number[] = [];
  for (let b = 0; b < B; b++) {
    const Q = Array.from({ length: T }, (_, t) => proj(qv, b * T + t, Wq, Hq));
    const G = Wg ? Array.from({ length: T }, (_, t) => proj(qv, b * T + t, Wg, Hq)) : null;
    const K = Array.from({ length: S }, (_, s) => proj(vv, b * S + s, Wk, Hk));
    const V = Array.from({ length: S }, (_, s) => proj(vv, b * S + s, Wv, Hk));
    for (let t = 0; t < T; t++) {
      const heads = new Array<number>(Hq * D).fill(0);
      for (let h = 0; h < Hq; h++) {
        const hk = Math.floor(h / (Hq / Hk));
        const logits = Array.from({ length: S }, (_, s) => {
          let dot = 0;
          for (let d = 0; d < D; d++) dot += Q[t]![h * D + d]! * K[s]![hk * D + d]!;
          dot /= Math.sqrt(D);
          return mask && !mask(b, t, s) ? -1e9 : dot;
        });
        const mx = Math.max(...logits);
        const e = logits.map((l) => Math.exp(l - mx));
        const z = e.reduce((a, c) => a + c, 0);
        const p = e.map((x, s) => (zeroMasked && mask && !mask(b, t, s) ? 0 : x / z));
        for (let d = 0; d < D; d++) {
          let acc = 0;
          for (let s = 0; s < S; s++) acc += p[s]! * V[s]![hk * D + d]!;
          if (G) acc *= 1 / (1 + Math.exp(-G[t]![h * D + d]!));
          heads[h * D + d] = acc;
        }
      }
      for (let m = 0; m < M; m++) {
        let acc = Wo.b ? Wo.b[m]! : 0;
        for (let hd = 0; hd < Hq * D; hd++) acc += heads[hd]! * Wo.k[hd * M + m]!;
        out.push(acc);
      }
    }
  }
  return out;
}

const make = (extra: Partial<ConstructorParameters<typeof GroupedQueryAttention>[0]> = {}) =>
  new GroupQueryAttention({ headDim: 2, numQueryHeads: 4, numKeyValueHeads: 2, ...extra });

describe("GroupQueryAttention", () => {
  it("runs the layer lifecycle with gradients; weights in Keras's order and shapes", () => {
    runLayerTest(
      (dtype) =>
        new GroupQueryAttention({ headDim: 2, numQueryHeads: 4, numKeyValueHeads: 2, dtype }),
      {
        inputShape: [2, 3, 5],
        inputShapes: [
          [2, 3, 5],
          [2, 4, 5],
        ],
        expectedOutputShape: [2, 3, 5],
        expectedWeightShapes: [
          [5, 4, 2],
          [4, 2],
          [5, 2, 2],
          [2, 2],
          [5, 2, 2],
          [2, 2],
          [4, 2, 5],
          [5],
        ],
      },
    );
  });

  it("matches a float64 loop (shared key/value heads)", () => {
    const layer = make();
    const q = st.random.normal([2, 3, 5], { seed: 1 });
    const v = st.random.normal([2, 4, 5], { seed: 2 });
    const y = layer.apply([q, v]) as Tensor;
    assert.deepEqual(
      layer.weights.map((w) => w.name),
      [
        "query/kernel",
        "query/bias",
        "key/kernel",
        "key/bias",
        "value/kernel",
        "value/bias",
        "attention_output/kernel",
        "attention_output/bias",
      ],
    );
    assertClose(y, reference(layer, q, v, null), { rtol: 1e-4, atol: 1e-5 });
  });

  it("causal mask, value mask and the returned scores [B, heads, T, S]", () => {
    const layer = make({ useBias: false });
    const q = st.random.normal([2, 3, 5], { seed: 3 });
    const v = st.random.normal([2, 3, 5], { seed: 4 });
    const vm = st.tensor(
      [
        [1, 1, 0],
        [1, 0, 1],
      ],
      undefined,
      "bool",
    );
    const [y, scores] = layer.apply([q, v], {
      mask: [null as never, vm],
      useCausalMask: true,
      returnAttentionScores: true,
    });
    assert.deepEqual(scores.shape, [2, 4, 3, 3]);
    const vmv = [
      [1, 1, 0],
      [1, 0, 1],
    ];
    const m = (b: number, t: number, s: number) => s <= t && vmv[b]![s] === 1;
    assertClose(y, reference(layer, q, v, m, true), { rtol: 1e-4, atol: 1e-5 });
    // each row of probabilities sums to one
    const sv = arr(scores);
    for (let r = 0; r < sv.length / 3; r++) {
      const s = sv[r * 3]! + sv[r * 3 + 1]! + sv[r * 3 + 2]!;
      assert.ok(Math.abs(s - 1) < 1e-5);
    }
  });

  it("the gate multiplies the heads by sigmoid of a query projection", () => {
    const layer = make({ useGate: true, numKeyValueHeads: 1 });
    const q = st.random.normal([1, 2, 5], { seed: 5 });
    const v = st.random.normal([1, 3, 5], { seed: 6 });
    const y = layer.apply([q, v]) as Tensor;
    assert.deepEqual(
      layer.weights.map((w) => w.name.split("/")[0]),
      [
        "query",
        "query",
        "key",
        "key",
        "gate",
        "gate",
        "value",
        "value",
        "attention_output",
        "attention_output",
      ],
    );
    assertClose(y, reference(layer, q, v, null), { rtol: 1e-4, atol: 1e-5 });
  });

  it("sliding window", () => {
    const layer = make({ slidingWindow: 2 });
    const q = st.random.normal([1, 4, 5], { seed: 7 });
    const y = layer.apply([q, q]) as Tensor;
    assertClose(
      y,
      reference(layer, q, q, (_b, t, s) => Math.abs(t - s) < 2),
      {
        rtol: 1e-4,
        atol: 1e-5,
      },
    );
  });

  it("rejects bad arguments as Keras does", () => {
    assert.throws(() => make({ numQueryHeads: 3 }), /divisible/);
    assert.throws(() => make({ flashAttention: true, dropout: 0.1 }), /flash attention/);
    assert.throws(() => make().apply(st.ones([1, 2, 5])), /list/);
  });

  it("config (class GroupedQueryAttention) and .keras round trip", async () => {
    const layer = make({ dropout: 0.1, seed: 3, flashAttention: false });
    const s = serializeLayer(layer);
    assert.equal(s.class_name, "GroupedQueryAttention");
    for (const k of [
      "head_dim",
      "num_query_heads",
      "num_key_value_heads",
      "use_bias",
      "use_gate",
      "sliding_window",
      "dropout",
      "seed",
    ])
      assert.ok(k in s.config, k);
    assert.ok(!("flash_attention" in s.config));
    const back = deserializeLayer({ ...s, class_name: "GroupQueryAttention" });
    assert.ok(back instanceof GroupedQueryAttention);
    const dir = mkdtempSync(join(tmpdir(), "strata-gqa-"));
    try {
      const q = Input({ shape: [3, 5] });
      const v = Input({ shape: [4, 5] });
      const model = new st.Model({ inputs: [q, v], outputs: make().apply([q, v]) });
      const xs = [
        st.random.normal([2, 3, 5], { seed: 1 }),
        st.random.normal([2, 4, 5], { seed: 2 }),
      ];
      await model.save(join(dir, "m.keras"));
      const loaded = await st.models.loadModel(join(dir, "m.keras"), { compile: false });
      assertClose(loaded.predictOnBatch(xs) as Tensor, model.predictOnBatch(xs) as Tensor);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
