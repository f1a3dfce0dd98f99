import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { conv, convTranspose, depthwiseConv, separableConv } from "../../src/ops/conv.js";
import { assertClose, eachBackend, gradcheck, randn, valuesOf } from "../helpers.js";

// ---------------------------------------------------------------- naive references (direct loops)

type Pad = "valid" | "same" | "causal";

/** Left-fills per-axis values to three axes so one set of loops covers 1-D, 2-D and 3-D. */
const three = (v: readonly number[], fill: number): number[] => [
  ...Array(3 - v.length).fill(fill),
  ...v,
];

/** Output length and padding before for one axis, written from the TF definitions. */
function axisGeometry(len: number, k: number, s: number, d: number, pad: Pad): [number, number] {
  const span = (k - 1) * d + 1;
  if (pad === "valid") return [Math.floor((len - span) / s) + 1, 0];
  const out = Math.ceil(len / s);
  if (pad === "causal") return [out, span - 1];
  return [out, Math.floor(Math.max((out - 1) * s + span - len, 0) / 2)];
}

/** y[n, o…, oc] = Σ_{k…, ci} x[n, o·s − pad + k·d, g·Cg + ci] · w[k…, ci, oc], g = oc / Og. */
function refConv(x: Tensor, w: Tensor, s: number[], pad: Pad, d: number[]): Tensor {
  const n = x.rank - 2;
  const [N, C, Cg, O] = [x.shape[0]!, x.shape[n + 1]!, w.shape[n]!, w.shape[n + 1]!];
  const Og = O / (C / Cg);
  const geo = x.shape
    .slice(1, n + 1)
    .map((len, i) => axisGeometry(len, w.shape[i]!, s[i]!, d[i]!, pad));
  const I = three(x.shape.slice(1, n + 1), 1);
  const K = three(w.shape.slice(0, n), 1);
  const outs = geo.map((g) => g[0]);
  const Os = three(outs, 1);
  const pads = geo.map((g) => g[1]);
  const P = three(pads, 0);
  const S = three(s, 1);
  const Dl = three(d, 1);
  const out = new Float64Array(N * Os[0]! * Os[1]! * Os[2]! * O);
  let q = 0;
  for (let b = 0; b < N; b++)
    for (let o0 = 0; o0 < Os[0]!; o0++)
      for (let o1 = 0; o1 < Os[1]!; o1++)
        for (let o2 = 0; o2 < Os[2]!; o2++)
          for (let oc = 0; oc < O; oc++) {
            const g = Math.floor(oc / Og);
            let acc = 0;
            for (let k0 = 0; k0 < K[0]!; k0++)
              for (let k1 = 0; k1 < K[1]!; k1++)
                for (let k2 = 0; k2 < K[2]!; k2++) {
                  const i0 = o0 * S[0]! - P[0]! + k0 * Dl[0]!;
                  const i1 = o1 * S[1]! - P[1]! + k1 * Dl[1]!;
                  const i2 = o2 * S[2]! - P[2]! + k2 * Dl[2]!;
                  if (i0 < 0 || i0 >= I[0]! || i1 < 0 || i1 >= I[1]! || i2 < 0 || i2 >= I[2]!)
                    continue;
                  for (let ci = 0; ci < Cg; ci++) {
                    const xv =
                      valuesOf(x)[
                        (((b * I[0]! + i0) * I[1]! + i1) * I[2]! + i2) * C + g * Cg + ci
                      ]!;
                    const wv = valuesOf(w)[(((k0 * K[1]! + k1) * K[2]! + k2) * Cg + ci) * O + oc]!;
                    acc += xv * wv;
                  }
                }
            out[q++] = acc;
          }
  return st.tensor(out, [N, ...outs, O]);
}

/** y[n, o…, c·M + m] = Σ_k x[n, o·s − pad + k·d, c] · w[k…, c, m], written without groups. */
function refDepthwise(x: Tensor, w: Tensor, s: number[], pad: Pad, d: number[]): Tensor {
  const n = x.rank - 2;
  const [C, M] = [w.shape[n]!, w.shape[n + 1]!];
  // Expand to a dense kernel that is zero off the diagonal blocks, then use the dense reference.
  const taps = w.size / (C * M);
  const dense = new Float64Array(taps * C * C * M);
  for (let t = 0; t < taps; t++)
    for (let c = 0; c < C; c++)
      for (let m = 0; m < M; m++)
        dense[(t * C + c) * C * M + c * M + m] = valuesOf(w)[(t * C + c) * M + m]!;
  return refConv(x, st.tensor(dense, [...w.shape.slice(0, n), C, C * M]), s, pad, d);
}

