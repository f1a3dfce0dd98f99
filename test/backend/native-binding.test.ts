import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getBackend, getNumThreads, setBackend, setNumThreads } from "../../src/backend/index.js";
import { ValueError } from "../../src/errors.js";
import type { FloatArray } from "../../src/tensor/dtype.js";
import {
  assertParity,
  convParams,
  maxAbs,
  native,
  plan,
  poolParams,
  random,
  skipUnlessNative,
} from "./parity-helpers.js";

// The native binding itself: arguments that do not fit are refused before C++ sees them, and
// threads do not change results. (Its kernels' results are checked against the reference backend
// in parity.test.ts.)

describe("native guards: bad arguments throw, never crash", skipUnlessNative, () => {
  const k = native!;
  it("rejects short outputs, reads past the end and out-of-range indices", () => {
    const x = new Float32Array(10);
    assert.throws(() => k.unary("exp", x, new Float32Array(9)), ValueError);
    assert.throws(
      () => k.binary("add", x, x, new Float32Array(12), plan([12], [12], [12])),
      ValueError,
    );
    assert.throws(
      () => k.copy(x, 5, new Float32Array(10), 0, { shape: [6], strides: [[1], [1]] }),
      ValueError,
    );
    assert.throws(
      () => k.copy(x, 0, new Float32Array(10), 0, { shape: [2], strides: [[-1], [1]] }),
      ValueError,
    );
    assert.throws(() => k.reduce("sum", x, new Float32Array(2), 2, 6, 1), ValueError);
    assert.throws(
      () => k.gather(x, Int32Array.of(0, 10), new Float32Array(2), 1, 10, 1),
      /index 10 at position 1/,
    );
    assert.throws(
      () => k.scatterAdd(x, Int32Array.of(-1), new Float32Array(10), 1, 10, 1),
      ValueError,
    );
    assert.throws(
      () => k.matmul(x, x, new Float32Array(9), 3, 4, 3, false, false, 1, 0, 0),
      ValueError,
    );
    assert.throws(() => k.reduce("sum", x, new Float32Array(1), 1, 10.5, 1), ValueError);
  });
});

describe("native threads", skipUnlessNative, () => {
  let [outer, initial] = ["", 1];
  before(() => {
    outer = getBackend();
    setBackend("native"); // getNumThreads reports the current backend's threads
    initial = getNumThreads();
  });
  after(() => {
    setNumThreads(initial);
    setBackend(outer);
  });

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
