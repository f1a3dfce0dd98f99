import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { ConvParams, AllKernels, PoolParams } from "../../src/backend/backend.js";
import { getNumThreads, setNumThreads } from "../../src/backend/registry.js";
import { ValueError } from "../../src/errors.js";
import type { FloatArray, TypedArray } from "../../src/tensor/dtype.js";
import {
  alloc,
  assertParity,
  maxAbs,
  native,
  random,
  skipUnlessNative,
  ts,
} from "./parity-helpers.js";

// matmul, convolution and pooling: native (BLAS, threads) against the TypeScript reference.
// float32 products accumulate in float32 in BLAS and in float64 in the reference, so float32
// tolerances are ~1e-4 of the output's magnitude.

type Float = "f32" | "f64";
const FLOATS: readonly Float[] = ["f32", "f64"];
const tolFor = (kind: Float, ref: TypedArray) => ({
  rtol: kind === "f32" ? 1e-4 : 1e-10,
  scale: maxAbs(ref),
});

function run(
  call: (k: AllKernels, out: FloatArray) => void,
  kind: Float,
  n: number,
): [FloatArray, FloatArray] {
  const a = alloc(kind, n) as FloatArray;
  const b = alloc(kind, n) as FloatArray;
  call(native!, a);
  call(ts, b);
  return [a, b];
}

describe("native parity: matmul", skipUnlessNative, () => {
  it("every transpose flag, odd and block-crossing sizes, empty operands", () => {
    const sizes = [
      [1, 1, 1],
      [3, 17, 33],
      [33, 257, 3],
      [130, 300, 520],
      [0, 3, 4],
      [3, 0, 4],
      [4, 3, 0],
    ];
    for (const kind of FLOATS) {
      for (const [m, k, n] of sizes) {
        const a = random(kind, m! * k!, m! + k!) as FloatArray;
        const b = random(kind, k! * n!, k! + n!) as FloatArray;
        for (const [ta, tb] of [
          [false, false],
          [true, false],
          [false, true],
          [true, true],
        ] as const) {
          const [g, w] = run(
            (K, o) => K.matmul(a, b, o, m!, k!, n!, ta, tb, 1, 0, 0),
            kind,
            m! * n!,
          );
          assertParity(`matmul ${kind} ${m}×${k}×${n} tA=${ta} tB=${tb}`, g, w, tolFor(kind, w));
        }
      }
    }
  });

  it("batches: strided, broadcast on either side, many small products", () => {
    // [m, k, n, batch, aStride (in units of m·k, 0 = broadcast), bStride, transA, transB]
    const cases = [
      [5, 7, 3, 4, 1, 1, false, false],
      [5, 7, 3, 4, 0, 1, false, true],
      [5, 7, 3, 4, 1, 0, false, false], // one tall product
      [5, 7, 3, 4, 1, 0, true, false],
      [8, 8, 8, 50, 1, 1, false, false], // parallel small products
      [8, 8, 8, 50, 1, 0, true, true],
      [64, 40, 70, 3, 1, 1, true, false],
    ] as const;
    for (const kind of FLOATS) {
      for (const [m, k, n, batch, as, bs, ta, tb] of cases) {
        const aStride = as * m * k;
        const bStride = bs * k * n;
        const a = random(kind, Math.max(aStride * batch, m * k), 1) as FloatArray;
        const b = random(kind, Math.max(bStride * batch, k * n), 2) as FloatArray;
        const [g, w] = run(
          (K, o) => K.matmul(a, b, o, m, k, n, ta, tb, batch, aStride, bStride),
          kind,
          batch * m * n,
        );
        assertParity(`batched matmul ${kind} ${batch}×(${m}×${k}×${n})`, g, w, tolFor(kind, w));
      }
    }
  });
});

interface ConvCase {
  batch: number;
  C: number;
  O: number;
  G?: number;
  inShape: [number, number, number];
  kernel: [number, number, number];
  strides?: [number, number, number];
  dilations?: [number, number, number];
  pad?: [number, number, number];
}

