import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ops } from "../../src/index.js";
import { assertClose, eachBackend, gradcheck, randn, valuesOf } from "../helpers.js";

/** Naive reduction over one axis by explicit index arithmetic. */
function naiveReduce(x: st.Tensor, axis: number, f: (vals: number[]) => number): number[] {
  const shape = x.shape;
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const n = shape[axis]!;
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const vals: number[] = [];
      for (let s = 0; s < n; s++) vals.push(valuesOf(x)[(o * n + s) * inner + i]!);
      out.push(f(vals));
    }
  }
  return out;
}

eachBackend("reduce", () => {
  const x = randn([3, 4, 5], 3);
  const fns: [string, (t: st.Tensor, a: number) => st.Tensor, (v: number[]) => number][] = [
    ["sum", (t, a) => ops.sum(t, a), (v) => v.reduce((p, q) => p + q, 0)],
    ["mean", (t, a) => ops.mean(t, a), (v) => v.reduce((p, q) => p + q, 0) / v.length],
    ["max", (t, a) => ops.max(t, a), (v) => Math.max(...v)],
    ["min", (t, a) => ops.min(t, a), (v) => Math.min(...v)],
    ["prod", (t, a) => ops.prod(t, a), (v) => v.reduce((p, q) => p * q, 1)],
    ["argmax", (t, a) => ops.argmax(t, a), (v) => v.indexOf(Math.max(...v))],
    ["argmin", (t, a) => ops.argmin(t, a), (v) => v.indexOf(Math.min(...v))],
  ];

  it("matches naive loops over every axis", () => {
    for (const [name, f, ref] of fns) {
      for (let a = 0; a < 3; a++) {
        assertClose(f(x, a), naiveReduce(x, a, ref), { rtol: 1e-12 });
        assert.equal(f(x, a - 3).shape.join(), f(x, a).shape.join(), `${name} negative axis`);
      }
    }
  });

  it("reduces several axes, all axes, and keeps dims", () => {
    assertClose(
      ops.sum(x, [0, 2]),
      naiveReduce(ops.sum(x, 2), 0, (v) => v.reduce((p, q) => p + q, 0)),
    );
    assert.deepEqual(ops.sum(x, [0, 2], true).shape, [1, 4, 1]);
    assert.deepEqual(ops.mean(x).shape, []);
    assertClose(ops.max(x, null, true), [Math.max(...x.dataSync())]);
    assert.deepEqual(ops.argmax(x, 1, true).shape, [3, 1, 5]);
    assert.equal(
      ops
        .argmax(
          st.tensor([
            [1, 9],
            [3, 4],
          ]),
        )
        .item(),
      1,
    );
  });

  it("computes variance, std and logSumExp stably", () => {
    const v = st.tensor([[1, 2, 3, 4]], undefined, "float64");
    assertClose(ops.variance(v, 1), [1.25]);
    assertClose(ops.std(v, 1), [Math.sqrt(1.25)]);
    assertClose(ops.logSumExp(st.tensor([1000, 1000])), [1000 + Math.log(2)], { rtol: 1e-6 });
    assertClose(ops.logSumExp(st.tensor([-1000, -1000])), [-1000 + Math.log(2)], { rtol: 1e-6 });
  });

  it("handles empty axes and NaN like NumPy", () => {
    assertClose(ops.sum(st.zeros([0, 3]), 0), [0, 0, 0]);
    assert.ok(Number.isNaN(ops.mean(st.zeros([0])).item() as number));
    assert.throws(() => ops.max(st.zeros([0, 3]), 0), { name: "ValueError" });
    assert.ok(Number.isNaN(ops.max(st.tensor([1, NaN, 3])).item() as number));
    assert.deepEqual(ops.any(st.zeros([0])).item(), false);
    assert.deepEqual(ops.all(st.zeros([0])).item(), true);
    assert.deepEqual(
      ops
        .any(
          st.tensor([
            [0, 1],
            [0, 0],
          ]),
          1,
        )
        .toArray(),
      [true, false],
    );
  });

  it("sums int32 and bool in int32", () => {
    assert.equal(ops.sum(st.tensor([true, true, false])).item(), 2);
    assert.equal(ops.sum(st.tensor([true])).dtype, "int32");
    assert.equal(ops.mean(st.tensor(new Int32Array([1, 2]))).item(), 1.5);
  });

  it("checks reduction gradients", () => {
    const y = randn([3, 4], 5);
    for (const axis of [null, 0, 1, [0, 1]] as const) {
      gradcheck((t) => ops.sum(t, axis), [y]);
      gradcheck((t) => ops.mean(t, axis, true), [y]);
      gradcheck((t) => ops.max(t, axis), [y]);
      gradcheck((t) => ops.min(t, axis), [y]);
      gradcheck((t) => ops.prod(t, axis), [y]);
      gradcheck((t) => ops.variance(t, axis), [y]);
      gradcheck((t) => ops.logSumExp(t, axis), [y]);
    }
    gradcheck((t) => ops.std(t, 1), [y]);
  });

  it("shares the max gradient among ties and handles zeros in prod", () => {
    const g = st.grad((t: st.Tensor) => ops.max(t))(st.tensor([1, 3, 3], undefined, "float64"));
    assertClose(g, [0, 0.5, 0.5]);
    const p = st.grad((t: st.Tensor) => ops.prod(t))(st.tensor([2, 0, 5], undefined, "float64"));
    assertClose(p, [0, 10, 0]);
    gradcheck(
      (t) => ops.prod(t, 1),
      [
        st.tensor(
          [
            [0, 2, 3],
            [1, 0, 0],
          ],
          undefined,
          "float64",
        ),
      ],
    );
  });
});
