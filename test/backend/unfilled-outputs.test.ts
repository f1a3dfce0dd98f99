import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Kernels } from "../../src/backend/backend.js";
import { kernels } from "../../src/backend/registry.js";
import { DTYPES, allocateUnfilled } from "../../src/tensor/dtype.js";
import { eachBackend } from "../helpers.js";

// unary, binary, where, matmul and applyUpdate get outputs with arbitrary contents (no zeroing):
// each must write every element. Outputs pre-filled with NaN must come back as from zeros.

function both(run: (k: Kernels, out: Float32Array) => void, n: number): void {
  const zeroed = new Float32Array(n);
  const poisoned = new Float32Array(n).fill(NaN);
  run(kernels(), zeroed);
  run(kernels(), poisoned);
  assert.deepEqual(poisoned, zeroed);
}

eachBackend("kernels with unfilled outputs write every element", () => {
  const r = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 1.7));
  it("unary, binary (plain and broadcast) and where", () => {
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

  it("matmul: square, skinny, batched and empty-k products", () => {
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

  it("applyUpdate", () => {
    both(
      (k, out) =>
        k.applyUpdate(
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

describe("allocateUnfilled", () => {
  it("gives arrays of the asked kind and length, zero-filled when small", () => {
    for (const dtype of DTYPES) {
      const small = allocateUnfilled(dtype, 7);
      assert.equal(small.length, 7);
      assert.ok(small.every((v) => v === 0));
      const large = allocateUnfilled(dtype, 100_000);
      assert.equal(large.length, 100_000);
      assert.equal(large.byteOffset, 0);
      assert.equal(large.buffer.byteLength, large.byteLength);
    }
  });
});