function convParams(c: ConvCase): ConvParams {
  const strides = c.strides ?? [1, 1, 1];
  const dilations = c.dilations ?? [1, 1, 1];
  const pad = c.pad ?? [0, 0, 0];
  // Symmetric padding: out = ⌊(in + 2p − d(k − 1) − 1) / s⌋ + 1.
  const out = c.inShape.map(
    (d, i) =>
      Math.floor((d + 2 * pad[i]! - dilations[i]! * (c.kernel[i]! - 1) - 1) / strides[i]!) + 1,
  ) as [number, number, number];
  return {
    batch: c.batch,
    inChannels: c.C,
    outChannels: c.O,
    groups: c.G ?? 1,
    inShape: c.inShape,
    outShape: out,
    kernelShape: c.kernel,
    strides,
    dilations,
    padBefore: pad,
  };
}

const CONVS: [string, ConvCase][] = [
  ["2d same", { batch: 2, C: 3, O: 5, inShape: [1, 9, 11], kernel: [1, 3, 3], pad: [0, 1, 1] }],
  [
    "2d strided dilated",
    {
      batch: 3,
      C: 4,
      O: 6,
      inShape: [1, 17, 13],
      kernel: [1, 3, 2],
      strides: [1, 2, 3],
      dilations: [1, 2, 1],
      pad: [0, 2, 0],
    },
  ],
  [
    "1d",
    {
      batch: 2,
      C: 5,
      O: 7,
      inShape: [1, 1, 33],
      kernel: [1, 1, 5],
      strides: [1, 1, 2],
      pad: [0, 0, 2],
    },
  ],
  [
    "3d",
    {
      batch: 2,
      C: 3,
      O: 4,
      inShape: [5, 6, 7],
      kernel: [2, 3, 2],
      strides: [1, 2, 1],
      pad: [1, 1, 0],
    },
  ],
  ["pointwise", { batch: 2, C: 16, O: 8, inShape: [1, 7, 9], kernel: [1, 1, 1] }],
  ["pointwise grouped", { batch: 2, C: 32, O: 32, G: 2, inShape: [1, 5, 5], kernel: [1, 1, 1] }],
  [
    "depthwise",
    { batch: 2, C: 8, O: 8, G: 8, inShape: [1, 9, 10], kernel: [1, 3, 3], pad: [0, 1, 1] },
  ],
  [
    "depthwise ×2",
    {
      batch: 3,
      C: 8,
      O: 16,
      G: 8,
      inShape: [1, 7, 6],
      kernel: [1, 3, 3],
      strides: [1, 2, 2],
      pad: [0, 1, 1],
    },
  ],
  [
    "grouped",
    { batch: 2, C: 32, O: 32, G: 2, inShape: [1, 6, 7], kernel: [1, 3, 3], pad: [0, 1, 1] },
  ],
  // The register-tiled float32 paths: column tails (O not a multiple of 16), row tails (rows not
  // a multiple of 6), padded and interior windows, one input channel, windows of more than 64
  // taps, grouped, a batch smaller than the thread count.
  ["tiled tails", { batch: 5, C: 7, O: 37, inShape: [1, 9, 8], kernel: [1, 3, 3], pad: [0, 1, 1] }],
  ["tiled one channel", { batch: 3, C: 1, O: 32, inShape: [1, 14, 13], kernel: [1, 3, 3] }],
  [
    "tiled dilated w, strided",
    {
      batch: 4,
      C: 6,
      O: 16,
      inShape: [1, 10, 15],
      kernel: [1, 2, 3],
      strides: [1, 2, 1],
      dilations: [1, 1, 2],
      pad: [0, 1, 2],
    },
  ],
  [
    "tiled 75 taps",
    { batch: 2, C: 2, O: 17, inShape: [6, 7, 7], kernel: [3, 5, 5], pad: [1, 2, 2] },
  ],
  [
    "tiled grouped",
    { batch: 3, C: 48, O: 40, G: 2, inShape: [1, 6, 5], kernel: [1, 3, 3], pad: [0, 1, 1] },
  ],
  ["tiled batch 1", { batch: 1, C: 8, O: 24, inShape: [1, 11, 9], kernel: [1, 3, 3] }],
  [
    "several column blocks",
    { batch: 2, C: 16, O: 8, inShape: [1, 64, 64], kernel: [1, 3, 3], pad: [0, 1, 1] },
  ],
];

