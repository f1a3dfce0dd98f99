import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AllKernels, RnnParams } from "../../src/backend/backend.js";
import { ValueError } from "../../src/errors.js";
import type { FloatArray } from "../../src/tensor/dtype.js";
import { alloc, assertParity, native, random, skipUnlessNative, ts } from "./parity-helpers.js";
import { FLOATS, type Float, SIZES, randomMask, tol, withThreads } from "./rnn-parity-helpers.js";

// The fused LSTM kernels: native (BLAS per step, vectorised float32 activations) against the
// TypeScript reference, on random inputs of odd sizes, masks, and every optional array.

interface Inputs {
  xProj: FloatArray;
  u: FloatArray;
  bias: FloatArray | null;
  h0: FloatArray;
  c0: FloatArray;
  mask: Uint8Array | null;
}

function inputs(
  kind: Float,
  [B, T, U]: readonly number[],
  seed: number,
  masked: boolean,
  biased: boolean,
): Inputs {
  const f = (n: number, s: number, scale: number) =>
    random(kind, n, seed + s, { scale }) as FloatArray;
  return {
    xProj: f(B! * T! * 4 * U!, 1, 1.5),
    u: f(U! * 4 * U!, 2, 0.5),
    bias: biased ? f(4 * U!, 3, 1) : null,
    h0: f(B! * U!, 4, 0.8),
    c0: f(B! * U!, 5, 2),
    mask: masked ? randomMask(B!, T!, seed + 6) : null,
  };
}

interface Forward {
  hLast: FloatArray;
  cLast: FloatArray;
  hSeq: FloatArray;
  cSeq: FloatArray;
  gates: FloatArray;
}

function forward(K: AllKernels, kind: Float, i: Inputs, p: RnnParams): Forward {
  const { batch: B, steps: T, units: U } = p;
  const o: Forward = {
    hLast: alloc(kind, B * U) as FloatArray,
    cLast: alloc(kind, B * U) as FloatArray,
    hSeq: alloc(kind, B * T * U) as FloatArray,
    cSeq: alloc(kind, B * T * U) as FloatArray,
    gates: alloc(kind, B * T * 4 * U) as FloatArray,
  };
  K.lstmForward(
    i.xProj,
    i.u,
    i.bias,
    i.h0,
    i.c0,
    i.mask,
    o.hLast,
    o.cLast,
    o.hSeq,
    o.cSeq,
    o.gates,
    p,
  );
  return o;
}

