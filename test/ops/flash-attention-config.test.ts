// st.config's flash-attention switch: Keras's values (null = auto by default, false when disabled,
// null again when enabled); dotProductAttention computes the same softmax attention under either,
// checked against a float64 loop, and refuses an explicit flashAttention=true as Keras does.
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import * as st from "../../src/index.js";
import { assertClose } from "../helpers.js";

/** softmax(q·kᵀ/√d)·v for one batch and one head, as plain loops: q (T, d), k and v (S, d). */
function attentionLoop(q: number[][], k: number[][], v: number[][]): number[][] {
  const d = q[0]!.length;
  return q.map((qi) => {
    const logits = k.map((kj) => kj.reduce((s, x, c) => s + x * qi[c]!, 0) / Math.sqrt(d));
    const top = Math.max(...logits);
    const e = logits.map((l) => Math.exp(l - top));
    const z = e.reduce((a, b) => a + b, 0);
    return v[0]!.map((_, c) => v.reduce((s, vj, j) => s + (e[j]! / z) * vj[c]!, 0));
  });
}

const q = [
  [0.1, -0.4, 0.3],
  [1.2, 0.5, -0.7],
];
const k = [
  [0.3, 0.2, -0.1],
  [-0.5, 0.9, 0.4],
  [0.7, -0.2, 0.6],
];
const v = [
  [1, 2, 3],
  [-1, 0.5, 2],
  [0.25, -3, 1],
];
// (batch 1, seq, heads 1, dim) as Keras lays out dot_product_attention's inputs.
const as4d = (m: number[][]) => st.tensor([m.map((row) => [row])], undefined, "float64");

describe("config: flash attention", () => {
  afterEach(() => st.config.enableFlashAttention());

  it("holds Keras's values: null (auto) by default and when enabled, false when disabled", () => {
    assert.equal(st.config.isFlashAttentionEnabled(), null);
    st.config.disableFlashAttention();
    assert.equal(st.config.isFlashAttentionEnabled(), false);
    st.config.enableFlashAttention();
    assert.equal(st.config.isFlashAttentionEnabled(), null);
  });

  it("computes softmax attention whichever the setting, and with flashAttention false", () => {
    const expected = attentionLoop(q, k, v).map((row) => [row]);
    const run = (flash: boolean | null) =>
      st.ops.dotProductAttention(as4d(q), as4d(k), as4d(v), null, null, null, false, flash);
    assertClose(run(null), [expected], { rtol: 1e-12, atol: 1e-12 });
    st.config.disableFlashAttention();
    assertClose(run(null), [expected], { rtol: 1e-12, atol: 1e-12 });
    assertClose(run(false), [expected], { rtol: 1e-12, atol: 1e-12 });
  });

  it("refuses flashAttention=true: no flash kernel exists on Strata's devices", () => {
    assert.throws(
      () => st.ops.dotProductAttention(as4d(q), as4d(k), as4d(v), null, null, null, false, true),
      (e: Error) =>
        e instanceof st.ValueError &&
        /flash attention is not supported on this device/.test(e.message) &&
        /received flashAttention=true/.test(e.message),
    );
  });
});