/** Transposed conv as a scatter: y[n, i·s − pad + k·d, co] += x[n, i, ci] · w[k, co, ci]. */
function refConvTranspose(
  x: Tensor,
  w: Tensor,
  s: number,
  outLen: number,
  pad: number,
  d: number,
): Tensor {
  const [N, L, Ci] = x.shape as [number, number, number];
  const [K, Co] = w.shape as [number, number, number];
  const y = new Float64Array(N * outLen * Co);
  for (let b = 0; b < N; b++)
    for (let i = 0; i < L; i++)
      for (let k = 0; k < K; k++) {
        const o = i * s - pad + k * d;
        if (o < 0 || o >= outLen) continue;
        for (let co = 0; co < Co; co++)
          for (let ci = 0; ci < Ci; ci++)
            y[(b * outLen + o) * Co + co]! +=
              valuesOf(x)[(b * L + i) * Ci + ci]! * valuesOf(w)[(k * Co + co) * Ci + ci]!;
      }
  return st.tensor(y, [N, outLen, Co]);
}

function dot(a: Tensor, b: Tensor): number {
  let acc = 0;
  for (let i = 0; i < a.size; i++) acc += Number(valuesOf(a)[i]) * Number(valuesOf(b)[i]);
  return acc;
}

const CASES: { x: number[]; k: number[] }[] = [
  { x: [2, 9, 4], k: [3] },
  { x: [2, 7, 6, 4], k: [3, 2] },
  { x: [2, 5, 6, 5, 4], k: [2, 3, 2] },
];

