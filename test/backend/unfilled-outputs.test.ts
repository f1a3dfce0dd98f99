import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { HostArrays, Kernels } from "../../src/backend/backend.js";
import { allocateUnfilled, setPoisonUnfilled } from "../../src/backend/host.js";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { conv, convTranspose, depthwiseConv } from "../../src/ops/conv.js";
import { biasRelu } from "../../src/ops/bias-relu.js";
import { convBias } from "../../src/ops/conv-bias.js";
import { averagePool, maxPool } from "../../src/ops/pool.js";
import { NUMERIC_DTYPES } from "../../src/tensor/dtype.js";
import { eachBackend, hostKernels, hostOnly, randn, withKernel } from "../helpers.js";

// Kernels whose outputs come unfilled (elementwise, matmul, applyUpdate, bias + relu, softmax,
// convolutions, pooling) must write every element. Outputs pre-filled with NaN must come back as
// from zeros.

function both(run: (k: Kernels<HostArrays>, out: Float32Array) => void, n: number): void {
  const zeroed = new Float32Array(n);
  const poisoned = new Float32Array(n).fill(NaN);
  run(hostKernels(), zeroed);
  run(hostKernels(), poisoned);
  assert.deepEqual(poisoned, zeroed);
}

eachBackend("kernels with unfilled outputs write every element", (backend) => {
  const r = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7));
  it("unary, binary (plain and broadcast) and where", hostOnly(backend), () => {
    const x = r(1000);
    both((k, out) => k.unary("exp", x, out), 1000);
    both(
      (k, out) => k.binary("add", x, r(1000), out, { shape: [1000], strides: [[1], [1]] }),
      1000,
    );
    both(
      (k, out) =>
        k.binary("mul", x, r(10), out, {
          shape: [100, 10],
          strides: [
            [10, 1],
            [0, 1],
          ],
        }),
      1000,
    );
    const cond = Uint8Array.from({ length: 1000 }, (_, i) => i % 3);
    both(
      (k, out) => k.where(cond, x, r(1000), out, { shape: [1000], strides: [[1], [1], [1]] }),
      1000,
    );
  });

  it("matmul: square, skinny, batched and empty-k products", hostOnly(backend), () => {
    for (const [m, k, n] of [
      [37, 300, 41],
      [2, 5, 50],
      [64, 1, 3],
      [5, 0, 7],
    ] as const) {
      both(
        (kern, out) => kern.matmul(r(m * k), r(k * n), out, m, k, n, false, false, 1, 0, 0),
        m * n,
      );
    }
    both(
      (kern, out) => kern.matmul(r(3 * 4 * 5), r(5 * 6), out, 4, 5, 6, false, false, 3, 20, 0),
      72,
    );
  });

  it("applyUpdate", withKernel(backend, "applyUpdate"), () => {
    both(
      (k, out) =>
        k.applyUpdate!(
          "rmsprop",
          r(500),
          r(500),
          [r(500).map(Math.abs)],
          out,
          Float64Array.of(0.1, 0, 0.9, 0, 1e-7, 0),
        ),
      500,
    );
  });
});

/** fn's output and the gradients of ⟨fn, r⟩ (r random) with respect to every input, as arrays. */
function outputAndGrads(fn: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): number[][] {
  const vars = inputs.map((x) => new st.Variable(x));
  const y = fn(...inputs);
  const r = randn([...y.shape], 99);
  const { grads } = st.valueAndGrad(
    () => st.ops.sum(st.ops.multiply(fn(...vars.map((v) => v.value)), r)),
    vars,
  );
  return [[...y.dataSync()], ...grads.map((g) => [...g.dataSync()])];
}

eachBackend("ops with unfilled outputs, forward and backward, with poisoned outputs", () => {
  const cases: [string, (...xs: Tensor[]) => Tensor, number[][]][] = [
    [
      "conv 2-D same",
      (x, w) => conv(x, w, { padding: "same" }),
      [
        [2, 9, 8, 5],
        [3, 3, 5, 37],
      ],
    ],
    [
      "conv 1-D strided",
      (x, w) => conv(x, w, { strides: 2 }),
      [
        [3, 11, 2],
        [3, 2, 16],
      ],
    ],
    [
      "conv grouped",
      (x, w) => conv(x, w),
      [
        [2, 7, 6, 8],
        [3, 3, 4, 6],
      ],
    ],
    [
      "conv 3-D",
      (x, w) => conv(x, w, { padding: "same" }),
      [
        [2, 4, 5, 6, 3],
        [2, 2, 2, 3, 4],
      ],
    ],
    [
      "conv one image",
      (x, w) => conv(x, w),
      [
        [1, 12, 12, 1],
        [3, 3, 1, 32],
      ],
    ],
    [
      "conv pointwise",
      (x, w) => conv(x, w),
      [
        [2, 5, 5, 7],
        [1, 1, 7, 9],
      ],
    ],
    [
      "depthwise conv",
      (x, w) => depthwiseConv(x, w, { padding: "same" }),
      [
        [2, 6, 6, 3],
        [3, 3, 3, 2],
      ],
    ],
    [
      "conv transpose",
      (x, w) => convTranspose(x, w, { strides: 2 }),
      [
        [2, 4, 4, 3],
        [3, 3, 5, 3],
      ],
    ],
    [
      "convBias relu",
      (x, w, b) => convBias(x, w, b!, { relu: true }),
      [[4, 9, 9, 1], [3, 3, 1, 32], [32]],
    ],
    [
      "convBias linear",
      (x, w, b) => convBias(x, w, b!, { padding: "same" }),
      [[2, 5, 6, 4], [3, 3, 4, 20], [20]],
    ],
    ["biasRelu", (z, b) => biasRelu(z, b!, true), [[64, 33], [33]]],
    ["bias without relu", (z, b) => biasRelu(z, b!, false), [[5, 3, 7], [7]]],
    ["softmax", (x) => st.ops.softmax(x), [[9, 33]]],
    ["max pool", (x) => maxPool(x, 2), [[3, 7, 6, 5]]],
    ["max pool same 1-D", (x) => maxPool(x, 3, 2, "same"), [[2, 9, 4]]],
    ["average pool", (x) => averagePool(x, [2, 3], 1, "same"), [[2, 5, 7, 3]]],
  ];
  for (const [name, fn, shapes] of cases) {
    it(name, () => {
      const inputs = shapes.map((s, i) => randn(s, 11 + i));
      const clean = outputAndGrads(fn, inputs);
      const was = setPoisonUnfilled(true);
      try {
        assert.deepEqual(outputAndGrads(fn, inputs), clean);
      } finally {
        setPoisonUnfilled(was);
      }
    });
  }
});

describe("allocateUnfilled", () => {
  it("gives arrays of the asked kind and length, zero-filled when small", () => {
    const was = setPoisonUnfilled(false);
    for (const dtype of NUMERIC_DTYPES) {
      const small = allocateUnfilled(dtype, 7);
      assert.equal(small.length, 7);
      assert.ok(small.every((v) => v === 0));
      const large = allocateUnfilled(dtype, 100_000);
      assert.equal(large.length, 100_000);
      assert.equal(large.byteOffset, 0);
      assert.equal(large.buffer.byteLength, large.byteLength);
    }
    setPoisonUnfilled(was);
  });

  it("poisons what it gives when asked (a debugging aid for kernels)", () => {
    const was = setPoisonUnfilled(true);
    assert.ok(allocateUnfilled("float32", 10).every((v) => Number.isNaN(v)));
    assert.ok(allocateUnfilled("int32", 10).every((v) => v === -(2 ** 31)));
    setPoisonUnfilled(was);
  });
});
