import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { Attention } from "../../src/layers/attention/attention.js";
import { EinsumDense } from "../../src/layers/core/einsum-dense.js";
import { MultiHeadAttention } from "../../src/layers/attention/multi-head-attention.js";
import { Input } from "../../src/layers/core/input.js";
import { maskOf, SymbolicTensor } from "../../src/layers/layer.js";
import { assertClose, randn, valuesOf } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";

// ------------------------------------------------------------ float64 references

/** Element of a tensor at a multi-index (row-major). */
function at(t: Tensor, ...idx: number[]): number {
  let flat = 0;
  for (let k = 0; k < idx.length; k++) flat = flat * t.shape[k]! + idx[k]!;
  return Number(valuesOf(t)[flat]);
}

/** Softmax over the allowed entries of a row; a row with none allowed is all zeros (Keras). */
function maskedSoftmax(row: number[], allowed: boolean[]): number[] {
  const m = Math.max(...row.filter((_, j) => allowed[j]));
  const e = row.map((v, j) => (allowed[j] ? Math.exp(v - m) : 0));
  const z = e.reduce((a, b) => a + b, 0);
  return e.map((v) => (z > 0 ? v / z : 0));
}

type MaskFn = (b: number, t: number, s: number) => boolean;

/**
 * Multi-head attention by explicit loops, per batch and head: Q = x·Wq + bq (and K, V alike),
 * p = softmax(Q·Kᵀ / sqrt(H)) over the allowed keys, out = Σ_n (p·V)_n · Wo_n + bo.
 * Returns the output [B][T][O] and the probabilities [B][N][T][S].
 */
function mhaReference(
  query: Tensor,
  value: Tensor,
  key: Tensor,
  w: Tensor[],
  allowed: MaskFn,
): [number[][][], number[][][][]] {
  const [wq, bq, wk, bk, wv, bv, wo, bo] = w as [
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
    Tensor,
  ];
  const [B, T, D] = query.shape as [number, number, number];
  const S = value.shape[1]!;
  const [, N, H] = wq.shape as [number, number, number];
  const Hv = wv.shape[2]!;
  const O = wo.shape[2]!;
  const project = (
    x: Tensor,
    W: Tensor,
    bias: Tensor,
    b: number,
    i: number,
    n: number,
    h: number,
  ) => {
    let acc = at(bias, n, h);
    for (let d = 0; d < x.shape[2]!; d++) acc += at(x, b, i, d) * at(W, d, n, h);
    return acc;
  };
  void D;
  const out: number[][][] = [];
  const probs: number[][][][] = [];
  for (let b = 0; b < B; b++) {
    const ctx: number[][][] = []; // [N][T][Hv]
    probs.push([]);
    for (let n = 0; n < N; n++) {
      const Q = Array.from({ length: T }, (_, t) =>
        Array.from({ length: H }, (_, h) => project(query, wq, bq, b, t, n, h)),
      );
      const K = Array.from({ length: S }, (_, s) =>
        Array.from({ length: H }, (_, h) => project(key, wk, bk, b, s, n, h)),
      );
      const V = Array.from({ length: S }, (_, s) =>
        Array.from({ length: Hv }, (_, h) => project(value, wv, bv, b, s, n, h)),
      );
      const P = Q.map((q, t) => {
        const row = K.map((k) => q.reduce((a, qh, h) => a + qh * k[h]!, 0) / Math.sqrt(H));
        return maskedSoftmax(
          row,
          row.map((_, s) => allowed(b, t, s)),
        );
      });
      probs[b]!.push(P);
      ctx.push(
        P.map((p) =>
          Array.from({ length: Hv }, (_, h) => p.reduce((a, ps, s) => a + ps * V[s]![h]!, 0)),
        ),
      );
    }
    out.push(
      Array.from({ length: T }, (_, t) =>
        Array.from({ length: O }, (_, o) => {
          let acc = at(bo, o);
          for (let n = 0; n < N; n++)
            for (let h = 0; h < Hv; h++) acc += ctx[n]![t]![h]! * at(wo, n, h, o);
          return acc;
        }),
      ),
    );
  }
  return [out, probs];
}

