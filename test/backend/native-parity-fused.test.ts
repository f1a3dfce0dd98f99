import { describe, it } from "node:test";
import type { FloatArray } from "../../src/tensor/dtype.js";
import {
  alloc,
  assertParity,
  maxAbs,
  native,
  random,
  skipUnlessNative,
  ts,
} from "./parity-helpers.js";

// The gradient through a conv layer's fused bias + relu (convBias's forward parity is checked with
// the convolutions in native-parity-linalg.test.ts): native against the TypeScript reference.

describe("native parity: biasReluBackprop", skipUnlessNative, () => {
  it("masks dy by y > 0 (NaN, ±0 and odd widths included) and sums the bias gradient", () => {
    // [rows, n]: single values, vector tails, a split across threads
    const shapes = [
      [1, 1],
      [3, 17],
      [33, 5],
      [0, 4],
      [4, 0],
      [2000, 37],
      [43264, 32],
    ] as const;
    for (const kind of ["f32", "f64"] as const) {
      for (const [rows, n] of shapes) {
        const dy = random(kind, rows * n, 1, { special: true }) as FloatArray;
        const y = random(kind, rows * n, 2, { special: true }) as FloatArray;
        for (const withBias of [true, false]) {
          const dz = alloc(kind, rows * n) as FloatArray;
          const dzRef = alloc(kind, rows * n) as FloatArray;
          const db = withBias ? (alloc(kind, n) as FloatArray) : null;
          const dbRef = withBias ? (alloc(kind, n) as FloatArray) : null;
          native!.biasReluBackprop(dy, y, dz, db, rows, n);
          ts.biasReluBackprop(dy, y, dzRef, dbRef, rows, n);
          const label = `${kind} ${rows}×${n}`;
          assertParity(`dz ${label}`, dz, dzRef, { rtol: 0 });
          if (db && dbRef) {
            assertParity(`db ${label}`, db, dbRef, {
              rtol: kind === "f32" ? 1e-6 : 1e-12,
              scale: maxAbs(dzRef) * Math.sqrt(rows),
            });
          }
        }
      }
    }
  });
});
