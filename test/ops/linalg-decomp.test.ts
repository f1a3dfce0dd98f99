/**
 * ops.linalg's factorizations by their defining properties (their signs and orders are free, so
 * NumPy's outputs are compared only where they are unique: singular values, eigenvalues), and
 * the gradients Keras differentiates against finite differences. Values of det, inv, solve …
 * against NumPy are in numpy-ops.test.ts (fixtures/ops/linalg.json).
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ops } from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { assertClose, eachBackend, gradcheck, randn } from "../helpers.js";

const { linalg } = ops;
const mT = (t: Tensor): Tensor => ops.swapaxes(t, -1, -2);
const eyeLike = (n: number): Tensor => st.tensor(ops.identity(n, "float64").dataSync(), [n, n]);
/** A symmetric positive-definite batch built from x: x xᵀ + n·I. */
const spd = (x: Tensor): Tensor =>
  ops.add(ops.matmul(x, mT(x)), ops.multiply(eyeLike(x.shape[x.rank - 1]!), 3));

eachBackend("ops.linalg", () => {
  it("exports the linalg namespace and the flat names", () => {
    for (const name of [
      "cholesky",
      "choleskyInverse",
      "det",
      "eig",
      "eigh",
      "inv",
      "lstsq",
      "luFactor",
      "matrixPower",
      "matrixRank",
      "norm",
      "pinv",
      "qr",
      "solve",
      "solveTriangular",
      "svd",
    ]) {
      assert.equal(typeof (linalg as Record<string, unknown>)[name], "function", name);
      assert.equal(
        (ops as Record<string, unknown>)[name],
        (linalg as Record<string, unknown>)[name],
      );
    }
    assert.equal(typeof ops.slogdet, "function");
    assert.equal(typeof ops.logdet, "function");
  });

  it("qr: q orthonormal, r upper triangular, q·r = x (reduced and complete)", () => {
    const x = randn([2, 5, 3], 1);
    const [q, r] = linalg.qr(x);
    assert.deepEqual(
      [q.shape, r.shape],
      [
        [2, 5, 3],
        [2, 3, 3],
      ],
    );
    assertClose(ops.matmul(q, r), x, { atol: 1e-12 });
    assertClose(ops.matmul(mT(q), q), ops.broadcastTo(eyeLike(3), [2, 3, 3]), { atol: 1e-12 });
    assertClose(ops.triu(r), r);
    const [qc, rc] = linalg.qr(randn([3, 4], 2), "complete");
    assert.deepEqual(
      [qc.shape, rc.shape],
      [
        [3, 3],
        [3, 4],
      ],
    );
    assertClose(ops.matmul(qc, rc), randn([3, 4], 2), { atol: 1e-12 });
    assert.throws(() => linalg.qr(x, "full" as never), /qr: mode must be "reduced" or "complete"/);
  });

  it("svd: u·diag(s)·vh = x, orthonormal factors, s descending as NumPy's", () => {
    for (const [m, n] of [
      [4, 3],
      [3, 5],
      [3, 3],
    ] as const) {
      const x = randn([2, m, n], m * 10 + n);
      const [u, s, vh] = linalg.svd(x) as [Tensor, Tensor, Tensor];
      const k = Math.min(m, n);
      assert.deepEqual(
        [u.shape, s.shape, vh.shape],
        [
          [2, m, m],
          [2, k],
          [2, n, n],
        ],
      );
      const [ur, sr, vr] = linalg.svd(x, false) as [Tensor, Tensor, Tensor];
      assert.deepEqual(
        [ur.shape, vr.shape],
        [
          [2, m, k],
          [2, k, n],
        ],
      );
      assertClose(ops.matmul(ops.multiply(ur, ops.expandDims(sr, -2)), vr), x, { atol: 1e-11 });
      assertClose(ops.matmul(mT(u), u), ops.broadcastTo(eyeLike(m), [2, m, m]), { atol: 1e-11 });
      assertClose(ops.matmul(vh, mT(vh)), ops.broadcastTo(eyeLike(n), [2, n, n]), { atol: 1e-11 });
      assertClose(linalg.svd(x, true, false) as Tensor, s);
      const sv = Array.from(s.dataSync());
      for (let i = 1; i < k; i++) assert.ok(sv[i]! <= sv[i - 1]!);
    }
    // Rank-deficient: s = [√(1+4+9)·√2 … 0], still orthonormal u.
    const r = st.tensor(Float64Array.from([1, 2, 3, 2, 4, 6]), [2, 3]);
    const [u2, s2] = linalg.svd(r) as [Tensor, Tensor, Tensor];
    assertClose(s2, [Math.sqrt(70), 0], { atol: 1e-12 });
    assertClose(ops.matmul(mT(u2), u2), eyeLike(2), { atol: 1e-12 });
  });

  it("eigh: ascending eigenvalues, A·v = v·diag(w); eig on a real spectrum; complex is refused", () => {
    const a = spd(randn([2, 4, 4], 3));
    const [w, v] = linalg.eigh(a);
    assertClose(ops.matmul(a, v), ops.multiply(v, ops.expandDims(w, -2)), { atol: 1e-10 });
    const wv = Array.from(w.dataSync());
    assert.ok(wv[0]! <= wv[1]! && wv[1]! <= wv[2]! && wv[2]! <= wv[3]!);
    const g = st.tensor(Float64Array.from([2, 1, 0, 1, 3, 1, 0, 0, 5]), [3, 3]);
    const [ew, ev] = linalg.eig(g);
    assertClose(ops.matmul(g, ev), ops.multiply(ev, ops.expandDims(ew, -2)), { atol: 1e-9 });
    // Block triangular: the 2×2 block [[2, 1], [1, 3]] gives (5 ± √5)/2, the last row 5.
    assertClose(ops.sort(ew), [(5 - Math.sqrt(5)) / 2, (5 + Math.sqrt(5)) / 2, 5], { atol: 1e-9 });
    const rotation = st.tensor(Float64Array.from([0, -1, 1, 0]), [2, 2]);
    assert.throws(() => linalg.eig(rotation), /eig: matrix 0 of the batch has complex eigenvalues/);
  });

  it("luFactor: P·L·U = x with scipy's 0-based pivots", () => {
    const x = randn([4, 4], 4);
    const [lu, piv] = linalg.luFactor(x);
    assert.equal(piv.dtype, "int32");
    const n = 4;
    const luv = lu.dataSync();
    const L = Float64Array.from({ length: 16 }, (_, k) => {
      const [i, j] = [Math.floor(k / n), k % n];
      return i > j ? luv[k]! : i === j ? 1 : 0;
    });
    const U = Float64Array.from({ length: 16 }, (_, k) =>
      Math.floor(k / n) <= k % n ? luv[k]! : 0,
    );
    const prod = ops.matmul(st.tensor(L, [4, 4]), st.tensor(U, [4, 4]));
    // Undo the row swaps in reverse order.
    const rows = Array.from({ length: n }, (_, i) => i);
    Array.from(piv.dataSync()).forEach((p, i) => ([rows[i], rows[p]] = [rows[p]!, rows[i]!]));
    const restored = ops.take(x, st.tensor(Int32Array.from(rows)), 0);
    assertClose(prod, restored, { atol: 1e-12 });
  });

  it("gradients of det, slogdet, logdet, inv, solve, solveTriangular match finite differences", () => {
    const a = ops.add(randn([2, 3, 3], 5), ops.multiply(eyeLike(3), 2));
    const b = randn([2, 3, 2], 6);
    gradcheck((x) => linalg.det(x), [a], { rtol: 1e-5 });
    gradcheck((x) => ops.slogdet(x)[1]!, [a], { rtol: 1e-5 });
    gradcheck((x) => linalg.inv(x), [a], { rtol: 1e-5 });
    gradcheck((x, y) => linalg.solve(x, y), [a, b], { rtol: 1e-5 });
    gradcheck((x, y) => linalg.solve(x, y), [a, randn([2, 3], 7)], { rtol: 1e-5 });
    gradcheck((x, y) => linalg.solveTriangular(x, y, true), [a, b], { rtol: 1e-5 });
    gradcheck((x, y) => linalg.solveTriangular(x, y), [a, b], { rtol: 1e-5 });
    gradcheck((x) => linalg.matrixPower(x, -2), [a], { rtol: 1e-5 });
    gradcheck((x) => linalg.norm(x, 3, -1), [a], { rtol: 1e-5 });
    gradcheck((x) => linalg.norm(x, "fro", [1, 2]), [a], { rtol: 1e-5 });
  });

  it("gradients of cholesky, choleskyInverse, logdet and eigh (through a symmetric input) match", () => {
    const x = randn([2, 3, 3], 8);
    gradcheck((t) => linalg.cholesky(spd(t)), [x], { rtol: 1e-5 });
    gradcheck((t) => linalg.cholesky(spd(t), true), [x], { rtol: 1e-5 });
    gradcheck((t) => linalg.choleskyInverse(linalg.cholesky(spd(t))), [x], { rtol: 1e-5 });
    gradcheck((t) => ops.logdet(spd(t)), [x], { rtol: 1e-5 });
    gradcheck((t) => linalg.eigh(spd(t))[0]!, [x], { rtol: 1e-5 });
    // Eigenvectors' signs are free: differentiate a sign-invariant function of them.
    gradcheck((t) => ops.square(linalg.eigh(spd(t))[1]!), [x], { rtol: 1e-4, atol: 1e-6 });
  });

  it("bad input raises a StrataError", () => {
    const singular = st.tensor(Float64Array.from([1, 2, 2, 4]), [2, 2]);
    assert.throws(
      () => linalg.inv(singular),
      /inv: matrix 0 of the batch \(shape \[2,2\]\) is singular/,
    );
    assert.throws(() => linalg.solve(singular, [1, 2]), /solve: matrix 0 of a is singular/);
    assert.throws(
      () =>
        linalg.cholesky(
          st.tensor([
            [1, 2],
            [2, 1],
          ]),
        ),
      /cholesky: matrix 0 .* not positive definite/,
    );
    assert.throws(() => linalg.det(st.zeros([2, 3])), /det: expected square matrices/);
    assert.throws(() => linalg.inv(st.zeros([3])), /inv: expected a tensor of rank ≥ 2/);
    assert.throws(() => linalg.solve(st.eye(3), st.zeros([2, 1])), /solve: b's rows must match a/);
    assert.throws(() => linalg.matrixPower(st.eye(2), 1.5), /matrixPower: n must be an integer/);
    assert.throws(() => linalg.norm(st.zeros([2, 2, 2]), 1), /norm: ord 1 needs a 1-D or 2-D x/);
    assert.throws(() => linalg.lstsq(st.zeros([2, 2, 2]), st.zeros([2])), /lstsq: a must be 2-D/);
  });
});