/** Luong attention by loops: scores (dot or concat), masked softmax, weighted values. */
function luongReference(
  q: Tensor,
  v: Tensor,
  k: Tensor,
  opts: {
    mode: "dot" | "concat";
    scale?: number;
    concatWeight?: number;
    allowed?: MaskFn;
    qMask?: boolean[][];
  },
): [number[][][], number[][][]] {
  const [B, T, D] = q.shape as [number, number, number];
  const S = v.shape[1]!;
  const Dv = v.shape[2]!;
  const out: number[][][] = [];
  const weights: number[][][] = [];
  for (let b = 0; b < B; b++) {
    out.push([]);
    weights.push([]);
    for (let t = 0; t < T; t++) {
      const row = Array.from({ length: S }, (_, s) => {
        let acc = 0;
        for (let d = 0; d < D; d++) {
          acc +=
            opts.mode === "dot"
              ? at(q, b, t, d) * at(k, b, s, d)
              : Math.tanh((opts.scale ?? 1) * (at(q, b, t, d) + at(k, b, s, d)));
        }
        return opts.mode === "dot" ? acc * (opts.scale ?? 1) : acc * (opts.concatWeight ?? 1);
      });
      // Keras's Attention subtracts 1e9 from masked scores (a fully masked row stays a softmax)
      const shifted = row.map((r, s) => (opts.allowed && !opts.allowed(b, t, s) ? r - 1e9 : r));
      const p = maskedSoftmax(
        shifted,
        shifted.map(() => true),
      );
      weights[b]!.push(p);
      const keep = opts.qMask ? (opts.qMask[b]![t]! ? 1 : 0) : 1;
      out[b]!.push(
        Array.from(
          { length: Dv },
          (_, e) => keep * p.reduce((a, ps, s) => a + ps * at(v, b, s, e), 0),
        ),
      );
    }
  }
  return [out, weights];
}

function kerasConfig(name: string): {
  config: { layers: { class_name: string; config: Record<string, unknown> }[] };
} {
  // The fixtures are zips with stored (uncompressed) entries: find config.json's local header.
  const buf = readFileSync(`/work/shared/fixtures/keras/${name}.keras`);
  let p = 0;
  while (buf.readUInt32LE(p) === 0x04034b50) {
    const size = buf.readUInt32LE(p + 18);
    const nameLen = buf.readUInt16LE(p + 26);
    const start = p + 30 + nameLen + buf.readUInt16LE(p + 28);
    if (buf.toString("utf8", p + 30, p + 30 + nameLen) === "config.json") {
      assert.equal(buf.readUInt16LE(p + 8), 0, "config.json is stored uncompressed");
      return JSON.parse(buf.toString("utf8", start, start + size));
    }
    p = start + size;
  }
  throw new Error(`config.json not found in ${name}.keras`);
}

const mhaWeightShapes = (
  d: number,
  n: number,
  h: number,
  hv: number,
  o: number,
  dk = d,
  dv = d,
) => [[d, n, h], [n, h], [dk, n, h], [n, h], [dv, n, hv], [n, hv], [n, hv, o], [o]];

function randomWeights(layer: MultiHeadAttention | Attention, seed: number): Tensor[] {
  return layer.weights.map((w, i) => randn([...w.shape], seed + i, 0.7));
}

// ------------------------------------------------------------ MultiHeadAttention

