import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { backendNamed, listBackends } from "../../src/backend/index.js";
import {
  CORE_KERNELS,
  type CoreKernel,
  referenceKernels,
} from "../../src/backend/reference/index.js";
import type { FloatArray, TypedArray } from "../../src/tensor/dtype.js";
import { CASES, type Check, type CoreKernels, type KernelCase, winners } from "./parity-cases.js";
import {
  type Bound,
  POOLS,
  alloc,
  assertMatches,
  kindOf,
  random,
  sizeOf,
} from "./parity-helpers.js";
import { withThreads } from "./rnn-parity-helpers.js";

// Every registered backend's core kernels against the reference backend's (the specification),
// called directly on the inputs of parity-cases.ts. A backend registered later is checked here
// without a line of its own; where it needs looser bounds than the default or leaves a kernel
// out, it says so in TOLERANCES and EXCLUSIONS, which the report shows.

/**
 * Bounds of the float comparisons that are not exact, per backend and float dtype: relative to
 * each value for "math", to the magnitude of the sum (the same sum over |terms|) for "sum" and
 * "product". What a backend measured, with room for other machines.
 */
type Tolerances = Record<Exclude<Check, "exact">, { f32: Bound; f64: Bound }>;

const TOLERANCES: Record<string, Tolerances> = {
  ts: {
    // the same Math library as the reference; float32 exp and sigmoid through a float32-accurate
    // exp (within 1 ulp)
    math: { f32: { rtol: 2.4e-7 }, f64: { rtol: 4.5e-16 } },
    // float32 scatter-adds and pooling gradients that round at every step
    sum: { f32: { rtol: 2.5e-7 }, f64: { rtol: 1e-15 } },
    // float64 dot products in another order, float32 ones rounded once per 256 terms
    product: { f32: { rtol: 5e-7 }, f64: { rtol: 1e-15 } },
  },
  native: {
    // the C library's functions against V8's (each within 1 ulp; the reference's erf within 3),
    // float32 exp and sigmoid within 1 ulp
    math: { f32: { rtol: 2.4e-7 }, f64: { rtol: 1.2e-15 } },
    sum: { f32: { rtol: 2.5e-7 }, f64: { rtol: 1e-15 } },
    // BLAS and the tiled convolutions accumulate float32 in float32
    product: { f32: { rtol: 1e-6 }, f64: { rtol: 1e-15 } },
  },
};
/** A backend without a row of its own is held to the native backend's bounds. */
const DEFAULT_TOLERANCES = TOLERANCES.native!;

/** Kernels (or cases of them, by label) a backend is not checked on, and why. */
const EXCLUSIONS: Record<string, { kernel: CoreKernel; cases?: RegExp; reason: string }[]> = {
  ts: [],
  native: [],
};

const BACKENDS = listBackends().filter((b) => b !== "reference");

/**
 * A backend's core kernels called with host arrays: a host backend's as they are; any other's
 * with each array moved into its storage and read back after the call.
 */
function kernelsOf(name: string): CoreKernels {
  const backend = backendNamed(name);
  if (backend.hostMemory) return backend.kernels as unknown as CoreKernels;
  const table = backend.kernels as unknown as Record<string, (...args: unknown[]) => void>;
  const moved = CORE_KERNELS.map((kernel) => {
    const run = (...args: unknown[]): void => {
      const storage = args.map((a) =>
        ArrayBuffer.isView(a) ? backend.fromHost((a as TypedArray).slice()) : a,
      );
      table[kernel]!(...storage);
      args.forEach((a, i) => {
        if (ArrayBuffer.isView(a)) (a as TypedArray).set(backend.readSync(storage[i] as never));
      });
    };
    return [kernel, run] as const;
  });
  return Object.fromEntries(moved) as unknown as CoreKernels;
}

const copyOf = (a: TypedArray): TypedArray => a.slice();

// Each kernel's cases are made once, and the reference runs each once, whatever the number of
// backends; only the current kernel's cases are kept.
let current: { kernel: CoreKernel; cases: KernelCase[] } | undefined;
function casesOf(kernel: CoreKernel): KernelCase[] {
  if (current?.kernel !== kernel) current = { kernel, cases: CASES[kernel]() };
  return current.cases;
}
const expected = new WeakMap<KernelCase, { want: TypedArray[]; magnitude?: TypedArray[] }>();
function reference(c: KernelCase): { want: TypedArray[]; magnitude?: TypedArray[] } {
  let r = expected.get(c);
  if (!r) {
    const want = c.outs.map(copyOf);
    c.run(referenceKernels, want);
    r = {
      want,
      magnitude: c.check === "sum" || c.check === "product" ? c.magnitude?.() : undefined,
    };
    expected.set(c, r);
  }
  return r;
}

function check(backend: string, k: CoreKernels, c: KernelCase): void {
  const { want, magnitude } = reference(c);
  const got = c.outs.map(copyOf);
  c.run(k, got);
  const tolerances = TOLERANCES[backend] ?? DEFAULT_TOLERANCES;
  got.forEach((g, i) => {
    const bound =
      c.check === "exact" ? undefined : tolerances[c.check][kindOf(g) === "f32" ? "f32" : "f64"];
    assertMatches(`${c.label} on ${backend}`, g, want[i]!, bound, {
      magnitude: magnitude?.[i],
      // BLAS may start a dot product from its first term or from +0
      anySignedZero: c.check === "product",
    });
  });
}

// At least three threads, so the largest cases split across them.
withThreads(3);

for (const kernel of CORE_KERNELS) {
  describe(`parity with the reference: ${kernel}`, () => {
    for (const backend of BACKENDS) {
      const excluded = (EXCLUSIONS[backend] ?? []).filter((e) => e.kernel === kernel);
      const whole = excluded.find((e) => !e.cases);
      it(backend, whole ? { skip: `excluded: ${whole.reason}` } : {}, () => {
        const k = kernelsOf(backend);
        for (const c of casesOf(kernel)) {
          if (!excluded.some((e) => e.cases?.test(c.label))) check(backend, k, c);
        }
      });
      for (const e of excluded.filter((e) => e.cases)) {
        it(`${backend}: cases ${e.cases}`, { skip: `excluded: ${e.reason}` }, () => {});
      }
    }
  });
}

describe("the reference backend", () => {
  it("implements exactly the core kernels", () => {
    assert.deepEqual(Object.keys(referenceKernels).sort(), [...CORE_KERNELS].sort());
  });

  it("maxPoolBackprop is a scatter-add of dy to the winners", () => {
    for (const [name, p] of POOLS) {
      const nx = p.batch * sizeOf(p.inShape) * p.channels;
      const ny = p.batch * sizeOf(p.outShape) * p.channels;
      const x = random("f64", nx, 4, { special: true }) as FloatArray;
      const argmax = winners(x, p, ny);
      if (argmax.includes(-1)) continue; // a window of padding only has no winner
      const dy = random("f64", ny, 6) as FloatArray;
      const dx = alloc("f64", nx) as FloatArray;
      referenceKernels.maxPoolBackprop(dy, argmax, dx, p);
      const scattered = alloc("f64", nx);
      referenceKernels.scatterAdd(dy, argmax, scattered, 1, nx, 1);
      assertMatches(`maxPoolBackprop ${name}`, dx, scattered);
    }
  });
});
