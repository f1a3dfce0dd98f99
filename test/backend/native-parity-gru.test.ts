import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AllKernels, RnnParams } from "../../src/backend/backend.js";
import type { FloatArray } from "../../src/tensor/dtype.js";
import { alloc, assertParity, native, random, skipUnlessNative, ts } from "./parity-helpers.js";
import { FLOATS, type Float, SIZES, randomMask, tol, withThreads } from "./rnn-parity-helpers.js";

// The fused GRU kernels: native against the TypeScript reference, on random inputs of odd sizes,
// masks, and every optional array.

interface Inputs {
  xProj: FloatArray;
  u: FloatArray;
  bias: FloatArray | null;
  recurrentBias: FloatArray | null;
  h0: FloatArray;
  mask: Uint8Array | null;
}

function inputs(kind: Float, [B, T, U]: readonly number[], seed: number, masked: boolean): Inputs {
  const f = (n: number, s: number, scale: number) =>
    random(kind, n, seed + s, { scale }) as FloatArray;
  return {
    xProj: f(B! * T! * 3 * U!, 1, 1.5),
    u: f(U! * 3 * U!, 2, 0.5),
    bias: seed % 2 ? f(3 * U!, 3, 1) : null,
    recurrentBias: seed % 3 ? f(3 * U!, 4, 1) : null,
    h0: f(B! * U!, 5, 0.8),
    mask: masked ? randomMask(B!, T!, seed + 6) : null,
  };
}

interface Forward {
  hLast: FloatArray;
  hSeq: FloatArray;
  gates: FloatArray;
}

function forward(K: AllKernels, kind: Float, i: Inputs, p: RnnParams): Forward {
  const { batch: B, steps: T, units: U } = p;
  const o: Forward = {
    hLast: alloc(kind, B * U) as FloatArray,
    hSeq: alloc(kind, B * T * U) as FloatArray,
    gates: alloc(kind, B * T * 3 * U) as FloatArray,
  };
  K.gruForward(i.xProj, i.u, i.bias, i.recurrentBias, i.h0, i.mask, o.hLast, o.hSeq, o.gates, p);
  return o;
}

const copy = (kind: Float, a: FloatArray): FloatArray =>
  kind === "f32" ? Float32Array.from(a) : Float64Array.from(a);

describe("native parity: gruForward / gruBackward", skipUnlessNative, () => {
  withThreads(3);

  it("forward: every output, odd sizes, with and without mask and biases", () => {
    for (const kind of FLOATS) {
      SIZES.forEach((size, n) => {
        for (const masked of [false, true]) {
          const i = inputs(kind, size, 10 * n + (masked ? 1 : 0), masked);
          const p = { batch: size[0], steps: size[1], units: size[2] };
          const want = forward(ts, kind, i, p);
          const got = forward(native!, kind, i, p);
          for (const k of Object.keys(want) as (keyof Forward)[]) {
            assertParity(
              `${kind} ${size} mask=${masked} ${k}`,
              got[k],
              want[k],
              tol(kind, want[k]),
            );
          }
          const hLast = alloc(kind, p.batch * p.units) as FloatArray;
          native!.gruForward(
            i.xProj,
            i.u,
            i.bias,
            i.recurrentBias,
            i.h0,
            i.mask,
            hLast,
            null,
            null,
            p,
          );
          assertParity(`${kind} ${size} inference h`, hLast, got.hLast, { rtol: 0 });
        }
      });
    }
  });

  it("backward: every gradient, with and without each incoming gradient, dxProj in place", () => {
    for (const kind of FLOATS) {
      SIZES.forEach((size, n) => {
        const [B, T, U] = size as [number, number, number];
        const p = { batch: B, steps: T, units: U };
        for (const masked of [false, true]) {
          const i = inputs(kind, size, 10 * n + 5 + (masked ? 1 : 0), masked);
          const saved = forward(ts, kind, i, p);
          const dhSeq = n % 2 === 0 ? (random(kind, B * T * U, n + 1) as FloatArray) : null;
          const dhLast = n % 3 === 1 ? null : (random(kind, B * U, n + 2) as FloatArray);
          const run = (K: AllKernels, inPlace: boolean) => {
            const xProj = copy(kind, i.xProj);
            const out = {
              dx: inPlace ? xProj : (alloc(kind, B * T * 3 * U) as FloatArray),
              du: alloc(kind, U * 3 * U) as FloatArray,
              db: alloc(kind, 3 * U) as FloatArray,
              drb: alloc(kind, 3 * U) as FloatArray,
              dh0: alloc(kind, B * U) as FloatArray,
            };
            K.gruBackward(
              xProj,
              i.u,
              i.bias,
              i.h0,
              i.mask,
              saved.hSeq,
              saved.gates,
              dhSeq,
              dhLast,
              out.dx,
              out.du,
              out.db,
              out.drb,
              out.dh0,
              p,
            );
            return out;
          };
          const want = run(ts, false);
          for (const [K, inPlace, label] of [
            [native!, false, "native"],
            [native!, true, "native in place"],
            [ts, true, "ts in place"],
          ] as const) {
            const got = run(K, inPlace);
            for (const k of Object.keys(want) as (keyof typeof want)[]) {
              assertParity(
                `${kind} ${size} mask=${masked} ${label} ${k}`,
                got[k],
                want[k],
                tol(kind, want[k]),
              );
            }
          }
        }
      });
    }
  });

  it("refuses arrays shorter than the sizes say, without reaching C++", () => {
    const p = { batch: 2, steps: 3, units: 2 };
    const f = (n: number) => new Float32Array(n);
    const [x, u, h] = [f(36), f(12), f(4)];
    assert.throws(
      () => native!.gruForward(x, u, null, f(5), h, null, f(4), null, null, p),
      /native gruForward: recurrentBias has 5 elements, the kernel needs 6/,
    );
    assert.throws(
      () =>
        native!.gruBackward(
          x,
          u,
          null,
          h,
          null,
          f(12),
          f(36),
          null,
          null,
          f(35),
          u,
          null,
          null,
          h,
          p,
        ),
      /dxProj has 35 elements, the kernel needs 36/,
    );
  });
});