eachBackend("conv", () => {
  it("matches the direct loop: every padding, stride, dilation, group count; 1-D to 3-D", () => {
    let seed = 100;
    for (const { x: xs, k } of CASES) {
      for (const padding of ["valid", "same"] as const)
        for (const stride of [1, 2])
          for (const dil of [1, 2])
            for (const groups of [1, 2]) {
              const x = randn(xs, seed++);
              const w = randn([...k, 4 / groups, 6], seed++);
              const s = k.map(() => stride);
              const d = k.map(() => dil);
              const y = conv(x, w, { strides: stride, padding, dilationRate: d });
              assertClose(y, refConv(x, w, s, padding, d), { rtol: 1e-10, atol: 1e-12 });
            }
    }
  });

  it("handles mixed per-axis strides and dilations, causal 1-D padding, and float32", () => {
    const x = randn([3, 8, 7, 3], 1);
    const w = randn([3, 3, 3, 5], 2);
    const y = conv(x, w, { strides: [2, 1], padding: "same", dilationRate: [1, 2] });
    assertClose(y, refConv(x, w, [2, 1], "same", [1, 2]), { rtol: 1e-10, atol: 1e-12 });
    const x1 = randn([2, 10, 3], 3);
    const w1 = randn([4, 3, 2], 4);
    for (const stride of [1, 2]) {
      const yc = conv(x1, w1, { padding: "causal", strides: stride, dilationRate: 2 });
      assertClose(yc, refConv(x1, w1, [stride], "causal", [2]), { rtol: 1e-10, atol: 1e-12 });
    }
    const y32 = conv(st.ops.cast(x, "float32"), st.ops.cast(w, "float32"), { padding: "same" });
    assert.equal(y32.dtype, "float32");
    assertClose(y32, refConv(x, w, [1, 1], "same", [1, 1]), { rtol: 1e-4, atol: 1e-4 });
  });

  it("covers wide groups (per-group matrix products) and 1×1 kernels (one matrix product)", () => {
    const x = randn([2, 5, 4, 32], 5);
    const w = randn([3, 3, 16, 32], 6);
    for (const padding of ["valid", "same"] as const) {
      assertClose(conv(x, w, { padding, strides: 2 }), refConv(x, w, [2, 2], padding, [1, 1]), {
        rtol: 1e-9,
        atol: 1e-10,
      });
    }
    const w1 = randn([1, 1, 32, 7], 7);
    assertClose(conv(x, w1), refConv(x, w1, [1, 1], "valid", [1, 1]), { rtol: 1e-9, atol: 1e-10 });
    assertClose(conv(x, w1, { strides: 2 }), refConv(x, w1, [2, 2], "valid", [1, 1]), {
      rtol: 1e-9,
      atol: 1e-10,
    });
  });

  it("processes large images in row blocks, forward and backward", () => {
    // Big enough that the patch matrix is split into several blocks. f(x, w) = Σ r·conv(x, w) is
    // linear in each argument, so ⟨∂f/∂x, v⟩ = f(v, w) and ⟨∂f/∂w, u⟩ = f(x, u) for any v, u.
    const cases: [number[], number[]][] = [
      [
        [2, 48, 48, 8],
        [3, 3, 8, 4],
      ],
      [
        [1, 48, 48, 32],
        [3, 3, 16, 16],
      ],
    ];
    cases.forEach(([xs, ws], i) => {
      const x = randn(xs, 60 + i);
      const w = randn(ws, 70 + i);
      const y = conv(x, w, { padding: "same" });
      assertClose(y, refConv(x, w, [1, 1], "same", [1, 1]), { rtol: 1e-9, atol: 1e-10 });
      const r = randn([...y.shape], 80 + i);
      const f = (a: Tensor, b: Tensor): Tensor =>
        st.ops.sum(st.ops.multiply(conv(a, b, { padding: "same" }), r));
      const [gx, gw] = st.grad(f)(x, w) as Tensor[];
      const v = randn(xs, 90 + i);
      const u = randn(ws, 95 + i);
      assertClose([dot(gx!, v)], [Number(f(v, w).item())], { rtol: 1e-9 });
      assertClose([dot(gw!, u)], [Number(f(x, u).item())], { rtol: 1e-9 });
    });
  });

  it("checks conv gradients against finite differences (im2col, grouped and 1×1 paths)", () => {
    gradcheck(
      (x, w) => conv(x, w, { strides: 2, padding: "same" }),
      [randn([2, 7, 4], 10), randn([3, 2, 4], 11)],
    );
    gradcheck(
      (x, w) => conv(x, w, { dilationRate: 2 }),
      [randn([2, 6, 5, 2], 12), randn([2, 2, 2, 3], 13)],
    );
    gradcheck(
      (x, w) => conv(x, w, { strides: 2, padding: "same" }),
      [randn([1, 3, 4, 3, 2], 14), randn([2, 2, 2, 2, 2], 15)],
    );
    gradcheck(
      (x, w) => conv(x, w, { padding: "causal", dilationRate: 2 }),
      [randn([1, 6, 2], 16), randn([2, 2, 3], 17)],
    );
    gradcheck((x, w) => conv(x, w), [randn([2, 3, 3, 3], 18), randn([1, 1, 3, 2], 19)]);
  });

  it("supports gradients of gradients", () => {
    // x ↦ d/dx Σ conv(x, w)² exercises the recorded backward kernels themselves.
    const inner = (x: Tensor, w: Tensor): Tensor =>
      st.ops.sum(st.ops.square(conv(x, w, { padding: "same", strides: 2 })));
    const g = st.grad(inner);
    gradcheck(
      (x, w) => (g(x, w) as Tensor[])[0]!,
      [randn([1, 5, 4, 2], 20), randn([3, 2, 2, 2], 21)],
    );
    gradcheck(
      (x, w) => (g(x, w) as Tensor[])[1]!,
      [randn([1, 5, 4, 2], 22), randn([3, 2, 2, 2], 23)],
    );
  });

  it("depthwiseConv: multiplier 2, every padding, stride and dilation, 1-D and 2-D", () => {
    let seed = 200;
    for (const xs of [
      [2, 9, 3],
      [2, 7, 6, 3],
    ]) {
      const n = xs.length - 2;
      for (const padding of ["valid", "same"] as const)
        for (const stride of [1, 2])
          for (const dil of [1, 2]) {
            const x = randn(xs, seed++);
            const w = randn([...Array(n).fill(3), 3, 2], seed++);
            const y = depthwiseConv(x, w, { strides: stride, padding, dilationRate: dil });
            const ref = refDepthwise(x, w, Array(n).fill(stride), padding, Array(n).fill(dil));
            assertClose(y, ref, { rtol: 1e-10, atol: 1e-12 });
          }
    }
    gradcheck(
      (x, w) => depthwiseConv(x, w, { strides: 2, padding: "same" }),
      [randn([2, 5, 4, 3], 30), randn([3, 2, 3, 2], 31)],
    );
  });

  it("separableConv is depthwise then pointwise", () => {
    const x = randn([2, 6, 5, 3], 40);
    const dw = randn([3, 3, 3, 2], 41);
    const pw = randn([1, 1, 6, 4], 42);
    const y = separableConv(x, dw, pw, { padding: "same", strides: 2 });
    const mid = refDepthwise(x, dw, [2, 2], "same", [1, 1]);
    assertClose(y, refConv(mid, pw, [1, 1], "valid", [1, 1]), { rtol: 1e-10, atol: 1e-12 });
    gradcheck(
      (a, b, c) => separableConv(a, b, c, { dilationRate: 2 }),
      [randn([1, 6, 5, 2], 43), randn([2, 2, 2, 2], 44), randn([1, 1, 4, 3], 45)],
    );
  });

  it("convTranspose: Keras output shapes for each padding and outputPadding", () => {
    // [in, k, stride, dilation, padding, outputPadding, expected length]
    const table: [number, number, number, number, "valid" | "same", number | null, number][] = [
      [5, 3, 2, 1, "valid", null, 11], // in·s + max(k − s, 0)
      [5, 2, 3, 1, "valid", null, 15], // k < s: in·s
      [5, 3, 2, 1, "same", null, 10], // in·s
      [5, 3, 2, 1, "valid", 1, 12], // (in − 1)·s + k + op
      [5, 3, 2, 1, "same", 1, 10], // (in − 1)·s + k − 2·⌊k/2⌋ + op
      [5, 4, 2, 1, "same", 0, 8],
      [5, 3, 1, 2, "same", null, 5], // dilated span 5
      [5, 3, 1, 2, "valid", 0, 9],
    ];
    for (const [len, k, s, d, padding, op, expected] of table) {
      const y = convTranspose(st.zeros([1, len, 2]), st.zeros([k, 3, 2]), {
        strides: s,
        dilationRate: d,
        padding,
        outputPadding: op,
      });
      assert.deepEqual(y.shape, [1, expected, 3], `${padding} k=${k} s=${s} d=${d} op=${op}`);
    }
    const y2 = convTranspose(st.zeros([2, 4, 3, 5]), st.zeros([3, 2, 6, 5]), {
      strides: [2, 1],
      padding: "same",
    });
    assert.deepEqual(y2.shape, [2, 8, 3, 6]);
  });

  it("convTranspose: values match a naive scatter and TensorFlow's hand-computed case", () => {
    // TF: conv1d_transpose([1,2,3], ones(3), stride 2, SAME) crops the end: [1,1,3,2,5,3].
    const tiny = convTranspose(st.tensor([[[1], [2], [3]]]), st.ones([3, 1, 1]), {
      strides: 2,
      padding: "same",
    });
    assertClose(tiny, [[[1], [1], [3], [2], [5], [3]]]);
    let seed = 300;
    // [k, stride, dilation, padding, outputPadding, padding before in forward-conv terms]
    const cases: [number, number, number, "valid" | "same", number | null, number][] = [
      [3, 1, 1, "valid", null, 0],
      [3, 2, 1, "valid", null, 0],
      [3, 2, 2, "valid", 1, 0],
      [3, 1, 1, "same", null, 1],
      [3, 2, 1, "same", null, 0],
      [4, 2, 1, "same", null, 1],
      [3, 2, 1, "same", 1, 0],
      [3, 3, 1, "same", 2, 0],
      [4, 2, 1, "same", 0, 2],
      [3, 1, 2, "same", null, 2],
    ];
    for (const [k, s, d, padding, op, pad] of cases) {
      const x = randn([2, 5, 3], seed++);
      const w = randn([k, 4, 3], seed++);
      const y = convTranspose(x, w, { strides: s, dilationRate: d, padding, outputPadding: op });
      assertClose(y, refConvTranspose(x, w, s, y.shape[1]!, pad, d), { rtol: 1e-10, atol: 1e-12 });
    }
  });

  it("convTranspose is the adjoint of conv with the same settings", () => {
    let seed = 400;
    for (const padding of ["valid", "same"] as const)
      for (const stride of [1, 2])
        for (const dil of [1, 2]) {
          const y = randn([2, 4, 3, 3], seed++);
          const w = randn([3, 2, 5, 3], seed++);
          const t = convTranspose(y, w, { strides: stride, padding, dilationRate: dil });
          const x = randn([...t.shape], seed++);
          const c = conv(x, w, { strides: stride, padding, dilationRate: dil });
          assert.deepEqual(c.shape, y.shape);
          assert.ok(
            Math.abs(dot(t, x) - dot(y, c)) < 1e-9 * (1 + Math.abs(dot(y, c))),
            `${padding} s=${stride} d=${dil}`,
          );
        }
  });

  it("checks convTranspose gradients against finite differences", () => {
    gradcheck(
      (x, w) => convTranspose(x, w, { strides: 2, padding: "same", outputPadding: 1 }),
      [randn([2, 3, 3, 2], 50), randn([3, 2, 3, 2], 51)],
    );
    gradcheck(
      (x, w) => convTranspose(x, w, { strides: 2, dilationRate: 1 }),
      [randn([1, 4, 2], 52), randn([3, 3, 2], 53)],
    );
  });

  it("rejects bad inputs with the op, the argument and the shapes", () => {
    assert.throws(() => conv(st.zeros([4, 3]), st.zeros([3, 3, 2])), {
      name: "ShapeError",
      message: /^conv: inputs must have rank 3, 4 or 5 .*received shape \[4,3\]/,
    });
    assert.throws(() => conv(st.zeros([1, 5, 5, 3]), st.zeros([3, 3, 2])), {
      name: "ShapeError",
      message: /conv: kernel must have rank 4.*\[3,3,2\]/,
    });
    assert.throws(() => conv(st.zeros([1, 5, 5, 3]), st.zeros([3, 3, 2, 4])), {
      name: "ShapeError",
      message:
        /conv: inputs have 3 channels.*kernel\.shape\[-2\].*inputs \[1,5,5,3\], kernel \[3,3,2,4\]/,
    });
    assert.throws(() => conv(st.zeros([1, 5, 5, 4]), st.zeros([3, 3, 2, 3])), {
      name: "ShapeError",
      message: /conv: 2 groups.*received 3/,
    });
    assert.throws(() => conv(st.zeros([1, 4, 4, 1]), st.zeros([5, 3, 1, 1])), {
      name: "ShapeError",
      message:
        /conv: kernel \[5,3,1,1\] \(dilated size 5 on spatial axis 0\) is larger than inputs \[1,4,4,1\]/,
    });
    assert.throws(() => conv(st.zeros([1, 4, 4, 1]), st.zeros([2, 2, 1, 1]), { dilationRate: 4 }), {
      name: "ShapeError",
    });
    assert.throws(
      () => conv(st.zeros([1, 4, 4, 1]), st.zeros([2, 2, 1, 1]), { padding: "full" as never }),
      {
        name: "ValueError",
        message: /conv: padding must be "valid" or "same" or "causal"; received "full"/,
      },
    );
    assert.throws(
      () => conv(st.zeros([1, 4, 4, 1]), st.zeros([2, 2, 1, 1]), { padding: "causal" }),
      { name: "ValueError", message: /causal/ },
    );
    assert.throws(() => conv(st.zeros([1, 4, 4, 1]), st.zeros([2, 2, 1, 1]), { strides: [1, 0] }), {
      name: "ValueError",
      message: /conv: strides/,
    });
    assert.throws(
      () => conv(st.zeros([1, 4, 4, 1]), st.zeros([2, 2, 1, 1]), { strides: [1, 1, 1] }),
      { name: "ValueError" },
    );
    assert.throws(() => depthwiseConv(st.zeros([1, 4, 4, 3]), st.zeros([2, 2, 2, 1])), {
      name: "ShapeError",
      message: /depthwiseConv: kernel.*\[2,2,2,1\]/,
    });
    assert.throws(
      () => separableConv(st.zeros([1, 4, 4, 3]), st.zeros([2, 2, 3, 1]), st.zeros([1, 1, 2, 5])),
      { name: "ShapeError", message: /separableConv: pointwiseKernel/ },
    );
    assert.throws(() => convTranspose(st.zeros([1, 4, 4, 3]), st.zeros([2, 2, 5, 2])), {
      name: "ShapeError",
      message: /convTranspose: kernel.*\[2,2,5,2\]/,
    });
    assert.throws(
      () => convTranspose(st.zeros([1, 4, 3]), st.zeros([2, 5, 3]), { outputPadding: -1 }),
      { name: "ValueError", message: /convTranspose: outputPadding/ },
    );
  });

  it("computes integer inputs in float32 and keeps empty batches empty", () => {
    const y = conv(st.tensor(new Int32Array([1, 2, 3, 4]), [1, 4, 1]), st.ones([2, 1, 1]));
    assert.equal(y.dtype, "float32");
    assertClose(y, [[[3], [5], [7]]]);
    assert.deepEqual(conv(st.zeros([0, 5, 2]), st.zeros([3, 2, 4])).shape, [0, 3, 4]);
  });
});