describe("native parity: convolution", skipUnlessNative, () => {
  for (const [name, c] of CONVS) {
    it(`${name}: forward, input gradient and filter gradient`, () => {
      const p = convParams(c);
      const vol = (t: readonly number[]) => t[0]! * t[1]! * t[2]!;
      const nx = p.batch * vol(p.inShape) * p.inChannels;
      const ny = p.batch * vol(p.outShape) * p.outChannels;
      const nw = vol(p.kernelShape) * (p.inChannels / p.groups) * p.outChannels;
      for (const kind of FLOATS) {
        const x = random(kind, nx, 1) as FloatArray;
        const w = random(kind, nw, 2) as FloatArray;
        const dy = random(kind, ny, 3) as FloatArray;
        const [y, yRef] = run((K, o) => K.conv(x, w, o, p), kind, ny);
        assertParity(`conv ${name} ${kind}`, y, yRef, tolFor(kind, yRef));
        const [dx, dxRef] = run((K, o) => K.convBackpropInput(dy, w, o, p), kind, nx);
        assertParity(`convBackpropInput ${name} ${kind}`, dx, dxRef, tolFor(kind, dxRef));
        const [dw, dwRef] = run((K, o) => K.convBackpropFilter(x, dy, o, p), kind, nw);
        assertParity(`convBackpropFilter ${name} ${kind}`, dw, dwRef, tolFor(kind, dwRef));
        const bias = random(kind, p.outChannels, 4) as FloatArray;
        for (const [b, relu] of [
          [bias, true],
          [bias, false],
          [null, true],
        ] as const) {
          const [z, zRef] = run((K, o) => K.convBias(x, w, b, o, p, relu), kind, ny);
          assertParity(`convBias ${name} ${kind} relu=${relu}`, z, zRef, tolFor(kind, zRef));
        }
      }
    });
  }
});

function poolParams(
  batch: number,
  channels: number,
  inShape: number[],
  window: number[],
  strides: number[],
  pad: number[],
): PoolParams {
  const outShape = inShape.map(
    (d, i) => Math.floor((d + 2 * pad[i]! - window[i]!) / strides[i]!) + 1,
  );
  const t = (a: number[]) => a as [number, number, number];
  return {
    batch,
    channels,
    inShape: t(inShape),
    outShape: t(outShape),
    window: t(window),
    strides: t(strides),
    padBefore: t(pad),
  };
}

describe("native parity: pooling", skipUnlessNative, () => {
  const cases: [string, PoolParams][] = [
    ["2d padded", poolParams(2, 3, [1, 9, 11], [1, 3, 3], [1, 2, 2], [0, 1, 1])],
    ["1d overlapping", poolParams(3, 33, [1, 1, 17], [1, 1, 4], [1, 1, 1], [0, 0, 2])],
    ["3d", poolParams(2, 4, [5, 6, 7], [2, 2, 3], [2, 2, 2], [0, 1, 1])],
    ["empty windows", poolParams(1, 2, [1, 1, 5], [1, 1, 2], [1, 1, 1], [0, 0, 3])],
    [
      "2d odd channels, split across threads",
      poolParams(9, 37, [1, 11, 13], [1, 2, 2], [1, 2, 2], [0, 0, 0]),
    ],
    [
      "2d windows tiling the input",
      poolParams(5, 19, [1, 12, 10], [1, 2, 2], [1, 2, 2], [0, 0, 0]),
    ],
    ["2d overlapping windows", poolParams(4, 5, [1, 8, 9], [1, 3, 3], [1, 1, 2], [0, 1, 1])],
  ];
  for (const [name, p] of cases) {
    it(`${name}: max (with argmax and NaN), average and its gradient`, () => {
      const vol = (t: readonly number[]) => t[0]! * t[1]! * t[2]!;
      const nx = p.batch * vol(p.inShape) * p.channels;
      const ny = p.batch * vol(p.outShape) * p.channels;
      for (const kind of FLOATS) {
        const x = random(kind, nx, 4, { special: true }) as FloatArray;
        const argN = new Int32Array(ny);
        const argT = new Int32Array(ny);
        const [m, mRef] = run((K, o) => K.maxPool(x, o, K === ts ? argT : argN, p), kind, ny);
        assertParity(`maxPool ${name} ${kind}`, m, mRef, { rtol: 0 });
        assertParity(`maxPool argmax ${name} ${kind}`, argN, argT);
        const [m0] = run((K, o) => K.maxPool(x, o, null, p), kind, ny);
        assertParity(`maxPool without argmax ${name} ${kind}`, m0, mRef, { rtol: 0 });
        const g = random(kind, ny, 6) as FloatArray;
        const [gx, gxRef] = run((K, o) => K.maxPoolBackprop(g, argT, o, p), kind, nx);
        assertParity(`maxPoolBackprop ${name} ${kind}`, gx, gxRef);
        // The reference equals a scatter-add of g to the winners.
        const scattered = alloc(kind, nx);
        ts.scatterAdd(
          g,
          argT.map((i) => (i < 0 ? 0 : i)),
          scattered,
          1,
          nx,
          1,
        );
        if (!argT.includes(-1))
          assertParity(`maxPoolBackprop as scatter ${name}`, gxRef, scattered);
        const [a, aRef] = run((K, o) => K.avgPool(x, o, p), kind, ny);
        assertParity(`avgPool ${name} ${kind}`, a, aRef);
        const dy = random(kind, ny, 5) as FloatArray;
        const [dx, dxRef] = run((K, o) => K.avgPoolBackprop(dy, o, p), kind, nx);
        assertParity(`avgPoolBackprop ${name} ${kind}`, dx, dxRef);
      }
    });
  }
});

