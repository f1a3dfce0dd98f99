import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";

import { dot, matmul, outer, tensordot } from "../../src/ops/linalg.js";
import {
  assertClose,
  eachBackend,
  gradcheck,
  hostKernels,
  hostOnly,
  randn,
  valuesOf,
} from "../helpers.js";

/** NumPy matmul by plain loops: 1-D promotion, broadcast batch axes, sums in float64. */
function refMatmul(a: Tensor, b: Tensor): { shape: number[]; data: number[] } {
  const as = a.rank === 1 ? [1, a.shape[0]!] : [...a.shape];
  const bs = b.rank === 1 ? [b.shape[0]!, 1] : [...b.shape];
  const [m, k] = as.slice(-2) as [number, number];
  const n = bs[bs.length - 1]!;
  const ab = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const rank = Math.max(ab.length, bb.length);
  const pad = (s: number[]): number[] => [...new Array<number>(rank - s.length).fill(1), ...s];
  const pa = pad(ab);
  const pb = pad(bb);
  const batch = pa.map((d, i) => Math.max(d, pb[i]!));
  const count = batch.reduce((x, y) => x * y, 1);
  const data: number[] = [];
  for (let t = 0; t < count; t++) {
    // Unravel t over `batch`, then ravel into each operand's own (broadcast) batch shape.
    let rest = t;
    let ia = 0;
    let ib = 0;
    let sa = 1;
    let sb = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const idx = rest % batch[d]!;
      rest = Math.floor(rest / batch[d]!);
      ia += (pa[d] === 1 ? 0 : idx) * sa;
      ib += (pb[d] === 1 ? 0 : idx) * sb;
      sa *= pa[d]!;
      sb *= pb[d]!;
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++)
          acc +=
            Number(valuesOf(a)[ia * m * k + i * k + p]) *
            Number(valuesOf(b)[ib * k * n + p * n + j]);
        data.push(acc);
      }
    }
  }
  const shape = [...batch];
  if (a.rank !== 1) shape.push(m);
  if (b.rank !== 1) shape.push(n);
  return { shape, data };
}

function checkMatmul(a: Tensor, b: Tensor, rtol = 1e-12): void {
  const got = matmul(a, b);
  const ref = refMatmul(a, b);
  assert.deepEqual(got.shape, ref.shape, `shape of ${a.shape} · ${b.shape}`);
  assertClose(got, ref.data, { rtol, atol: rtol });
}

