/**
 * The keras.ops activations of ops/activations-extra.ts against scalar references written from
 * Keras 3.16's documented formulas (float64 loops), Keras's own literal cases, and finite
 * differences for every gradient.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { StrataError } from "../../src/errors.js";
import {
  celu,
  glu,
  hardShrink,
  hardTanh,
  softShrink,
  sparsePlus,
  sparseSigmoid,
  sparsemax,
  squareplus,
  tanhShrink,
  threshold,
} from "../../src/ops/activations-extra.js";
import { assertClose, eachBackend, gradcheck, randn } from "../helpers.js";

const sig = (v: number): number => 1 / (1 + Math.exp(-v));

const refs: [string, (x: Tensor) => Tensor, (v: number) => number, number[]][] = [
  ["celu", (x) => celu(x), (v) => (v >= 0 ? v : Math.expm1(v)), [0]],
  ["celu 0.5", (x) => celu(x, 0.5), (v) => (v >= 0 ? v : 0.5 * Math.expm1(v / 0.5)), [0]],
  ["celu 2", (x) => celu(x, 2), (v) => (v >= 0 ? v : 2 * Math.expm1(v / 2)), [0]],
  ["hardTanh", hardTanh, (v) => (v < -1 ? -1 : v > 1 ? 1 : v), [-1, 1]],
  ["hardShrink", (x) => hardShrink(x), (v) => (Math.abs(v) > 0.5 ? v : 0), [-0.5, 0.5]],
  ["hardShrink 1", (x) => hardShrink(x, 1), (v) => (Math.abs(v) > 1 ? v : 0), [-1, 1]],
  [
    "softShrink",
    (x) => softShrink(x),
    (v) => (v > 0.5 ? v - 0.5 : v < -0.5 ? v + 0.5 : 0),
    [-0.5, 0.5],
  ],
  [
    "softShrink 1.5",
    (x) => softShrink(x, 1.5),
    (v) => (v > 1.5 ? v - 1.5 : v < -1.5 ? v + 1.5 : 0),
    [-1.5, 1.5],
  ],
  ["tanhShrink", tanhShrink, (v) => v - Math.tanh(v), []],
  ["squareplus", (x) => squareplus(x), (v) => (v + Math.sqrt(v * v + 4)) / 2, []],
  ["squareplus 1", (x) => squareplus(x, 1), (v) => (v + Math.sqrt(v * v + 1)) / 2, []],
  ["sparsePlus", sparsePlus, (v) => (v <= -1 ? 0 : v >= 1 ? v : 0.25 * (v + 1) ** 2), [-1, 1]],
  ["sparseSigmoid", sparseSigmoid, (v) => (v <= -1 ? 0 : v >= 1 ? 1 : 0.5 * (v + 1)), [-1, 1]],
  ["threshold", (x) => threshold(x, 0.3, -2), (v) => (v > 0.3 ? v : -2), [0.3]],
];

/** Random values over every piece, none within 1e-3 of a kink (finite differences cross none). */
function spread(seed: number, kinks: number[]): Tensor {
  const x = randn([4, 6], seed, 2);
  const away = Array.from(x.dataSync() as Float64Array, (v) =>
    kinks.some((k) => Math.abs(v - k) < 1e-3) ? v + 0.01 : v,
  );
  return st.tensor(Float64Array.from(away), [4, 6]);
}

/** Reference sparsemax of one row, straight from Martins & Astudillo's algorithm 1. */
function sparsemaxRow(z: number[]): number[] {
  const s = [...z].sort((a, b) => b - a);
  let cum = 0;
  let k = 0;
  let kSum = 0;
  for (let j = 0; j < s.length; j++) {
    cum += s[j]!;
    if (1 + (j + 1) * s[j]! > cum) {
      k = j + 1;
      kSum = cum;
    }
  }
  const tau = (kSum - 1) / k;
  return z.map((v) => Math.max(v - tau, 0));
}

