import { describe, it } from "node:test";
import type { FloatArray } from "../../src/tensor/dtype.js";
import {
  CONVS,
  alloc,
  assertParity,
  convParams,
  maxAbs,
  native,
  random,
  skipUnlessNative,
  ts,
} from "./parity-helpers.js";

// The fused kernels that the native backend implements itself (a conv layer's bias + relu, its
// gradient), native against the TypeScript ones. The recurrent ones have suites of their own.

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

describe("native parity: convBias", skipUnlessNative, () => {
  it("adds the bias and applies relu in the output pass, on every convolution shape", () => {
    for (const [name, c] of CONVS) {
      const p = convParams(c);
      const vol = (t: readonly number[]) => t[0]! * t[1]! * t[2]!;
      const nx = p.batch * vol(p.inShape) * p.inChannels;
      const ny = p.batch * vol(p.outShape) * p.outChannels;
      const nw = vol(p.kernelShape) * (p.inChannels / p.groups) * p.outChannels;
      for (const kind of ["f32", "f64"] as const) {
        const x = random(kind, nx, 1) as FloatArray;
        const w = random(kind, nw, 2) as FloatArray;
        const bias = random(kind, p.outChannels, 4) as FloatArray;
        for (const [b, relu] of [
          [bias, true],
          [bias, false],
          [null, true],
        ] as const) {
          const z = alloc(kind, ny) as FloatArray;
          const zRef = alloc(kind, ny) as FloatArray;
          native!.convBias(x, w, b, z, p, relu);
          ts.convBias(x, w, b, zRef, p, relu);
          // float32 products accumulate in float32 natively, in float64 in TypeScript
          assertParity(`convBias ${name} ${kind} relu=${relu}`, z, zRef, {
            rtol: kind === "f32" ? 1e-4 : 1e-10,
            scale: maxAbs(zRef),
          });
        }
      }
    }
  });
});