eachBackend("linalg", (backend) => {
  it("matches naive loops for odd and block-crossing sizes (float64)", () => {
    const sizes = [1, 2, 3, 4, 5, 7, 33, 65];
    let seed = 1;
    for (const m of sizes) {
      for (const k of [1, 7, 33, 65]) {
        for (const n of sizes) checkMatmul(randn([m, k], seed++), randn([k, n], seed++));
      }
    }
  });

  it("computes float32 products in float32, to float32 accuracy", () => {
    const a = st.random.normal([70, 300], { seed: 3 });
    const b = st.random.normal([300, 9], { seed: 4 });
    const y = matmul(a, b);
    assert.equal(y.dtype, "float32");
    // A sum of 300 float32 products may be accumulated in float32 (BLAS does); the TS backend
    // accumulates in float64, so only its final rounding to float32 differs from the reference.
    const tol = backend === "ts" ? { rtol: 1e-6, atol: 1e-6 } : { rtol: 1e-5, atol: 1e-4 };
    assertClose(y, refMatmul(a, b).data, tol);
  });

  it("covers every transpose flag of the kernel, across cache blocks", hostOnly(backend), () => {
    // Sizes past KC = 256, MC = 64 and NC = 512 exercise the k-accumulation and edge tiles.
    for (const [m, k, n] of [
      [130, 300, 520],
      [9, 5, 6],
      [2, 3, 70],
      [70, 3, 2],
      [1, 9, 1],
    ] as const) {
      const A = randn([m, k], m + k);
      const B = randn([k, n], k + n);
      const ref = refMatmul(A, B).data;
      const At = st.ops.transpose(A);
      const Bt = st.ops.transpose(B);
      for (const [transA, transB] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ]) {
        const out = new Float64Array(m * n);
        const a = (transA ? At : A).dataSync() as Float64Array;
        const b = (transB ? Bt : B).dataSync() as Float64Array;
        hostKernels().matmul(a, b, out, m, k, n, transA!, transB!, 1, 0, 0);
        assertClose([...out], ref, { rtol: 1e-12, atol: 1e-12 });
      }
    }
  });

  it("walks batches with per-operand strides, 0 broadcasting", hostOnly(backend), () => {
    const [m, k, n, batch] = [5, 6, 3, 4];
    const A = randn([batch, m, k], 1);
    const B = randn([batch, k, n], 2);
    const At = st.ops.transpose(A, [0, 2, 1]).dataSync() as Float64Array;
    const Bt = st.ops.transpose(B, [0, 2, 1]).dataSync() as Float64Array;
    // [a data, transA, a stride, b data, transB, b stride]; a stride m·k with b shared is the
    // kernel's fold of the batch into the rows.
    const cases: [Float64Array, boolean, number, Float64Array, boolean, number][] = [
      [A.dataSync() as Float64Array, false, m * k, B.dataSync() as Float64Array, false, 0],
      [A.dataSync() as Float64Array, false, 0, B.dataSync() as Float64Array, false, k * n],
      [At, true, m * k, B.dataSync() as Float64Array, false, 0],
      [A.dataSync() as Float64Array, false, m * k, Bt, true, k * n],
    ];
    for (const [a, transA, sa, b, transB, sb] of cases) {
      const out = new Float64Array(batch * m * n);
      hostKernels().matmul(a, b, out, m, k, n, transA, transB, batch, sa, sb);
      const ref: number[] = [];
      for (let t = 0; t < batch; t++) {
        const At2 = st.ops.reshape(
          A.dataSync().slice((sa ? t : 0) * m * k, (sa ? t + 1 : 1) * m * k),
          [m, k],
        );
        const Bt2 = st.ops.reshape(
          B.dataSync().slice((sb ? t : 0) * k * n, (sb ? t + 1 : 1) * k * n),
          [k, n],
        );
        ref.push(...refMatmul(At2, Bt2).data);
      }
      assertClose([...out], ref, { rtol: 1e-12, atol: 1e-12 });
    }
  });

  it("broadcasts batch axes like NumPy", () => {
    checkMatmul(randn([2, 1, 3, 4], 1), randn([5, 4, 6], 2));
    checkMatmul(randn([3, 4], 3), randn([2, 4, 5], 4));
    checkMatmul(randn([2, 3, 3, 4], 5), randn([4, 5], 6));
    checkMatmul(randn([1, 2, 3], 7), randn([4, 1, 3, 2], 8));
    assert.deepEqual(matmul(st.zeros([2, 1, 3, 4]), st.zeros([5, 4, 6])).shape, [2, 5, 3, 6]);
  });

  it("promotes 1-D operands and removes the added axis", () => {
    checkMatmul(randn([4], 1), randn([4], 2));
    checkMatmul(randn([4], 3), randn([4, 3], 4));
    checkMatmul(randn([2, 4], 5), randn([4], 6));
    checkMatmul(randn([4], 7), randn([2, 4, 3], 8));
    checkMatmul(randn([2, 3, 4], 9), randn([4], 10));
    assert.deepEqual(matmul(st.ones([3]), st.ones([3])).shape, []);
    assert.equal(matmul(st.tensor([1, 2, 3]), st.tensor([4, 5, 6])).item(), 32);
  });

  it("handles empty operands: k = 0 gives zeros, m = 0 or n = 0 gives an empty result", () => {
    const y = matmul(st.ones([3, 0]), st.ones([0, 2]));
    assert.deepEqual(y.toArray(), [
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    assert.deepEqual(matmul(st.ones([0, 4]), st.ones([4, 2])).shape, [0, 2]);
    assert.deepEqual(matmul(st.ones([3, 4]), st.ones([4, 0])).shape, [3, 0]);
    assert.deepEqual(matmul(st.ones([0, 3, 4]), st.ones([4, 2])).shape, [0, 3, 2]);
    assert.deepEqual(matmul(st.ones([0]), st.ones([0])).toArray(), 0);
  });

  it("keeps Keras dtypes: int32 stays int32 (exactly), mixed floats promote", () => {
    const a = st.tensor(new Int32Array([1, 2, 3, 4, 5, 6]));
    const y = matmul(st.ops.reshape(a, [2, 3]), st.ops.reshape(a, [3, 2]));
    assert.equal(y.dtype, "int32");
    assert.deepEqual(y.toArray(), [
      [22, 28],
      [49, 64],
    ]);
    assert.equal(matmul(st.ones([2, 2], "float32"), st.ones([2, 2], "float64")).dtype, "float64");
    assert.equal(matmul(st.ones([2, 2], "int32"), st.ones([2, 2], "float32")).dtype, "float32");
  });

  it("names the op and both shapes on bad input", () => {
    assert.throws(() => matmul(st.zeros([2, 3]), st.zeros([4, 5])), {
      name: "ShapeError",
      message: "matmul: inner dimensions differ: a is [2,3], b is [4,5]",
    });
    assert.throws(() => matmul(st.zeros([3]), st.zeros([4])), {
      message: "matmul: inner dimensions differ: a is [3], b is [4]",
    });
    assert.throws(() => matmul(st.zeros([2, 2, 3]), st.zeros([3, 3, 4])), {
      name: "ShapeError",
      message: "matmul: batch dimensions cannot be broadcast: a is [2,2,3], b is [3,3,4]",
    });
    assert.throws(() => matmul(st.tensor(2), st.zeros([3])), {
      name: "ShapeError",
      message: /at least 1-D/,
    });
  });

  it("checks matmul gradients, batch broadcast and 1-D cases included", () => {
    const cases: [number[], number[]][] = [
      [
        [3, 4],
        [4, 2],
      ],
      [
        [1, 5],
        [5, 1],
      ],
      [
        [2, 1, 2, 3],
        [3, 3, 2],
      ],
      [
        [2, 3, 4],
        [4, 2],
      ], // shared right operand (the Dense layer's fold)
      [
        [3, 2],
        [2, 2, 3],
      ], // shared left operand
      [[4], [4]],
      [[3], [3, 2]],
      [[2, 3], [3]],
      [[3], [2, 3, 2]],
      [[2, 2, 3], [3]],
    ];
    cases.forEach(([sa, sb], i) => gradcheck(matmul, [randn(sa, 30 + i), randn(sb, 50 + i)]));
  });

  it("checks second-order gradients (the transposed products differentiate too)", () => {
    // d/da Σ w·(a·b) = w·bᵀ and d/db Σ w·(a·b) = aᵀ·w: differentiating these runs the A·Bᵀ and
    // Aᵀ·B rules with respect to both of their operands.
    const loss = (a: Tensor, b: Tensor, w: Tensor): Tensor =>
      st.ops.sum(st.ops.multiply(matmul(a, b), w));
    const da = (a: Tensor, b: Tensor, w: Tensor): Tensor =>
      st.grad((x: Tensor) => loss(x, b, w))(a);
    const db = (a: Tensor, b: Tensor, w: Tensor): Tensor =>
      st.grad((y: Tensor) => loss(a, y, w))(b);
    const sq = (a: Tensor, b: Tensor): Tensor => {
      const g = st.grad((x: Tensor) => st.ops.sum(st.ops.square(matmul(x, b))))(a);
      return st.ops.multiply(g, a);
    };
    const [a, b, w] = [randn([3, 4], 1), randn([4, 2], 2), randn([3, 2], 3)];
    gradcheck(da, [a, b, w]);
    gradcheck(db, [a, b, w]);
    gradcheck(sq, [a, b]);
    // Batched, with a shared right operand (the flattened dB rule).
    const [a3, w3] = [randn([2, 3, 4], 4), randn([2, 3, 2], 5)];
    gradcheck(da, [a3, b, w3]);
    gradcheck(db, [a3, b, w3]);
  });

  it("dot follows NumPy for scalars, vectors, matrices and higher ranks", () => {
    assertClose(dot(st.tensor(2), st.tensor([1, 2])), [2, 4]);
    assert.equal(dot(st.tensor([1, 2, 3]), st.tensor([4, 5, 6])).item(), 32);
    checkDot(randn([3, 4], 1), randn([4, 2], 2));
    checkDot(randn([2, 3, 4], 3), randn([4], 4));
    checkDot(randn([2, 3, 4], 5), randn([5, 4, 2], 6));
    checkDot(randn([3, 4], 7), randn([2, 1, 4, 3], 8));
    checkDot(randn([4], 13), randn([2, 4, 3], 14));
    assert.throws(() => dot(st.zeros([2, 3]), st.zeros([2, 4, 5])), {
      message: "dot: inner dimensions differ: a is [2,3], b is [2,4,5]",
    });
    gradcheck(dot, [randn([2, 3], 9), randn([2, 3, 2], 10)]);
    gradcheck(dot, [randn([], 11), randn([2, 3], 12)]);
  });

  it("outer multiplies the flattened operands", () => {
    const y = outer(st.tensor([[1, 2]]), st.tensor([3, 4, 5]));
    assert.deepEqual(y.toArray(), [
      [3, 4, 5],
      [6, 8, 10],
    ]);
    gradcheck(outer, [randn([3], 1), randn([2, 2], 2)]);
  });

  it("tensordot contracts the given axes", () => {
    const a = randn([2, 3, 4], 1);
    const b = randn([3, 4, 5], 2);
    const y = tensordot(a, b, 2);
    assert.deepEqual(y.shape, [2, 5]);
    const ref: number[] = [];
    for (let i = 0; i < 2; i++) {
      for (let l = 0; l < 5; l++) {
        let acc = 0;
        for (let j = 0; j < 3; j++)
          for (let k = 0; k < 4; k++)
            acc += valuesOf(a)[i * 12 + j * 4 + k]! * valuesOf(b)[j * 20 + k * 5 + l]!;
        ref.push(acc);
      }
    }
    assertClose(y, ref, { rtol: 1e-12, atol: 1e-12 });
    // Axis lists in any order: contract a's axis 0 with c's axis 1.
    const c = randn([4, 2], 3);
    const z = tensordot(a, c, [[0], [1]]);
    assert.deepEqual(z.shape, [3, 4, 4]);
    const ref2: number[] = [];
    for (let j = 0; j < 3; j++) {
      for (let k = 0; k < 4; k++) {
        for (let r = 0; r < 4; r++) {
          let acc = 0;
          for (let i = 0; i < 2; i++)
            acc += valuesOf(a)[i * 12 + j * 4 + k]! * valuesOf(c)[r * 2 + i]!;
          ref2.push(acc);
        }
      }
    }
    assertClose(z, ref2, { rtol: 1e-12, atol: 1e-12 });
    assert.deepEqual(tensordot(st.ones([2]), st.ones([3]), 0).shape, [2, 3]);
    assert.throws(() => tensordot(a, b, [[1], [2]]), {
      name: "ShapeError",
      message: /tensordot: contracted sizes differ: a axis 1 has size 3, b axis 2 has size 5/,
    });
    gradcheck(
      (x, w) =>
        tensordot(x, w, [
          [0, 2],
          [1, 0],
        ]),
      [randn([2, 3, 2], 4), randn([2, 2, 3], 5)],
    );
  });
});

/** np.dot for a of rank ≥ 2 and b of rank ≥ 2: out[i…, j…, n] = Σ_k a[i…, k] b[j…, k, n]. */
function checkDot(a: Tensor, b: Tensor): void {
  if (b.rank <= 2) return checkMatmul(a, b);
  const k = a.shape[a.rank - 1]!;
  const [kb, n] = b.shape.slice(-2) as [number, number];
  assert.equal(k, kb);
  const rowsA = a.size / k;
  const batchB = b.size / (k * n);
  const ref: number[] = [];
  for (let i = 0; i < rowsA; i++) {
    for (let t = 0; t < batchB; t++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++)
          acc += valuesOf(a)[i * k + p]! * valuesOf(b)[t * k * n + p * n + j]!;
        ref.push(acc);
      }
    }
  }
  const y = dot(a, b);
  assert.deepEqual(y.shape, [...a.shape.slice(0, -1), ...b.shape.slice(0, -2), n]);
  assertClose(y, ref, { rtol: 1e-12, atol: 1e-12 });
}
