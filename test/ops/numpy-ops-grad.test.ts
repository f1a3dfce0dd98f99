/**
 * Gradients of the composed keras.ops names against central finite differences (float64), the
 * control-flow ops against plain loops, and the errors bad input raises.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import { ops } from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { assertClose, eachBackend, gradcheck, randn, randu } from "../helpers.js";

eachBackend("keras.ops numpy names: gradients and errors", () => {
  it("unary functions' gradients match finite differences", () => {
    const x = randu([2, 3], 1, -0.9, 0.9);
    const pos = randu([2, 3], 2, 1.2, 3);
    const sq = randu([3, 3], 7);
    const unary: [string, (t: Tensor) => Tensor, Tensor][] = [
      ["log2", ops.log2, pos],
      ["log10", ops.log10, pos],
      ["exp2", ops.exp2, x],
      ["cbrt", ops.cbrt, pos],
      ["deg2rad", ops.deg2rad, x],
      ["sinh", ops.sinh, x],
      ["cosh", ops.cosh, x],
      ["arcsinh", ops.arcsinh, x],
      ["arccosh", ops.arccosh, pos],
      ["arctanh", ops.arctanh, x],
      ["arcsin", ops.arcsin, x],
      ["arccos", ops.arccos, x],
      ["arctan", ops.arctan, x],
      ["sinc", ops.sinc, x],
      ["fabs", ops.fabs, x],
      ["ravel", ops.ravel, x],
      ["rot90", (t) => ops.rot90(t, 3), x],
      ["roll", (t) => ops.roll(t, 1, 1), x],
      ["tril", (t) => ops.tril(t), x],
      ["diagonal", (t) => ops.diagonal(t, 1), x],
      ["trace", (t) => ops.trace(t), x],
      ["diag", (t) => ops.diag(ops.ravel(t), -1), x],
      ["cumprod", (t) => ops.cumprod(t, 1), x],
      ["diff", (t) => ops.diff(t, 2, 1), x],
      ["median", (t) => ops.median(t, 1), x],
      ["quantile", (t) => ops.quantile(t, [0.2, 0.7], 1), x],
      ["ptp", (t) => ops.ptp(t, 0), x],
      ["nanmean", (t) => ops.nanmean(t, 1), x],
      ["nanstd", (t) => ops.nanstd(t, 1), x],
      ["kron", (t) => ops.kron(t, t), x],
      ["einsum", (t) => ops.einsum("ij,kj->ik", t, t), x],
      ["einsum diag", (t) => ops.einsum("ii->i", t), sq],
      ["einsum ellipsis", (t) => ops.einsum("...ij,...jk", t, t), sq],
      ["normalize", (t) => ops.normalize(t), x],
      ["layerNormalization", (t) => ops.layerNormalization(t), x],
      ["rmsNormalization", (t) => ops.rmsNormalization(t), x],
      ["depthToSpace", (t) => ops.depthToSpace(t, 2), randu([1, 1, 2, 4], 8)],
      ["spaceToDepth", (t) => ops.spaceToDepth(t, 2, "channels_first"), randu([1, 1, 2, 4], 9)],
    ];
    for (const [name, f, input] of unary) {
      try {
        gradcheck(f, [input], { rtol: 1e-4, atol: 1e-6 });
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
  });

  it("binary functions' gradients match finite differences", () => {
    const a = randu([2, 3], 3, 0.5, 2);
    const b = randu([3], 4, -2, -0.5);
    const binary: [string, (x: Tensor, y: Tensor) => Tensor][] = [
      ["hypot", ops.hypot],
      ["logaddexp", ops.logaddexp],
      ["logaddexp2", ops.logaddexp2],
      ["arctan2", ops.arctan2],
      ["fmod", ops.fmod],
      ["divideNoNan", ops.divideNoNan],
      ["inner", ops.inner],
      ["cross", ops.cross],
      ["average", (x, y) => ops.average(x, 1, y)],
    ];
    for (const [name, f] of binary) {
      try {
        gradcheck(f, [a, b], { rtol: 1e-4, atol: 1e-6 });
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
  });

  it("logaddexp splits the gradient evenly at equal arguments", () => {
    const x = st.tensor(Float64Array.from([1, -Infinity]));
    const [ga, gb] = st.grad((a: Tensor, b: Tensor) => ops.sum(ops.logaddexp(a, b)))(
      x,
      st.tensor(Float64Array.from([1, 0])),
    );
    assertClose(ga!, [0.5, 0]);
    assertClose(gb!, [0.5, 1]);
  });

  it("control flow runs as plain loops, gradients flowing through", () => {
    assert.equal(
      ops.cond(
        st.tensor(true),
        () => 1,
        () => 2,
      ),
      1,
    );
    assert.equal(ops.switch(5, [(x: number) => x + 1, (x: number) => x * 10], 3), 30);
    const [i, s] = ops.whileLoop(
      (k: Tensor) => ops.less(k, 5),
      (k: Tensor, acc: Tensor) => [ops.add(k, 1), ops.add(acc, k)],
      [st.tensor(0), st.tensor(0)],
    );
    assert.deepEqual([i!.item(), s!.item()], [5, 10]);
    assert.equal(
      ops
        .whileLoop(
          () => true,
          (k: Tensor) => ops.add(k, 1),
          st.tensor(0),
          7,
        )
        .item(),
      7,
    );
    assert.equal(
      ops.foriLoop(0, 4, (k, v: number) => v + k, 0),
      6,
    );
    const xs = st.tensor([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    const [carry, ys] = ops.scan(
      (c: Tensor, x) => [ops.add(c, x!), ops.multiply(c, 1)],
      st.tensor([0, 0]),
      xs,
    );
    assertClose(carry, [9, 12]);
    assertClose(ys!, [
      [0, 0],
      [1, 2],
      [4, 6],
    ]);
    const [rc] = ops.scan(
      (c: Tensor, x) => [ops.subtract(x!, c), null],
      st.tensor([0, 0]),
      xs,
      null,
      true,
    );
    assertClose(rc, [3, 4]);
    assertClose(
      ops.map((r) => ops.sum(r), xs),
      [3, 7, 11],
    );
    const g = st.grad((t: Tensor) => ops.sum(ops.map((r) => ops.square(r), t)))(randn([2, 2], 5));
    assert.deepEqual(g.shape, [2, 2]);
    const x = randn([3], 6);
    assertClose(st.grad((t: Tensor) => ops.sum(ops.multiply(ops.stopGradient(t), t)))(x), x);
    // vectorize: elementwise over broadcast arguments, or over loop axes with a signature.
    const vf = ops.vectorize((a: Tensor, b: Tensor) =>
      Number(a.item()) > Number(b.item()) ? ops.subtract(a, b) : ops.add(a, b),
    );
    assertClose(
      vf(
        [[1, 5]],
        [2, 3, 4].map((v) => [v]),
      ),
      [
        [3, 3],
        [4, 2],
        [5, 1],
      ],
    );
    const vdot = ops.vectorize((a: Tensor, b: Tensor) => ops.sum(ops.multiply(a, b)), {
      signature: "(n),(n)->()",
    });
    assertClose(
      vdot(
        [
          [1, 2],
          [3, 4],
        ],
        [1, 10],
      ),
      [21, 43],
    );
    const scaled = ops.vectorize((a: Tensor, k: number) => ops.multiply(a, k), { excluded: [1] });
    assertClose(scaled([1, 2], 3), [3, 6]);
    assert.throws(
      () => ops.vectorize((a: Tensor) => a, { signature: "(n)->()" })([1, 2]),
      /vectorize: pyfunc returned rank 1; the signature says 0/,
    );
    const clipped = ops.customGradient((t: Tensor) => [
      ops.square(t),
      (dy: Tensor) => ops.clip(dy, -0.5, 0.5),
    ]);
    assertClose(st.grad((t: Tensor) => ops.sum(clipped(t)))(x), [0.5, 0.5, 0.5]);
  });

  it("bad input raises a StrataError naming the op and the argument", () => {
    const m = st.tensor([
      [1, 2],
      [3, 4],
    ]);
    assert.throws(() => ops.fliplr(st.tensor([1, 2])), /fliplr: x must have at least two axes/);
    assert.throws(() => ops.rot90(m, 1, [0, 0]), /rot90: the two axes must differ/);
    assert.throws(() => ops.searchsorted(m, 1), /searchsorted: sortedSequence must be 1-D/);
    assert.throws(() => ops.digitize([1], [1, 3, 2]), /digitize: bins must be monotonically/);
    assert.throws(
      () => ops.bincount(st.tensor(Int32Array.from([-1]))),
      /bincount: x must be non-negative/,
    );
    assert.throws(() => ops.quantile(m, 1.5), /quantile: q must lie in \[0, 1\]/);
    assert.throws(
      () => ops.quantile(m, 0.5, null, "cubic" as never),
      /quantile: method must be one of/,
    );
    assert.throws(() => ops.cross([1, 2, 3, 4], [1, 2, 3]), /cross: both inputs must be/);
    assert.throws(() => ops.einsum("ij,jk->ik", m), /einsum: "ij,jk->ik" names 2 operands/);
    assert.throws(() => ops.einsum("ij->q", m), /einsum: output label "q" is in no operand/);
    assert.throws(
      () => ops.depthToSpace(st.zeros([1, 2, 2, 3]), 2),
      /depthToSpace: channels \(3\)/,
    );
    assert.throws(() => ops.normalize(m, -1, 0), /normalize: order must be an integer/);
    assert.throws(() => ops.nanargmax([NaN, NaN]), /nanargmax: an all-NaN slice/);
    assert.throws(() => ops.arraySplit([1, 2], 0), /arraySplit: the number of sections/);
    assert.throws(() => ops.geomspace(0, 1), /geomspace: start and stop must not be 0/);
    for (const f of [() => ops.fliplr([1]), () => ops.quantile(m, 2)]) {
      assert.throws(f, (e: unknown) => e instanceof st.StrataError);
    }
  });

  it("ndim, size, shape, copy, identity, empty, fullLike and var", () => {
    const x = st.zeros([2, 3, 4]);
    assert.equal(ops.ndim(x), 3);
    assert.equal(ops.size(x), 24);
    assert.deepEqual(ops.shape(x), [2, 3, 4]);
    const c = ops.copy(x);
    assert.notEqual(c, x);
    assertClose(ops.identity(2), [
      [1, 0],
      [0, 1],
    ]);
    assert.equal(ops.identity(2, "int32").dtype, "int32");
    assert.deepEqual(ops.empty([2, 1]).shape, [2, 1]);
    assert.equal(ops.emptyLike(st.tensor(Int32Array.from([1]))).dtype, "int32");
    assertClose(ops.fullLike(st.zeros([2, 2]), 3), [
      [3, 3],
      [3, 3],
    ]);
    assertClose(ops.fullLike(st.zeros([2, 2]), [1, 2]), [
      [1, 2],
      [1, 2],
    ]);
    assertClose(ops.var([1, 2, 3, 4]), 1.25);
    assertClose(ops.std([1, 2, 3, 4]), Math.sqrt(1.25));
  });

  it("the core and math extras: gradients through values, and their own rules", () => {
    const x = randu([2, 3], 11, -0.9, 0.9);
    const checks: [string, (t: Tensor) => Tensor, Tensor][] = [
      ["erfinv", ops.erfinv, x],
      ["i0", ops.i0, ops.multiply(x, 5)],
      // Each alone: summed with smaller values, a large I0 would hide their differences.
      ["i0 asymptotic", ops.i0, st.tensor(Float64Array.from([31]))],
      ["i0 series", ops.i0, st.tensor(Float64Array.from([-29.5]))],
      [
        "scatter",
        (t) =>
          ops.scatter(
            [
              [0, 1],
              [1, 2],
              [0, 1],
            ],
            ops.ravel(t).slice([0], [3]),
            [2, 3],
          ),
        x,
      ],
      [
        "scatterUpdate",
        (t) =>
          ops.scatterUpdate(
            t,
            [
              [0, 1],
              [1, 2],
            ],
            [5, 6],
          ),
        x,
      ],
      ["scatterUpdate max", (t) => ops.scatterUpdate(t, [[0], [1]], ops.multiply(t, 2), "max"), x],
      ["sliceUpdate", (t) => ops.sliceUpdate(t, [0, 1], ops.slice(t, [0, 0], [2, 2])), x],
      ["segmentSum", (t) => ops.segmentSum(t, [1, 1], 3), x],
      ["segmentMax", (t) => ops.segmentMax(t, [0, 1]), x],
      ["segmentProd", (t) => ops.segmentProd(t, [0, 0]), x],
      ["cdist", (t) => ops.cdist(t, ops.add(t, 1)), x],
      ["trapezoid", (t) => ops.trapezoid(t, ops.cumsum(ops.abs(t), 1)), x],
      ["vander", (t) => ops.vander(ops.ravel(t), 3), x],
      ["corrcoef", (t) => ops.corrcoef(t), x],
      ["fmax", (t) => ops.fmax(t, 0.1), x],
      ["ldexp", (t) => ops.ldexp(t, st.tensor(Int32Array.from([1, -2, 3]))), x],
      ["associativeScan", (t) => ops.associativeScan((a, b) => ops.multiply(a, b), t, false, 1), x],
      ["extractSequences", (t) => ops.extractSequences(t, 2, 1), x],
      ["unstack", (t) => ops.unstack(t, 2)[1]!, x],
      ["logsumexp", (t) => ops.logsumexp(t, 1), x],
      ["erfc", (t) => ops.erfc(ops.multiply(t, 4)), x],
      [
        "gammainc",
        (t) =>
          ops.gammainc(
            [
              [1.5, 2, 0.5],
              [3, 7, 1],
            ],
            ops.multiply(ops.add(t, 1), 3),
          ),
        x,
      ],
    ];
    for (const [name, f, input] of checks) {
      try {
        gradcheck(f, [input], { rtol: 1e-4, atol: 1e-6 });
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
    const v = st.tensor([3, 1, 2, 5, 4]);
    const idx = Array.from(ops.argpartition(v, 2).dataSync());
    const vals = idx.map((i) => [3, 1, 2, 5, 4][i]!);
    assert.ok(
      vals.slice(0, 2).every((e) => e <= vals[2]!) && vals.slice(3).every((e) => e >= vals[2]!),
    );
    assert.equal(ops.isTensor(v), true);
    assert.equal(ops.isTensor([1]), false);
    assert.equal(ops.dtype(ops.array([1, 2], "int32")), "int32");
    assert.equal(ops.convertToTensor([1.5], "float64").dtype, "float64");
    assert.deepEqual(
      Array.from(ops.saturateCast([-300, 12.7, 1e10], "uint8").dataSync()),
      [0, 12, 255],
    );
    assert.deepEqual(
      Array.from(ops.saturateCast([1e10, -1e10], "int32").dataSync()),
      [2147483647, -2147483648],
    );
    assert.throws(
      () => ops.convertToTensor([1], null, true),
      /sparse and ragged tensors do not exist/,
    );
    assert.throws(
      () => ops.scatter([[5]], [1], [3]),
      /scatter: index 5 is out of range for axis 0 of size 3/,
    );
    assert.throws(() => ops.gcd([1.5], [2]), /gcd: expected integer or bool tensors/);
    assert.throws(
      () => ops.segmentSum([[1]], [0, 1]),
      /segmentSum: segmentIds must be 1-D with one id per row/,
    );
    assert.throws(() => ops.histogram([1], 0), /histogram: bins must be a positive integer/);
    assert.throws(
      () => ops.view(st.tensor([1, 2, 3]), "float64"),
      /view: the last axis of \[3\] \(12 bytes\)/,
    );
    assert.throws(
      () => ops.sliceUpdate(st.zeros([2, 2]), [1, 1], st.ones([2, 2])),
      /sliceUpdate: updates/,
    );
  });

  it("signal, losses and attention differentiate; jvp matches the Jacobian", () => {
    const x = randu([2, 4], 12, -0.9, 0.9);
    const p = randu([2, 4], 13, 0.1, 0.9);
    const checks: [string, (t: Tensor) => Tensor, Tensor][] = [
      ["fft", (t) => ops.fft([t, ops.square(t)])[1]!, x],
      ["ifft2", (t) => ops.ifft2([t, t])[0]!, x],
      ["rfft", (t) => ops.rfft(t, 6)[1]!, x],
      ["irfft", (t) => ops.irfft([t, ops.multiply(t, 2)], 5), x],
      ["stft", (t) => ops.stft(ops.ravel(t), 4, 2, 4)[0]!, x],
      [
        "istft",
        (t) => ops.istft([t, ops.square(t)], 4, 2, 6, null, "hamming"),
        ops.reshape(x, [2, 4]),
      ],
      [
        "adaptiveAveragePool",
        (t) => ops.adaptiveAveragePool(ops.reshape(t, [1, 2, 4, 1]), [1, 3]),
        x,
      ],
      ["adaptiveMaxPool", (t) => ops.adaptiveMaxPool(ops.reshape(t, [1, 8, 1]), 3), x],
      ["unfold", (t) => ops.unfold(ops.reshape(t, [1, 1, 2, 4]), [2, 2], 1, 1), x],
      ["fold", (t) => ops.fold(ops.reshape(t, [1, 4, 2]), [2, 3], 2), x],
      ["correlate", (t) => ops.correlate(ops.ravel(t), [1, -2, 0.5], "same"), x],
      ["binaryCrossentropy", (t) => ops.binaryCrossentropy(ops.square(x), t), p],
      ["categoricalCrossentropy", (t) => ops.categoricalCrossentropy(p, t, true), x],
      ["sparseCategoricalCrossentropy", (t) => ops.sparseCategoricalCrossentropy([1, 3], t), p],
      [
        "dotProductAttention",
        (t) => {
          const q = ops.reshape(t, [1, 2, 2, 2]);
          return ops.dotProductAttention(q, ops.square(q), q, null, null, null, true);
        },
        x,
      ],
    ];
    for (const [name, f, input] of checks) {
      try {
        gradcheck(f, [input], { rtol: 1e-4, atol: 1e-6 });
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`);
      }
    }
    // f(a, b) = a² · sin(b): J·t = 2ab·t_a·sin b… elementwise: 2a sin(b) t_a + a² cos(b) t_b
    const a = randn([3], 14);
    const b = randn([3], 15);
    const ta = randn([3], 16);
    const tb = randn([3], 17);
    const [out, jt] = ops.jvp(
      (u: Tensor, w: Tensor) => ops.multiply(ops.square(u), ops.sin(w)),
      [a, b],
      [ta, tb],
    ) as [Tensor, Tensor];
    assertClose(out, ops.multiply(ops.square(a), ops.sin(b)));
    const expected = ops.add(
      ops.multiply(ops.multiply(ops.multiply(a, 2), ops.sin(b)), ta),
      ops.multiply(ops.multiply(ops.square(a), ops.cos(b)), tb),
    );
    assertClose(jt, expected, { rtol: 1e-10 });
    const withAux = ops.jvp((u: Tensor) => [ops.exp(u), "aux"], [a], [ta], true);
    assert.equal(withAux[2], "aux");
    assertClose(withAux[1], ops.multiply(ops.exp(a), ta), { rtol: 1e-10 });
    assert.equal(ops.linalg.jvp, ops.jvp);
    // istft inverts stft (hann windows at stride L/4 overlap enough).
    const sig = randn([2, 64], 18);
    assertClose(ops.istft(ops.stft(sig, 16, 4, 16), 16, 4, 16, 64), sig, { atol: 1e-12 });
    assert.throws(
      () =>
        ops.dotProductAttention(
          st.zeros([1, 2, 3, 4]),
          st.zeros([1, 2, 2, 4]),
          st.zeros([1, 2, 2, 4]),
        ),
      /query heads \(3\) must be a multiple of key heads \(2\)/,
    );
    assert.throws(
      () => ops.binaryCrossentropy([1, 0], [0.5]),
      /binaryCrossentropy: target and output must have the same shape/,
    );
    assert.throws(
      () => ops.fft([st.zeros([2]), st.zeros([3])]),
      /fft: real and imag must have the same shape/,
    );
    assert.throws(
      () => ops.hamming(-1),
      /hamming: x \(the window length\) must be a non-negative integer/,
    );
  });
});
