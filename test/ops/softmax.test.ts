import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { setPoisonUnfilled } from "../../src/backend/host.js";
import { assertClose, eachBackend, randn } from "../helpers.js";

// softmax over the last axis runs as one kernel; it must give what the op-by-op path gives
// (kept for other axes): e^(x − m) / Σ e^(x − m), m the max (0 when not finite).
const stepByStep = (x: Tensor): Tensor => {
  const o = st.ops;
  const m = o.max(x, -1, true);
  const e = o.exp(o.subtract(x, o.where(o.isfinite(m), m, 0)));
  return o.divide(e, o.sum(e, -1, true));
};

// logSoftmax over the last axis likewise: (x − m) − log Σ e^(x − m), as the op-by-op path.
const logStepByStep = (x: Tensor): Tensor => {
  const o = st.ops;
  const m = o.max(x, -1, true);
  const s = o.subtract(x, o.where(o.isfinite(m), m, 0));
  return o.subtract(s, o.log(o.sum(o.exp(s), -1, true)));
};

const CASES: [
  string,
  (x: Tensor) => Tensor,
  (x: Tensor) => Tensor,
  { rtol: number; atol: number },
][] = [
  ["softmax", (x) => st.ops.softmax(x), stepByStep, { rtol: 2e-7, atol: 0 }],
  ["logSoftmax", (x) => st.ops.logSoftmax(x), logStepByStep, { rtol: 2e-7, atol: 1e-7 }],
];

for (const [name, op, reference, tol] of CASES) {
  eachBackend(`${name} kernel (last axis)`, () => {
    it("equals the op-by-op path, float32 and float64, special values included", () => {
      for (const dtype of ["float32", "float64"] as const) {
        for (const shape of [
          [37, 10],
          [3, 4, 129],
          [5, 1],
        ]) {
          const x = st.ops.cast(randn(shape, shape.length, 4), dtype);
          assertClose(op(x), reference(x), tol);
        }
        const special = st.tensor(
          [
            [Infinity, 0, 1],
            [-Infinity, -Infinity, -Infinity],
            [-Infinity, 2, 3],
            [NaN, 1, 2],
            [100, -100, 3e38],
          ],
          undefined,
          dtype,
        );
        const [got, want] = [op(special), reference(special)];
        assert.deepEqual(
          [...got.dataSync()].map((v) => (Number.isNaN(v) ? "NaN" : v)),
          [...want.dataSync()].map((v) => (Number.isNaN(v) ? "NaN" : v)),
        );
      }
    });
    it("writes every element of its unfilled output", () => {
      const x = randn([9, 33], 3);
      const clean = op(x).dataSync();
      const was = setPoisonUnfilled(true);
      try {
        assert.deepEqual(op(x).dataSync(), clean);
      } finally {
        setPoisonUnfilled(was);
      }
    });
  });
}