describe("native parity: lstmForward / lstmBackward", skipUnlessNative, () => {
  withThreads(3);

  it("forward: every output, odd sizes, with and without mask and bias", () => {
    for (const kind of FLOATS) {
      SIZES.forEach((size, n) => {
        for (const masked of [false, true]) {
          const i = inputs(kind, size, 10 * n, masked, !masked || n % 2 === 0);
          const p = { batch: size[0], steps: size[1], units: size[2] };
          const got = forward(native!, kind, i, p);
          const want = forward(ts, kind, i, p);
          for (const k of Object.keys(want) as (keyof Forward)[]) {
            assertParity(
              `${kind} ${size} mask=${masked} ${k}`,
              got[k],
              want[k],
              tol(kind, want[k]),
            );
          }
          // The gates may overwrite xProj.
          for (const K of [native!, ts]) {
            const g = (kind === "f32" ? Float32Array : Float64Array).from(i.xProj) as FloatArray;
            const hl = alloc(kind, p.batch * p.units) as FloatArray;
            const cl = alloc(kind, p.batch * p.units) as FloatArray;
            const hs = alloc(kind, got.hSeq.length) as FloatArray;
            const cs = alloc(kind, got.cSeq.length) as FloatArray;
            K.lstmForward(g, i.u, i.bias, i.h0, i.c0, i.mask, hl, cl, hs, cs, g, p);
            // Masked rows keep xProj's values where a fresh array keeps zeros.
            if (!masked)
              assertParity(`${kind} ${size} in place gates`, g, want.gates, tol(kind, want.gates));
            assertParity(`${kind} ${size} in place hSeq`, hs, want.hSeq, tol(kind, want.hSeq));
            assertParity(`${kind} ${size} in place c`, cl, want.cLast, tol(kind, want.cLast));
          }
          // Without the arrays backward needs, the final states are the same.
          const hLast = alloc(kind, p.batch * p.units) as FloatArray;
          const cLast = alloc(kind, p.batch * p.units) as FloatArray;
          native!.lstmForward(
            i.xProj,
            i.u,
            i.bias,
            i.h0,
            i.c0,
            i.mask,
            hLast,
            cLast,
            null,
            null,
            null,
            p,
          );
          assertParity(`${kind} ${size} inference h`, hLast, got.hLast, { rtol: 0 });
          assertParity(`${kind} ${size} inference c`, cLast, got.cLast, { rtol: 0 });
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
          const i = inputs(kind, size, 10 * n + 5, masked, true);
          const saved = forward(ts, kind, i, p);
          const dhSeq = n % 2 === 0 ? (random(kind, B * T * U, n + 1) as FloatArray) : null;
          const dhLast = random(kind, B * U, n + 2) as FloatArray;
          const dcLast = n % 3 === 0 ? null : (random(kind, B * U, n + 3) as FloatArray);
          const run = (K: AllKernels, inPlace: boolean) => {
            const gates = Float64Array.from(saved.gates);
            const g = (kind === "f32" ? Float32Array.from(gates) : gates) as FloatArray;
            const out = {
              dx: inPlace ? g : (alloc(kind, B * T * 4 * U) as FloatArray),
              du: alloc(kind, U * 4 * U) as FloatArray,
              db: alloc(kind, 4 * U) as FloatArray,
              dh0: alloc(kind, B * U) as FloatArray,
              dc0: alloc(kind, B * U) as FloatArray,
            };
            K.lstmBackward(
              i.u,
              i.h0,
              i.c0,
              i.mask,
              saved.hSeq,
              saved.cSeq,
              g,
              dhSeq,
              dhLast,
              dcLast,
              out.dx,
              out.du,
              out.db,
              out.dh0,
              out.dc0,
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

  it("float32 activations: σ and tanh within a few ulps of the exact values", () => {
    // One step of one unit from zero states: sample b's gates are σ(x), σ(x), tanh(x), σ(x).
    const xs: number[] = [];
    for (let v = -20; v <= 20; v += 1 / 512) xs.push(v);
    for (const v of [1e-30, 1e-8, 1e-4, 0.6249, 0.625, 0.6251, 9, 50, 88, 100, 1e30])
      xs.push(v, -v);
    xs.push(0, -0);
    const B = xs.length;
    const xProj = new Float32Array(4 * B);
    xs.forEach((v, b) => xProj.fill(v, 4 * b, 4 * b + 4));
    const p = { batch: B, steps: 1, units: 1 };
    const zeros = () => new Float32Array(B);
    const gates = new Float32Array(4 * B);
    native!.lstmForward(
      xProj,
      new Float32Array(4),
      null,
      zeros(),
      zeros(),
      null,
      zeros(),
      zeros(),
      null,
      null,
      gates,
      p,
    );
    const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
    for (let b = 0; b < B; b++) {
      const x = xProj[4 * b]!;
      for (const [g, exact, name] of [
        [0, sigmoid(x), "σ"],
        [2, Math.tanh(x), "tanh"],
      ] as const) {
        const got = gates[4 * b + g]!;
        const bound = 3 * 2 ** -24 * Math.abs(exact) + 1e-37;
        assert.ok(Math.abs(got - exact) <= bound, `${name}(${x}) = ${got}, exact ${exact}`);
      }
    }
  });

  it("refuses arrays shorter than the sizes say, without reaching C++", () => {
    const p = { batch: 2, steps: 3, units: 2 };
    const f = (n: number) => new Float32Array(n);
    const ok = { xProj: f(48), u: f(16), h: f(4), c: f(4) };
    assert.throws(
      () =>
        native!.lstmForward(f(47), ok.u, null, ok.h, ok.c, null, f(4), f(4), null, null, null, p),
      (e: Error) =>
        e instanceof ValueError && /xProj has 47 elements, the kernel needs 48/.test(e.message),
    );
    assert.throws(
      () =>
        native!.lstmForward(
          ok.xProj,
          ok.u,
          f(7),
          ok.h,
          ok.c,
          null,
          f(4),
          f(4),
          null,
          null,
          null,
          p,
        ),
      /bias has 7 elements, the kernel needs 8/,
    );
    assert.throws(
      () =>
        native!.lstmForward(
          ok.xProj,
          ok.u,
          null,
          ok.h,
          ok.c,
          new Uint8Array(5),
          f(4),
          f(4),
          null,
          null,
          null,
          p,
        ),
      /mask has 5 elements, the kernel needs 6/,
    );
    assert.throws(
      () =>
        native!.lstmBackward(
          ok.u,
          ok.h,
          ok.c,
          null,
          f(12),
          f(12),
          f(47),
          null,
          null,
          null,
          f(48),
          f(16),
          null,
          f(4),
          f(4),
          p,
        ),
      /gates has 47 elements, the kernel needs 48/,
    );
    assert.throws(
      () =>
        native!.lstmForward(ok.xProj, ok.u, null, ok.h, ok.c, null, f(4), f(4), null, null, null, {
          ...p,
          units: -1,
        }),
      /units must be a non-negative integer/,
    );
    // Mixed float kinds go to the reference, which gives the same result.
    const hl = [f(4), f(4)];
    native!.lstmForward(
      ok.xProj,
      ok.u,
      new Float64Array(8),
      ok.h,
      ok.c,
      null,
      hl[0]!,
      hl[1]!,
      null,
      null,
      null,
      p,
    );
  });

  it("empty batches and sequences: the final states are the initial ones", () => {
    for (const [B, T] of [
      [0, 3],
      [2, 0],
    ] as const) {
      const U = 3;
      const p = { batch: B, steps: T, units: U };
      const h0 = Float32Array.from({ length: B * U }, (_, k) => k + 1);
      const hl = new Float32Array(B * U);
      const cl = new Float32Array(B * U);
      native!.lstmForward(
        new Float32Array(0),
        new Float32Array(4 * U * U),
        null,
        h0,
        h0,
        null,
        hl,
        cl,
        new Float32Array(0),
        new Float32Array(0),
        new Float32Array(0),
        p,
      );
      assert.deepEqual([...hl], [...h0]);
      const du = new Float32Array(4 * U * U).fill(7);
      native!.lstmBackward(
        new Float32Array(4 * U * U),
        h0,
        h0,
        null,
        new Float32Array(0),
        new Float32Array(0),
        new Float32Array(0),
        null,
        null,
        null,
        new Float32Array(0),
        du,
        null,
        new Float32Array(B * U),
        new Float32Array(B * U),
        p,
      );
      assert.ok(du.every((v) => v === 0));
    }
  });
});