describe("MultiHeadAttention", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new MultiHeadAttention({ numHeads: 2, keyDim: 3, dtype }), {
      inputShape: [2, 4, 5],
      inputShapes: [
        [2, 4, 5],
        [2, 4, 5],
      ],
      expectedOutputShape: [2, 4, 5],
      expectedNumTrainableWeights: 8,
      expectedWeightShapes: mhaWeightShapes(5, 2, 3, 3, 5),
    });
    // cross-attention with a separate key, valueDim, outputShape and no biases
    runLayerTest(
      (dtype) =>
        new MultiHeadAttention({
          numHeads: 2,
          keyDim: 2,
          valueDim: 3,
          outputShape: 4,
          useBias: false,
          dtype,
        }),
      {
        inputShape: [2, 3, 5],
        inputShapes: [
          [2, 3, 5],
          [2, 4, 3],
          [2, 4, 2],
        ],
        expectedOutputShape: [2, 3, 4],
        expectedWeightShapes: [
          [5, 2, 2],
          [2, 2, 2],
          [3, 2, 3],
          [2, 3, 4],
        ],
      },
    );
    // attention over one inner axis of a 4-D input
    runLayerTest(
      (dtype) => new MultiHeadAttention({ numHeads: 1, keyDim: 2, attentionAxes: [2], dtype }),
      {
        inputShape: [1, 2, 3, 3],
        inputShapes: [
          [1, 2, 3, 3],
          [1, 2, 3, 3],
        ],
        expectedOutputShape: [1, 2, 3, 3],
      },
    );
  });

  it("matches an explicit per-head loop, with causal and explicit masks", () => {
    const q = randn([2, 4, 5], 1);
    const v = randn([2, 3, 6], 2);
    const k = randn([2, 3, 7], 3);
    const mha = new MultiHeadAttention({
      numHeads: 2,
      keyDim: 3,
      valueDim: 2,
      outputShape: [4],
      dtype: "float64",
    });
    mha.apply([q, v, k]);
    const w = randomWeights(mha, 10);
    mha.setWeights(w);
    const all: MaskFn = () => true;
    let [out, probs] = mhaReference(q, v, k, w, all);
    let [y, scores] = mha.apply([q, v, k], { returnAttentionScores: true });
    assertClose(y, out, { rtol: 1e-9, atol: 1e-12 });
    assertClose(scores, probs, { rtol: 1e-9, atol: 1e-12 });
    assert.deepEqual(scores.shape, [2, 2, 4, 3]);

    // causal: query step t sees key steps s ≤ t (row 0 sees only key 0)
    [out, probs] = mhaReference(q, v, k, w, (_b, t, s) => s <= t);
    [y, scores] = mha.apply([q, v, k], { returnAttentionScores: true, useCausalMask: true });
    assertClose(y, out, { rtol: 1e-9, atol: 1e-12 });
    assertClose(scores, probs, { rtol: 1e-9, atol: 1e-12 });

    // an explicit [B, T, S] mask AND the causal mask; batch 1 row 0 has no key left: zeros
    const explicit = [
      [
        [1, 1, 1],
        [0, 1, 1],
        [1, 0, 1],
        [1, 1, 0],
      ],
      [
        [0, 1, 1],
        [1, 1, 1],
        [1, 1, 0],
        [0, 0, 1],
      ],
    ];
    const allowed: MaskFn = (b, t, s) => explicit[b]![t]![s] === 1 && s <= t;
    [out, probs] = mhaReference(q, v, k, w, allowed);
    [y, scores] = mha.apply([q, v, k], {
      returnAttentionScores: true,
      useCausalMask: true,
      attentionMask: st.tensor(explicit, undefined, "bool"),
    });
    assertClose(y, out, { rtol: 1e-9, atol: 1e-12 });
    assertClose(scores, probs, { rtol: 1e-9, atol: 1e-12 });
    assertClose(st.ops.sum(st.ops.slice(scores, [1, 0, 0, 0], [1, 2, 1, 3])), [0]);
  });

  it("restricts attention to a sliding window band", () => {
    const x = randn([1, 5, 3], 7);
    const mha = new MultiHeadAttention({
      numHeads: 2,
      keyDim: 2,
      slidingWindow: 2,
      dtype: "float64",
    });
    mha.apply([x, x]);
    const w = randomWeights(mha, 50);
    mha.setWeights(w);
    const [out, probs] = mhaReference(x, x, x, w, (_b, t, s) => Math.abs(t - s) < 2 && s <= t);
    const [y, scores] = mha.apply([x, x], { useCausalMask: true, returnAttentionScores: true });
    assertClose(y, out, { rtol: 1e-9, atol: 1e-12 });
    assertClose(scores, probs, { rtol: 1e-9, atol: 1e-12 });
    assert.equal(mha.getConfig().sliding_window, 2);
  });

  it("takes the masks of its inputs: query [B,T,1] & value [B,1,S], and passes the query's on", () => {
    const x = randn([2, 4, 3], 4);
    const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 2, dtype: "float64" });
    mha.apply([x, x]);
    const w = randomWeights(mha, 20);
    mha.setWeights(w);
    const valid = [
      [true, true, true, false],
      [true, true, false, false],
    ];
    const mask = st.tensor(valid);
    const [out] = mhaReference(x, x, x, w, (b, t, s) => valid[b]![t]! && valid[b]![s]!);
    const y = mha.apply([x, x], { mask: [mask, mask] });
    assertClose(y, out, { rtol: 1e-9, atol: 1e-12 });
    assert.equal(maskOf(y), mask);
  });

  it("attends over inner axes like a flattened sequence (attentionAxes)", () => {
    const x = randn([2, 3, 2, 4], 5);
    // over axis 2 only: every index of axis 1 is an independent sequence
    const inner = new MultiHeadAttention({
      numHeads: 2,
      keyDim: 2,
      attentionAxes: [2],
      dtype: "float64",
    });
    const plain = new MultiHeadAttention({ numHeads: 2, keyDim: 2, dtype: "float64" });
    inner.apply([x, x]);
    const slice = (a: number) => st.ops.squeeze(st.ops.slice(x, [0, a, 0, 0], [2, 1, 2, 4]), 1);
    plain.apply([slice(0), slice(0)]);
    plain.setWeights(randomWeights(plain, 30));
    inner.setWeights(plain.getWeights());
    const y = inner.apply([x, x]);
    for (let a = 0; a < 3; a++) {
      assertClose(
        st.ops.squeeze(st.ops.slice(y, [0, a, 0, 0], [2, 1, 2, 4]), 1),
        plain.apply([slice(a), slice(a)]),
        {
          rtol: 1e-9,
          atol: 1e-12,
        },
      );
    }
    // over axes 1 and 2 together: the same as one sequence of 3·2 steps
    const both = new MultiHeadAttention({
      numHeads: 2,
      keyDim: 2,
      attentionAxes: [1, 2],
      dtype: "float64",
    });
    both.apply([x, x]);
    both.setWeights(plain.getWeights());
    const flat = st.ops.reshape(x, [2, 6, 4]);
    const [y2, s2] = both.apply([x, x], { returnAttentionScores: true });
    assertClose(st.ops.reshape(y2, [2, 6, 4]), plain.apply([flat, flat]), {
      rtol: 1e-9,
      atol: 1e-12,
    });
    assert.deepEqual(s2.shape, [2, 2, 3, 2, 3, 2]);
    assert.deepEqual(both.getConfig().attention_axes, [1, 2]);
  });

  it("drops attention probabilities in training only, and returns them undropped", () => {
    const x = randn([2, 5, 4], 6);
    const mha = new MultiHeadAttention({
      numHeads: 2,
      keyDim: 2,
      dropout: 0.5,
      seed: 3,
      dtype: "float64",
    });
    const plain = new MultiHeadAttention({ numHeads: 2, keyDim: 2, dtype: "float64" });
    mha.apply([x, x]);
    plain.apply([x, x]);
    plain.setWeights(mha.getWeights());
    const [inference, s0] = mha.apply([x, x], { returnAttentionScores: true });
    assertClose(inference, plain.apply([x, x]), { rtol: 1e-12 });
    const [trained, s1] = mha.apply([x, x], { returnAttentionScores: true, training: true });
    assert.ok(
      st.ops.any(st.ops.greater(st.ops.abs(st.ops.subtract(trained, inference)), 1e-6)).item(),
    );
    assertClose(s1, s0, { rtol: 1e-12 });
  });

  it("builds functional graphs and its projections have Keras's structure", () => {
    const inp = Input({ shape: [5, 8] });
    const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 4 });
    const out = mha.apply([inp, inp]);
    assert.ok(out instanceof SymbolicTensor);
    assert.deepEqual(out.shape, [null, 5, 8]);
    const [o, s] = new MultiHeadAttention({ numHeads: 3, keyDim: 2 }).apply(
      [inp, Input({ shape: [7, 6] })],
      {
        returnAttentionScores: true,
      },
    );
    assert.deepEqual(o.shape, [null, 5, 8]);
    assert.deepEqual(s.shape, [null, 3, 5, 7]);
    assert.deepEqual(
      mha.layers.map((l) => [l.name, (l as EinsumDense).equation]),
      [
        ["query", "abc,cde->abde"],
        ["key", "abc,cde->abde"],
        ["value", "abc,cde->abde"],
        ["attention_output", "abcd,cde->abe"],
      ],
    );
    assert.equal(mha.countParams(), 3 * (8 * 8 + 8) + (8 * 8 + 8));
  });

  it("writes Keras's config (attn fixture) and rebuilds from it", () => {
    const keras = kerasConfig("attn").config.layers.find(
      (l) => l.class_name === "MultiHeadAttention",
    )!.config;
    const mha = new MultiHeadAttention({ numHeads: 2, keyDim: 4 });
    mha.apply([st.zeros([1, 5, 8]), st.zeros([1, 5, 8])]);
    const ours = mha.getConfig();
    assert.deepEqual(Object.keys(ours), Object.keys(keras));
    for (const key of Object.keys(keras)) {
      if (key === "name") continue;
      if (key.endsWith("_initializer") || key === "dtype") {
        // Keras 3.16's GlorotUniform config also lists input_axes/output_axes (initializers' concern)
        const [a, b] = [ours[key], keras[key]] as { class_name: string }[];
        assert.equal(a!.class_name, b!.class_name, key);
      } else {
        assert.deepEqual(ours[key], keras[key], key);
      }
    }
    const back = MultiHeadAttention.fromConfig(keras);
    back.apply([st.zeros([1, 5, 8]), st.zeros([1, 5, 8])]);
    assert.deepEqual(
      back.weights.map((w) => [...w.shape]),
      mhaWeightShapes(8, 2, 4, 4, 8),
    );
    assert.equal(
      new MultiHeadAttention({ numHeads: 2, keyDim: 4 }).getConfig().attention_axes,
      null,
    );
  });

  it("freezes and regularizes its projections", () => {
    const mha = new MultiHeadAttention({ numHeads: 1, keyDim: 2, kernelRegularizer: "l2" });
    mha.apply([st.ones([1, 2, 3]), st.ones([1, 2, 3])]);
    assert.equal(mha.losses.length, 4);
    mha.trainable = false;
    assert.equal(mha.trainableWeights.length, 0);
    assert.equal(mha.nonTrainableWeights.length, 8);
  });

  it("rejects bad arguments and inputs with Keras-style messages", () => {
    assert.throws(() => new MultiHeadAttention({ name: "m", numHeads: 0, keyDim: 2 }), {
      message:
        'Layer "m" (MultiHeadAttention): numHeads must be a positive integer; received numHeads=0',
    });
    assert.throws(() => new MultiHeadAttention({ numHeads: 2, keyDim: 2, dropout: 1.5 }), {
      message: /dropout must be a number in \[0, 1\); received dropout=1.5/,
    });
    assert.throws(() => new MultiHeadAttention({ numHeads: 2, keyDim: 2, useGate: true }), {
      message: /useGate=true/,
    });
    const mha = new MultiHeadAttention({ name: "m2", numHeads: 2, keyDim: 2 });
    assert.throws(() => mha.apply(st.zeros([1, 2, 3])), {
      message:
        /^Layer "m2" \(MultiHeadAttention\): MultiHeadAttention must be called on a list of inputs/,
    });
    assert.throws(
      () => mha.apply([st.zeros([1, 2, 3]), st.zeros([1, 4, 3]), st.zeros([1, 5, 3])]),
      {
        message: /all dimensions of value and key, except the last one, must be equal/,
      },
    );
    const inp = Input({ shape: [2, 3] });
    assert.throws(
      () =>
        new MultiHeadAttention({ numHeads: 1, keyDim: 1 }).apply([inp, inp], {
          attentionMask: inp as never,
        }),
      {
        message: /symbolic attentionMask is not supported/,
      },
    );
    assert.throws(
      () =>
        new MultiHeadAttention({ numHeads: 1, keyDim: 1, attentionAxes: [3] }).apply([
          st.zeros([1, 2, 3]),
          st.zeros([1, 2, 3]),
        ]),
      { message: /attentionAxes must be distinct axes of the query/ },
    );
  });
});

