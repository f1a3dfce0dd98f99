import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ops } from "../../src/index.js";

import { assertClose, eachBackend, hostKernels, hostOnly, valuesOf } from "../helpers.js";

// The elementwise kernels take fast paths by dtype (float32 exp, sigmoid, relu) and by inner-axis
// layout (contiguous, broadcast, strided); these tests pin each path to the plain definition.

const SPECIAL = [
  0,
  -0,
  1,
  -1,
  0.5,
  88.7,
  88.8,
  -87.3,
  -103,
  -104,
  -200,
  200,
  1e-30,
  Infinity,
  -Infinity,
  NaN,
];

function f32(values: number[]): st.Tensor {
  return st.tensor(Float32Array.from(values));
}

/** Distance in float32 ulps (0 when both are the same value, NaN included). */
function ulps(got: number, want: number): number {
  if (Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)) || got === want) return 0;
  if (!Number.isFinite(want) || !Number.isFinite(got)) return Infinity;
  const e = Math.max(Math.floor(Math.log2(Math.abs(want))), -126);
  return Math.abs(got - want) / 2 ** (e - 23);
}

eachBackend("elementwise kernels", (backend) => {
  it("float32 exp is within 1 ulp of the correctly rounded value, edge cases exact", () => {
    const xs = [...SPECIAL];
    for (let i = 0; i < 2000; i++) xs.push(-100 + (200 * i) / 1999);
    const x = f32(xs);
    const y = ops.exp(x);
    assert.equal(y.dtype, "float32");
    y.dataSync().forEach((v, i) => {
      const want = Math.fround(Math.exp(valuesOf(x)[i]!));
      assert.ok(ulps(v, want) <= 1, `exp(${valuesOf(x)[i]}) = ${v}, want ${want}`);
    });
    assert.deepEqual(
      [...ops.exp(f32([Infinity, -Infinity, 100, -120])).dataSync()],
      [Infinity, 0, Infinity, 0],
    );
    assert.ok(Number.isNaN(ops.exp(f32([NaN])).dataSync()[0]!));
  });

  it("float32 sigmoid stays in [0, 1] and close to the definition", () => {
    const xs = [...SPECIAL];
    for (let i = 0; i < 500; i++) xs.push(-40 + (80 * i) / 499);
    const y = ops.sigmoid(f32(xs));
    y.dataSync().forEach((v, i) => {
      const x = Math.fround(xs[i]!);
      const want = Math.fround(1 / (1 + Math.exp(-x)));
      if (Number.isNaN(x)) return assert.ok(Number.isNaN(v));
      assert.ok(v >= 0 && v <= 1, `sigmoid(${x}) = ${v}`);
      assert.ok(Math.abs(v - want) <= 2e-7 * want + 1e-38, `sigmoid(${x}) = ${v}, want ${want}`);
    });
  });

  it("float32 relu passes NaN, zeroes negatives, -0 and -Infinity", () => {
    const y = ops.relu(f32([1.5, -2, 0, -0, Infinity, -Infinity, NaN, -1e-45]));
    assert.deepEqual([...y.dataSync().slice(0, 6)], [1.5, 0, 0, 0, Infinity, 0]);
    assert.ok(Number.isNaN(valuesOf(y)[6]!));
    assert.equal(valuesOf(y)[7], 0);
    // A NaN with its sign bit set (x86's default NaN) must stay NaN, not become 0.
    const negNaN = new Float32Array(1);
    new Int32Array(negNaN.buffer)[0] = 0xffc00000 | 0;
    assert.ok(Number.isNaN(ops.relu(st.tensor(negNaN)).dataSync()[0]!));
    // A view into a larger buffer (an offset subarray) takes the same path.
    const big = new Float32Array([9, -1, 2, -3]);
    const view = st.tensor(big.subarray(1));
    assert.deepEqual([...ops.relu(view).dataSync()], [0, 2, 0]);
  });

  it("float64 exp and sigmoid keep full double precision", () => {
    const x = st.tensor(Float64Array.from([-30, -1.25, 0.3, 7, 700]));
    assertClose(ops.exp(x), [...x.dataSync()].map(Math.exp), { rtol: 1e-15, atol: 0 });
    assertClose(
      ops.sigmoid(x),
      [...x.dataSync()].map((v) => 1 / (1 + Math.exp(-v))),
      { rtol: 1e-15, atol: 0 },
    );
  });

  it("reads contiguous, broadcast and strided inner axes alike", () => {
    const a = st.arange(12).reshape([3, 4]);
    const ref = (f: (i: number, j: number) => number): number[][] =>
      [0, 1, 2].map((i) => [0, 1, 2, 3].map((j) => f(i, j)));
    const av = (i: number, j: number): number => i * 4 + j;
    assertClose(
      ops.add(a, a),
      ref((i, j) => 2 * av(i, j)),
    );
    assertClose(
      ops.add(a, 10),
      ref((i, j) => av(i, j) + 10),
    );
    assertClose(
      ops.subtract(10, a),
      ref((i, j) => 10 - av(i, j)),
    );
    assertClose(
      ops.add(a, st.tensor([1, 2, 3, 4])),
      ref((i, j) => av(i, j) + j + 1),
    );
    assertClose(
      ops.add(a, st.tensor([[100], [200], [300]])),
      ref((i, j) => av(i, j) + 100 * (i + 1)),
    );
    assertClose(
      ops.add(st.tensor([[100], [200], [300]]), st.tensor([1, 2, 3, 4])),
      ref((i, j) => 100 * (i + 1) + j + 1),
    );
    // A column against a row of another layout: [4,1] + [3] → strides 0 and 1 on the inner axis.
    const col = st.tensor([[1], [2], [3], [4]]);
    assertClose(
      ops.multiply(col, st.tensor([1, 10, 100])),
      [1, 2, 3, 4].map((c) => [c, 10 * c, 100 * c]),
    );
    assertClose(
      ops.where(st.tensor([true, false, true, false]), a, -1),
      ref((i, j) => (j % 2 === 0 ? av(i, j) : -1)),
    );
    assert.equal(ops.add(st.tensor(2), st.tensor(3)).item(), 5);
    assert.deepEqual(ops.add(st.zeros([2, 0]), st.zeros([0])).shape, [2, 0]);
  });

  it(
    "reads a general inner stride (a transposed operand) through the kernel",
    hostOnly(backend),
    () => {
      // b holds a [4,3] matrix; reading it with strides [1,3] over shape [3,4] is its transpose.
      const a = Float64Array.from({ length: 12 }, (_, i) => i);
      const b = Float64Array.from({ length: 12 }, (_, i) => 100 * i);
      const out = new Float64Array(12);
      hostKernels().binary("add", a, b, out, {
        shape: [3, 4],
        strides: [
          [4, 1],
          [1, 3],
        ],
      });
      const want: number[] = [];
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 4; j++) want.push(i * 4 + j + 100 * (j * 3 + i));
      assert.deepEqual([...out], want);
    },
  );

  it("keeps one loop per dtype combination correct when dtypes alternate", () => {
    const i = st.tensor(new Int32Array([2147483647, 3]));
    const f = st.tensor(Float32Array.from([0.5, 1.5]));
    const d = st.tensor(Float64Array.from([0.25, 1e300]));
    for (let r = 0; r < 3; r++) {
      assert.deepEqual([...ops.multiply(i, i).dataSync()], [1, 9]);
      assert.deepEqual([...ops.multiply(f, f).dataSync()], [0.25, 2.25]);
      assert.deepEqual([...ops.multiply(d, d).dataSync()], [0.0625, Infinity]);
      assert.deepEqual([...ops.add(i, f).dataSync()], [2147483648, 4.5]);
    }
  });
});
