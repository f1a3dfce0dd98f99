import assert from "node:assert/strict";
import { beforeEach, describe } from "node:test";
import * as st from "../src/index.js";
import type { Tensor } from "../src/index.js";
import type { HostArrays, Kernels } from "../src/backend/backend.js";
import { backendNamed, currentBackend } from "../src/backend/index.js";

/**
 * Runs `body` once per registered backend, so every later backend runs the same suite. Tensors
 * the body makes while it declares its tests belong to that backend too.
 */
export function eachBackend(name: string, body: (backend: string) => void): void {
  for (const backend of st.listBackends()) {
    describe(`${name} [${backend}]`, () => {
      beforeEach(() => st.setBackend(backend));
      const outer = st.getBackend();
      st.setBackend(backend);
      try {
        body(backend);
      } finally {
        st.setBackend(outer);
      }
    });
  }
}

/** `it` options that skip a kernel-level test on a backend whose storage is not host arrays. */
export function hostOnly(backend: string): { skip: string | false } {
  return {
    skip:
      !backendNamed(backend).hostMemory && `${backend} does not keep its tensors in host arrays`,
  };
}

/** `it` options that skip a test of a fused kernel on a backend that does not have it. */
export function withKernel(backend: string, kernel: string): { skip: string | false } {
  const has =
    typeof (backendNamed(backend).kernels as unknown as Record<string, unknown>)[kernel] ===
    "function";
  return { skip: !has && `${backend} has no ${kernel} kernel (its op runs the composite)` };
}

export interface Tolerance {
  rtol?: number;
  atol?: number;
}

function flat(x: Tensor | st.NestedArray): number[] {
  if (x instanceof st.Tensor) return Array.from(x.dataSync(), Number);
  const out: number[] = [];
  const walk = (v: st.NestedArray): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else out.push(Number(v));
  };
  walk(x);
  return out;
}

/** NumPy's `allclose`, NaN equal to NaN, with a message that locates the first mismatch. */
export function assertClose(
  actual: Tensor | st.NestedArray,
  expected: Tensor | st.NestedArray,
  tol: Tolerance = {},
): void {
  const { rtol = 1e-5, atol = 1e-6 } = tol;
  if (actual instanceof st.Tensor && expected instanceof st.Tensor) {
    assert.deepEqual(actual.shape, expected.shape, "shapes differ");
  }
  const a = flat(actual);
  const e = flat(expected);
  assert.equal(a.length, e.length, `sizes differ: ${a.length} vs ${e.length}`);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = e[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    if (x === y) continue;
    if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y))) {
      assert.fail(`element ${i}: got ${x}, expected ${y} (rtol ${rtol}, atol ${atol})`);
    }
  }
}

/** Random float64 tensor from a fixed seed (for references and gradient checks). */
export function randn(shape: number[], seed: number, scale = 1): Tensor {
  return st.random.normal(shape, { seed, stddev: scale, dtype: "float64" });
}

export function randu(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  return st.random.uniform(shape, { seed, minval: lo, maxval: hi, dtype: "float64" });
}

/**
 * Finite-difference gradient check in float64: compares grad(Σ w·f(x…)) with central differences
 * for every element of every input. A random weighting `w` checks the whole Jacobian, not just
 * its column sums.
 */
export function gradcheck(
  f: (...xs: Tensor[]) => Tensor,
  inputs: Tensor[],
  { eps = 1e-6, rtol = 1e-5, atol = 1e-7 }: { eps?: number; rtol?: number; atol?: number } = {},
): void {
  for (const x of inputs) assert.equal(x.dtype, "float64", "gradcheck inputs must be float64");
  const probe = f(...inputs);
  const w = st.random.uniform([...probe.shape], {
    seed: 7,
    minval: 0.5,
    maxval: 1.5,
    dtype: "float64",
  });
  const loss = (...xs: Tensor[]): Tensor =>
    st.ops.sum(st.ops.multiply(st.ops.cast(f(...xs), "float64"), w));
  const analytic = st.grad(loss)(...inputs);
  inputs.forEach((x, k) => {
    const numeric = new Float64Array(x.size);
    for (let i = 0; i < x.size; i++) {
      const at = (delta: number): number => {
        const data = Float64Array.from(x.dataSync());
        data[i]! += delta;
        const args = inputs.map((y, j) => (j === k ? st.tensor(data, x.shape) : y));
        return Number(loss(...args).item());
      };
      numeric[i] = (at(eps) - at(-eps)) / (2 * eps);
    }
    const g = analytic[k]!;
    assert.deepEqual(g.shape, x.shape, `gradient ${k} has shape ${g.shape}, input has ${x.shape}`);
    try {
      assertClose(g, [...numeric], { rtol, atol });
    } catch (e) {
      throw new Error(`gradcheck input ${k}: ${(e as Error).message}`);
    }
  });
}

/** The current backend's kernels over host arrays, for kernel-level tests (host backends only). */
export function hostKernels(): Kernels<HostArrays> {
  const backend = currentBackend();
  assert.ok(backend.hostMemory, `backend ${backend.name} does not keep host arrays`);
  return backend.kernels as unknown as Kernels<HostArrays>;
}

const hostValues = new WeakMap<Tensor, ArrayLike<number>>();
/** A tensor's values, read once (tensors are immutable): for reference loops that index them. */
export function valuesOf(t: Tensor): ArrayLike<number> {
  let v = hostValues.get(t);
  if (!v) hostValues.set(t, (v = t.dataSync()));
  return v;
}