// ------------------------------------------------------------ Attention

describe("Attention", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new Attention({ dtype }), {
      inputShape: [2, 3, 4],
      inputShapes: [
        [2, 3, 4],
        [2, 5, 4],
      ],
      expectedOutputShape: [2, 3, 4],
      expectedNumTrainableWeights: 0,
    });
    runLayerTest((dtype) => new Attention({ useScale: true, dtype }), {
      inputShape: [2, 3, 4],
      inputShapes: [
        [2, 3, 4],
        [2, 5, 6],
        [2, 5, 4],
      ],
      expectedOutputShape: [2, 3, 6],
      expectedWeightShapes: [[]],
    });
    runLayerTest((dtype) => new Attention({ useScale: true, scoreMode: "concat", dtype }), {
      inputShape: [2, 3, 4],
      inputShapes: [
        [2, 3, 4],
        [2, 2, 4],
      ],
      expectedOutputShape: [2, 3, 4],
      expectedWeightShapes: [[], []],
    });
  });

  it("computes dot and concat scores against a loop reference, with masks", () => {
    const q = randn([2, 3, 4], 41);
    const v = randn([2, 5, 2], 42);
    const k = randn([2, 5, 4], 43);
    const dot = new Attention({ useScale: true, dtype: "float64" });
    dot.apply([q, v, k]);
    dot.setWeights([st.tensor(0.5, undefined, "float64")]);
    let [out, weights] = luongReference(q, v, k, { mode: "dot", scale: 0.5 });
    let [y, s] = dot.apply([q, v, k], { returnAttentionScores: true });
    assertClose(y, out, { rtol: 1e-9, atol: 1e-12 });
    assertClose(s, weights, { rtol: 1e-9, atol: 1e-12 });

    const qMask = [
      [true, false, true],
      [true, true, true],
    ];
    const vMask = [
      [true, true, false, true, false],
      [false, true, true, true, true],
    ];
    [out, weights] = luongReference(q, v, k, {
      mode: "dot",
      scale: 0.5,
      qMask,
      allowed: (b, t, s2) => vMask[b]![s2]! && s2 <= t,
    });
    [y, s] = dot.apply([q, v, k], {
      mask: [st.tensor(qMask), st.tensor(vMask)],
      useCausalMask: true,
      returnAttentionScores: true,
    });
    assertClose(y, out, { rtol: 1e-9, atol: 1e-12 });
    assertClose(s, weights, { rtol: 1e-9, atol: 1e-12 });
    assert.deepEqual(maskOf(y)?.toArray(), qMask);

    const concat = new Attention({ scoreMode: "concat", useScale: true, dtype: "float64" });
    concat.apply([q, v, k]);
    concat.setWeights([st.tensor(0.8, undefined, "float64"), st.tensor(1.3, undefined, "float64")]);
    [out, weights] = luongReference(q, v, k, { mode: "concat", scale: 0.8, concatWeight: 1.3 });
    [y, s] = concat.apply([q, v, k], { returnAttentionScores: true });
    assertClose(y, out, { rtol: 1e-9, atol: 1e-12 });
    assertClose(s, weights, { rtol: 1e-9, atol: 1e-12 });
  });

  it("uses value as key when given two inputs and drops weights in training only", () => {
    const q = randn([1, 2, 3], 44);
    const v = randn([1, 4, 3], 45);
    const att = new Attention({ dropout: 0.5, seed: 1, dtype: "float64" });
    const [out] = luongReference(q, v, v, { mode: "dot" });
    assertClose(att.apply([q, v]), out, { rtol: 1e-9, atol: 1e-12 });
    const [y, s] = att.apply([q, v], { training: true, returnAttentionScores: true });
    // returned weights are the dropped ones (Keras's Attention); each kept entry is scaled by 2
    assertClose(y, st.ops.matmul(s, v), { rtol: 1e-9, atol: 1e-12 });
    assert.ok(Array.from(s.dataSync()).some((p) => p === 0));
  });

  it("infers shapes symbolically and writes Keras's config", () => {
    const q = Input({ shape: [3, 4] });
    const v = Input({ shape: [5, 6] });
    const k = Input({ shape: [5, 4] });
    const [o, s] = new Attention().apply([q, v, k], { returnAttentionScores: true });
    assert.deepEqual(o.shape, [null, 3, 6]);
    assert.deepEqual(s.shape, [null, 3, 5]);
    const att = new Attention({ useScale: true, scoreMode: "concat", dropout: 0.1, name: "att" });
    const config = att.getConfig();
    assert.deepEqual(
      { use_scale: config.use_scale, score_mode: config.score_mode, dropout: config.dropout },
      { use_scale: true, score_mode: "concat", dropout: 0.1 },
    );
    assert.deepEqual(Attention.fromConfig(config).getConfig(), config);
  });

  it("rejects bad arguments and inputs", () => {
    assert.throws(() => new Attention({ name: "a", scoreMode: "add" as never }), {
      message:
        'Layer "a" (Attention): invalid score_mode; expected one of "dot", "concat"; received scoreMode="add"',
    });
    assert.throws(() => new Attention({ name: "a2" }).apply(st.zeros([1, 2, 3])), {
      message: /^Layer "a2" \(Attention\): Attention layer must be called on a list of inputs/,
    });
    assert.throws(
      () => new Attention().apply([st.zeros([1, 2, 3]), st.zeros([1, 4, 5]), st.zeros([1, 4, 2])]),
      {
        message: /query and key must have the same last axis/,
      },
    );
    assert.throws(
      () => new Attention().apply([st.zeros([1, 2, 3]), st.zeros([1, 4, 3]), st.zeros([1, 5, 3])]),
      {
        message: /value and key must have the same number of steps/,
      },
    );
  });
});
