import type { RnnParams } from "../backend.js";
import type { FloatArray } from "../../tensor/dtype.js";
import { columnSums, recurrentKernelGrad, rowsTimes, sigmoid } from "./rnn.js";

/*
 * The fused LSTM, the reference (see rnn.ts). The gates may overwrite xProj (forward) and dxProj
 * the gates (backward): every element is read before its slot is written.
 */

export function lstmForward(
  xProj: FloatArray,
  u: FloatArray,
  bias: FloatArray | null,
  h0: FloatArray,
  c0: FloatArray,
  mask: Uint8Array | null,
  hLast: FloatArray,
  cLast: FloatArray,
  hSeq: FloatArray | null,
  cSeq: FloatArray | null,
  gates: FloatArray | null,
  p: RnnParams,
): void {
  const { batch: B, steps: T, units: U } = p;
  const G = 4 * U;
  hLast.set(h0.subarray(0, B * U));
  cLast.set(c0.subarray(0, B * U));
  const z = new Float64Array(B * G);
  const bz = new Float64Array(G);
  if (bias) bz.set(bias.subarray(0, G));
  for (let t = 0; t < T; t++) {
    // z = h·u from the states before step t (hLast holds them until the step writes).
    rowsTimes(hLast, (b) => b * U, B, U, u, G, z);
    for (let b = 0; b < B; b++) {
      const row = b * T + t;
      const s = b * U;
      if (!mask || mask[row]) {
        const xo = row * G;
        const zo = b * G;
        for (let j = 0; j < U; j++) {
          const i = sigmoid(z[zo + j]! + xProj[xo + j]! + bz[j]!);
          const f = sigmoid(z[zo + U + j]! + xProj[xo + U + j]! + bz[U + j]!);
          const g = Math.tanh(z[zo + 2 * U + j]! + xProj[xo + 2 * U + j]! + bz[2 * U + j]!);
          const o = sigmoid(z[zo + 3 * U + j]! + xProj[xo + 3 * U + j]! + bz[3 * U + j]!);
          cLast[s + j] = f * cLast[s + j]! + i * g;
          hLast[s + j] = o * Math.tanh(cLast[s + j]!);
          if (gates) {
            gates[xo + j] = i;
            gates[xo + U + j] = f;
            gates[xo + 2 * U + j] = g;
            gates[xo + 3 * U + j] = o;
          }
        }
      }
      if (hSeq) hSeq.set(hLast.subarray(s, s + U), row * U);
      if (cSeq) cSeq.set(cLast.subarray(s, s + U), row * U);
    }
  }
}

/*
 * Backward, from the last step to the first, with dh and dc the gradients reaching h and c after
 * step t (dh also takes dhSeq[:, t]). With tc = tanh(c_t):
 *   do = dh ⊙ tc,  dc ← dc + dh ⊙ o ⊙ (1 − tc²)
 *   di = dc ⊙ g,  df = dc ⊙ c_{t−1},  dg = dc ⊙ i
 *   dz = [di ⊙ i(1−i), df ⊙ f(1−f), dg ⊙ (1−g²), do ⊙ o(1−o)]
 *   dc_{t−1} = dc ⊙ f,  dh_{t−1} = dz·uᵀ
 * A masked step passes dh and dc through unchanged and has dz = 0. Then du = Σ_t h_{t−1}ᵀ·dz_t
 * and dBias = Σ_t Σ_b dz_t.
 */
export function lstmBackward(
  u: FloatArray,
  h0: FloatArray,
  c0: FloatArray,
  mask: Uint8Array | null,
  hSeq: FloatArray,
  cSeq: FloatArray,
  gates: FloatArray,
  dhSeq: FloatArray | null,
  dhLast: FloatArray | null,
  dcLast: FloatArray | null,
  dxProj: FloatArray,
  du: FloatArray,
  dBias: FloatArray | null,
  dh0: FloatArray,
  dc0: FloatArray,
  p: RnnParams,
): void {
  const { batch: B, steps: T, units: U } = p;
  const G = 4 * U;
  const dh = new Float64Array(B * U);
  const dc = new Float64Array(B * U);
  if (dhLast) dh.set(dhLast.subarray(0, B * U));
  if (dcLast) dc.set(dcLast.subarray(0, B * U));
  const dhPrev = new Float64Array(B * U);
  for (let t = T - 1; t >= 0; t--) {
    for (let b = 0; b < B; b++) {
      const row = b * T + t;
      const s = b * U;
      if (dhSeq) for (let j = 0; j < U; j++) dh[s + j]! += dhSeq[row * U + j]!;
      const go = row * G;
      if (mask && !mask[row]) {
        dxProj.fill(0, go, go + G);
        continue;
      }
      const prev = t > 0 ? cSeq : c0;
      const po = t > 0 ? (row - 1) * U : s;
      for (let j = 0; j < U; j++) {
        const i = gates[go + j]!;
        const f = gates[go + U + j]!;
        const g = gates[go + 2 * U + j]!;
        const o = gates[go + 3 * U + j]!;
        const tc = Math.tanh(cSeq[row * U + j]!);
        const dhj = dh[s + j]!;
        const dct = dc[s + j]! + dhj * o * (1 - tc * tc);
        dxProj[go + j] = dct * g * i * (1 - i);
        dxProj[go + U + j] = dct * prev[po + j]! * f * (1 - f);
        dxProj[go + 2 * U + j] = dct * i * (1 - g * g);
        dxProj[go + 3 * U + j] = dhj * tc * o * (1 - o);
        dc[s + j] = dct * f;
      }
    }
    // dh_{t−1} = dz·uᵀ for the samples that ran step t; the others carry dh unchanged.
    dhPrev.fill(0);
    for (let b = 0; b < B; b++) {
      const row = b * T + t;
      if (mask && !mask[row]) {
        for (let j = 0; j < U; j++) dhPrev[b * U + j] = dh[b * U + j]!;
        continue;
      }
      for (let j = 0; j < U; j++) {
        let acc = 0;
        for (let q = 0; q < G; q++) acc += dxProj[row * G + q]! * u[j * G + q]!;
        dhPrev[b * U + j] = acc;
      }
    }
    dh.set(dhPrev);
  }
  dh0.set(dh);
  dc0.set(dc);
  recurrentKernelGrad(hSeq, h0, dxProj, du, p, G);
  if (dBias) dBias.set(columnSums(dxProj, B * T, G));
}
