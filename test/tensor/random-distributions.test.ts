import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

/** Sample mean and variance in float64. */
function moments(t: st.Tensor): [number, number] {
  const v = Array.from(t.dataSync() as Float32Array);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
  return [mean, variance];
}

/** |got − want| within `k` standard errors of a mean of n draws with the given variance. */
function withinStandardErrors(got: number, want: number, variance: number, n: number, k = 5) {
  const se = Math.sqrt(variance / n);
  assert.ok(Math.abs(got - want) <= k * se, `got ${got}, expected ${want} ± ${k}·${se}`);
}

const N = 40_000;

describe("st.random.gamma / beta / binomial / categorical", () => {
  it("gamma(α) has mean α and variance α, for α below and above 1", () => {
    for (const alpha of [0.3, 1, 4.5]) {
      const [mean, variance] = moments(st.random.gamma([N], alpha, { seed: 1 }));
      withinStandardErrors(mean, alpha, alpha, N);
      // The variance of the sample variance of a Gamma(α) is about (6α + 2α²) / n.
      withinStandardErrors(variance, alpha, 6 * alpha + 2 * alpha * alpha, N);
    }
  });

  it("beta(a, b) has mean a / (a + b) and variance ab / ((a + b)²(a + b + 1)), all in (0, 1)", () => {
    const [a, b] = [2, 5];
    const draws = st.random.beta([N], a, b, { seed: 2 });
    const [mean, variance] = moments(draws);
    const wantVar = (a * b) / ((a + b) ** 2 * (a + b + 1));
    withinStandardErrors(mean, a / (a + b), wantVar, N);
    assert.ok(Math.abs(variance - wantVar) < 0.05 * wantVar);
    assert.ok(Array.from(draws.dataSync()).every((x) => x > 0 && x < 1));
  });

  it("binomial(n, p) has mean np and variance np(1 − p), small and large n·p", () => {
    for (const [n, p] of [
      [10, 0.3],
      [5000, 0.6],
    ] as const) {
      const draws = st.random.binomial([N / 4], n, p, { seed: 3 });
      const [mean, variance] = moments(draws);
      withinStandardErrors(mean, n * p, n * p * (1 - p), N / 4);
      assert.ok(Math.abs(variance - n * p * (1 - p)) < 0.1 * n * p * (1 - p));
      assert.ok(Array.from(draws.dataSync()).every((x) => Number.isInteger(x) && x >= 0 && x <= n));
    }
    assert.deepEqual(Array.from(st.random.binomial([3], 7, 1).dataSync()), [7, 7, 7]);
    assert.deepEqual(Array.from(st.random.binomial([3], 7, 0).dataSync()), [0, 0, 0]);
  });

  it("parameters broadcast from tensors to the shape", () => {
    const counts = st.tensor([[0], [10]]);
    const draws = st.random.binomial([2, 3], counts, st.tensor([1, 1, 1]), { seed: 4 });
    assert.deepEqual(Array.from(draws.dataSync()), [0, 0, 0, 10, 10, 10]);
    assert.throws(
      () => st.random.beta([2, 3], st.tensor([1, 2]), 1),
      /random\.beta: alpha of shape \[2\] does not broadcast to shape \[2,3\]/,
    );
  });

  it("categorical draws classes with softmax(logits) frequencies, one row per batch row", () => {
    const logits = st.tensor([
      [0, Math.log(3), -Infinity],
      [5, 5, 5],
    ]);
    const draws = st.random.categorical(logits, N / 2, { seed: 5 });
    assert.deepEqual(draws.shape, [2, N / 2]);
    assert.equal(draws.dtype, "int32");
    const v = draws.dataSync();
    const count = (row: number, c: number) =>
      Array.from(v.subarray(row * (N / 2), (row + 1) * (N / 2))).filter((x) => x === c).length;
    withinStandardErrors(count(0, 1) / (N / 2), 0.75, 0.75 * 0.25, N / 2);
    assert.equal(count(0, 2), 0);
    withinStandardErrors(count(1, 2) / (N / 2), 1 / 3, 2 / 9, N / 2);
  });

  it("a seed repeats the draws and a SeedGenerator moves on", () => {
    const a = st.random.gamma([5], 2, { seed: 9 }).dataSync();
    assert.deepEqual(st.random.gamma([5], 2, { seed: 9 }).dataSync(), a);
    const gen = new st.random.SeedGenerator(9);
    const first = st.random.beta([5], 2, 2, { seed: gen }).dataSync();
    assert.notDeepEqual(st.random.beta([5], 2, 2, { seed: gen }).dataSync(), first);
  });

  it("bad parameters say what was expected", () => {
    assert.throws(() => st.random.gamma([2], 0), /random\.gamma: alpha must be > 0; received 0/);
    assert.throws(() => st.random.binomial([2], 2.5, 0.5), /counts must be non-negative integers/);
    assert.throws(() => st.random.binomial([2], 2, 1.5), /probabilities must be in \[0, 1\]/);
    assert.throws(() => st.random.categorical(st.tensor([1, 2]), 3), /must be a 2-D tensor/);
    assert.throws(() => st.random.gamma([2], 1, { dtype: "int32" }), /must be a float type/);
  });
});