describe("native threads", skipUnlessNative, () => {
  const initial = getNumThreads();
  after(() => setNumThreads(initial));

  it("gives the same results on 1 and 3 threads", () => {
    const x = random("f32", 2 * 32 * 32 * 8, 1) as FloatArray;
    const w = random("f32", 9 * 8 * 16, 2) as FloatArray;
    const p = convParams({
      batch: 2,
      C: 8,
      O: 16,
      inShape: [1, 32, 32],
      kernel: [1, 3, 3],
      pad: [0, 1, 1],
    });
    const big = random("f32", 200_000, 3);
    const results = [1, 3].map((n) => {
      setNumThreads(n);
      assert.equal(getNumThreads(), n);
      const y = new Float32Array(2 * 32 * 32 * 16);
      native!.conv(x, w, y, p);
      const e = new Float32Array(big.length);
      native!.unary("exp", big, e);
      const s = new Float32Array(1);
      native!.reduce("sum", big, s, 1, big.length, 1);
      return [y, e, s] as const;
    });
    results[0]!.forEach((r, i) =>
      assertParity(`threads result ${i}`, results[1]![i]!, r, { scale: maxAbs(r) }),
    );
  });

  it("gives the same results on 1 and 3 threads for the conv gradients and max pooling", () => {
    const p = convParams({ batch: 7, C: 9, O: 20, inShape: [1, 12, 10], kernel: [1, 3, 3] });
    const x = random("f32", 7 * 12 * 10 * 9, 1) as FloatArray;
    const w = random("f32", 9 * 9 * 20, 2) as FloatArray;
    const dy = random("f32", 7 * 10 * 8 * 20, 3) as FloatArray;
    const pool = poolParams(7, 9, [1, 12, 10], [1, 2, 2], [1, 2, 2], [0, 0, 0]);
    const results = [1, 3].map((n) => {
      setNumThreads(n);
      const dx = new Float32Array(x.length);
      native!.convBackpropInput(dy, w, dx, p);
      const dw = new Float32Array(w.length);
      native!.convBackpropFilter(x, dy, dw, p);
      const m = new Float32Array(7 * 6 * 5 * 9);
      const arg = new Int32Array(m.length);
      native!.maxPool(x, m, arg, pool);
      const back = new Float32Array(x.length);
      native!.maxPoolBackprop(m, arg, back, pool);
      return [dx, dw, m, arg, back] as const;
    });
    results[0]!.forEach((r, i) =>
      assertParity(`threads result ${i}`, results[1]![i]!, r, { scale: maxAbs(r) }),
    );
  });

  it("rejects a thread count that is not a positive integer", () => {
    assert.throws(() => setNumThreads(0), ValueError);
    assert.throws(() => setNumThreads(1.5), /positive integer; received 1.5/);
  });
});
