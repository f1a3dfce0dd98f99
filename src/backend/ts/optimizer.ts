import type { FloatArray } from "../../tensor/dtype.js";
import type { FusedKernels } from "../backend.js";

/**
 * The fused optimizer rules (UpdateRule in backend.ts), one pass per weight. Each element is
 * computed in double precision and rounded once, where the op-by-op path rounds after every op:
 * the two agree to float32 tolerance.
 */
export const applyUpdate: FusedKernels["applyUpdate"] = (rule, w, g, slots, out, hyper) => {
  const [h0 = 0, decay = 0, h2 = 0, h3 = 0, h4 = 0, h5 = 0] = hyper;
  const keep = 1 - decay;
  switch (rule) {
    case "sgd":
      return sgd(w, g, slots[0], out, h0, keep, h2, h3 !== 0);
    case "rmsprop": {
      const momentum = h3 > 0 ? slots[1] : undefined;
      const average = h5 !== 0 ? slots[h3 > 0 ? 2 : 1] : undefined;
      return rmsprop(w, g, slots[0]!, momentum, average, out, h0, keep, h2, h3, h4);
    }
    case "adam":
      return adam(
        w,
        g,
        slots[0]!,
        slots[1]!,
        h5 !== 0 ? slots[2] : undefined,
        out,
        h0,
        keep,
        h2,
        h3,
        h4,
      );
  }
};

function sgd(
  w: FloatArray,
  g: FloatArray,
  m: FloatArray | undefined,
  out: FloatArray,
  lr: number,
  keep: number,
  mu: number,
  nesterov: boolean,
): void {
  for (let i = 0; i < w.length; i++) {
    const step = lr * g[i]!;
    if (m === undefined) {
      out[i] = w[i]! * keep - step;
      continue;
    }
    const v = mu * m[i]! - step;
    m[i] = v;
    out[i] = w[i]! * keep + (nesterov ? mu * v - step : v);
  }
}

function rmsprop(
  w: FloatArray,
  g: FloatArray,
  v: FloatArray,
  m: FloatArray | undefined,
  a: FloatArray | undefined,
  out: FloatArray,
  lr: number,
  keep: number,
  rho: number,
  mu: number,
  eps: number,
): void {
  for (let i = 0; i < w.length; i++) {
    const gi = g[i]!;
    const vi = rho * v[i]! + (1 - rho) * gi * gi;
    v[i] = vi;
    let denominator = vi + eps;
    if (a !== undefined) {
      const ai = rho * a[i]! + (1 - rho) * gi;
      a[i] = ai;
      denominator -= ai * ai;
    }
    let step = (lr * gi) / Math.sqrt(denominator);
    if (m !== undefined) {
      step += mu * m[i]!;
      m[i] = step;
    }
    out[i] = w[i]! * keep - step;
  }
}

function adam(
  w: FloatArray,
  g: FloatArray,
  m: FloatArray,
  v: FloatArray,
  vHat: FloatArray | undefined,
  out: FloatArray,
  alpha: number,
  keep: number,
  beta1: number,
  beta2: number,
  eps: number,
): void {
  for (let i = 0; i < w.length; i++) {
    const gi = g[i]!;
    const mi = m[i]! + (gi - m[i]!) * (1 - beta1);
    let vi = v[i]! + (gi * gi - v[i]!) * (1 - beta2);
    m[i] = mi;
    v[i] = vi;
    if (vHat !== undefined) {
      vi = Math.max(vHat[i]!, vi);
      vHat[i] = vi;
    }
    out[i] = w[i]! * keep - (alpha * mi) / (Math.sqrt(vi) + eps);
  }
}