eachBackend("extra activations (keras.ops)", () => {
  it("match Keras's documented formulas elementwise", () => {
    const wide = st.tensor(Float64Array.from([-8, -2.5, -1.2, -0.7, -0.2, 0, 0.2, 0.7, 1.2, 3, 9]));
    for (const [name, f, ref, kinks] of refs) {
      for (const input of [spread(1, kinks), wide]) {
        const expected = Array.from(input.dataSync() as Float64Array, ref);
        try {
          assertClose(f(input), expected, { rtol: 1e-12, atol: 1e-14 });
        } catch (e) {
          throw new Error(`${name}: ${(e as Error).message}`);
        }
      }
    }
  });

  it("take the values at the kinks that Keras's definitions give", () => {
    const at = (f: (x: Tensor) => Tensor, xs: number[]): number[] =>
      Array.from(f(st.tensor(Float64Array.from(xs))).dataSync());
    assert.deepEqual(at(hardShrink, [-0.5, 0.5, 0.6]), [0, 0, 0.6]);
    assert.deepEqual(at(softShrink, [-0.5, 0.5]), [0, 0]);
    assert.deepEqual(at(sparsePlus, [-1, 1]), [0, 1]);
    assert.deepEqual(at(sparseSigmoid, [-1, 1]), [0, 1]);
    assert.deepEqual(
      at((x) => threshold(x, 1, 7), [1, 1.5]),
      [7, 1.5],
    );
    assert.deepEqual(at(hardTanh, [-1, 1, -3, 3]), [-1, 1, -1, 1]);
  });

  it("compute glu as a · σ(b) over the halves of an axis", () => {
    const x = randn([2, 4, 6], 3);
    const v = x.dataSync() as Float64Array;
    for (const axis of [-1, 1, 0]) {
      const shape = [2, 4, 6];
      const ax = (axis + 3) % 3;
      const half = shape[ax]! / 2;
      const outShape = shape.map((d, i) => (i === ax ? half : d));
      const expected: number[] = [];
      for (let i = 0; i < outShape[0]!; i++) {
        for (let j = 0; j < outShape[1]!; j++) {
          for (let k = 0; k < outShape[2]!; k++) {
            const idx = [i, j, k];
            const flat = (p: number[]) => p[0]! * 24 + p[1]! * 6 + p[2]!;
            const other = [...idx];
            other[ax]! += half;
            expected.push(v[flat(idx)]! * sig(v[flat(other)]!));
          }
        }
      }
      const y = glu(x, axis);
      assert.deepEqual(y.shape, outShape);
      assertClose(y, expected, { rtol: 1e-12 });
    }
    assert.throws(() => glu(st.zeros([2, 3])), StrataError);
    assert.throws(() => glu(st.zeros([2, 4]), 2), StrataError);
  });

  it("compute sparsemax as the paper's projection onto the simplex", () => {
    // Keras's own cases: one winner.
    assertClose(sparsemax(st.tensor([-0.5, 0, 1, 2, 3])), [0, 0, 0, 0, 1]);
    assertClose(sparsemax(st.tensor([-1, 0, 1])), [0, 0, 1]);
    // Several in the support: τ = (Σ_support − 1)/k, the output sums to 1.
    assertClose(
      sparsemax(st.tensor(Float64Array.from([0.5, 0.4, 0]))),
      [0.5333333333333333, 0.43333333333333335, 0.03333333333333333],
      { rtol: 1e-12 },
    );
    const x = randn([3, 5, 4], 5, 0.6);
    const v = Array.from(x.dataSync() as Float64Array);
    for (const axis of [-1, 1, 0]) {
      const shape = [3, 5, 4];
      const ax = (axis + 3) % 3;
      const strides = [20, 4, 1];
      const expected = new Array<number>(v.length);
      for (let flat = 0; flat < v.length; flat++) {
        if (Math.floor(flat / strides[ax]!) % shape[ax]! !== 0) continue; // start of a row only
        const idx = Array.from({ length: shape[ax]! }, (_, r) => flat + r * strides[ax]!);
        sparsemaxRow(idx.map((i) => v[i]!)).forEach((o, r) => (expected[idx[r]!] = o));
      }
      const y = sparsemax(x, axis);
      assertClose(y, expected, { rtol: 1e-12, atol: 1e-14 });
      assertClose(
        st.ops.sum(y, ax),
        st.ones(
          shape.filter((_, i) => i !== ax),
          "float64",
        ),
        {
          rtol: 1e-12,
        },
      );
    }
    assert.deepEqual(sparsemax(st.zeros([0, 3])).shape, [0, 3]);
  });

  it("check every gradient against finite differences", () => {
    for (const [name, f, , kinks] of refs) {
      try {
        gradcheck(f, [spread(2, kinks)]);
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
    gradcheck((x) => glu(x), [randn([3, 4], 6)]);
    gradcheck((x) => glu(x, 0), [randn([4, 3], 7)]);
    // Sparsemax: inputs whose supports hold several entries and no entry sits on its edge.
    const rows = st.tensor(
      Float64Array.from([0.5, 0.4, 0, -0.3, 1.2, 1.1, 0.9, -2, 0.1, 0.2, 0.3, 0.25]),
      [3, 4],
    );
    gradcheck((x) => sparsemax(x), [rows]);
    gradcheck((x) => sparsemax(x, 0), [st.ops.transpose(rows)]);
  });

  it("compute int inputs in float32 and keep float64", () => {
    const ints = st.tensor(new Int32Array([-2, 0, 2]));
    for (const [, f] of refs) assert.equal(f(ints).dtype, "float32");
    assert.equal(sparsemax(ints).dtype, "float32");
    assert.equal(celu(randn([2], 1)).dtype, "float64");
  });

  it("refuse bad arguments with the op and argument named", () => {
    assert.throws(() => celu(st.ones([2]), 0), /celu: alpha must be nonzero/);
    assert.throws(() => squareplus(st.ones([2]), -1), /squareplus: b must be >= 0/);
    assert.throws(() => hardShrink(st.ones([2]), Number.NaN), /hardShrink: threshold/);
    assert.throws(
      () => threshold(st.ones([2]), 0, undefined as unknown as number),
      /threshold: defaultValue must be a finite number/,
    );
    assert.throws(() => sparsemax(st.tensor(1)), /sparsemax: x must have at least one axis/);
    assert.throws(() => sparsemax(st.ones([2, 2]), 2), StrataError);
  });
});
