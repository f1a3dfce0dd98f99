import type { RnnParams } from "../backend.js";
import type { FloatArray } from "../../tensor/dtype.js";
import { columnSums, recurrentKernelGrad, rowsTimes, sigmoid } from "./rnn.js";

/*
 * The fused GRU (Keras's reset_after = True), the reference (see rnn.ts). dxProj may overwrite
 * xProj in backward: each row is read before it is written.
 */

export function gruForward(
  xProj: FloatArray,
  u: FloatArray,
  bias: FloatArray | null,
  recurrentBias: FloatArray | null,
  h0: FloatArray,
  mask: Uint8Array | null,
  hLast: FloatArray,
  hSeq: FloatArray | null,
  gates: FloatArray | null,
  p: RnnParams,
): void {
  const { batch: B, steps: T, units: U } = p;
  const G = 3 * U;
  hLast.set(h0.subarray(0, B * U));
  const b = new Float64Array(G);
  const rb = new Float64Array(G);
  if (bias) b.set(bias.subarray(0, G));
  if (recurrentBias) rb.set(recurrentBias.subarray(0, G));
  const a = new Float64Array(B * G);
  for (let t = 0; t < T; t++) {
    rowsTimes(hLast, (s) => s * U, B, U, u, G, a);
    for (let s = 0; s < B; s++) {
      const row = s * T + t;
      const ho = s * U;
      if (!mask || mask[row]) {
        const xo = row * G;
        const ao = s * G;
        for (let j = 0; j < U; j++) {
          const z = sigmoid(xProj[xo + j]! + b[j]! + (a[ao + j]! + rb[j]!));
          const r = sigmoid(xProj[xo + U + j]! + b[U + j]! + (a[ao + U + j]! + rb[U + j]!));
          const hh = a[ao + 2 * U + j]! + rb[2 * U + j]!;
          const ht = Math.tanh(xProj[xo + 2 * U + j]! + b[2 * U + j]! + r * hh);
          hLast[ho + j] = ht + z * (hLast[ho + j]! - ht);
          if (gates) {
            gates[xo + j] = z;
            gates[xo + U + j] = r;
            gates[xo + 2 * U + j] = hh;
          }
        }
      }
      if (hSeq) hSeq.set(hLast.subarray(ho, ho + U), row * U);
    }
  }
}

/*
 * Backward from the last step, dh the gradient reaching h_t (plus dhSeq[:, t]); h̃ is recomputed
 * from xProj and the saved r, hh. With hp = h_{t−1}:
 *   dz = dh ⊙ (hp − h̃),  da_h = dh ⊙ (1 − z) ⊙ (1 − h̃²),  dr = da_h ⊙ hh
 *   dx = [dz ⊙ z(1−z), dr ⊙ r(1−r), da_h],  drec = [dx_z, dx_r, da_h ⊙ r]
 *   dh_{t−1} = dh ⊙ z + drec·uᵀ
 * Masked steps carry dh and have zero rows. Then du = Σ_t h_{t−1}ᵀ·drec_t, dBias = Σ dx,
 * dRecurrentBias = Σ drec.
 */
export function gruBackward(
  xProj: FloatArray,
  u: FloatArray,
  bias: FloatArray | null,
  h0: FloatArray,
  mask: Uint8Array | null,
  hSeq: FloatArray,
  gates: FloatArray,
  dhSeq: FloatArray | null,
  dhLast: FloatArray | null,
  dxProj: FloatArray,
  du: FloatArray,
  dBias: FloatArray | null,
  dRecurrentBias: FloatArray | null,
  dh0: FloatArray,
  p: RnnParams,
): void {
  const { batch: B, steps: T, units: U } = p;
  const G = 3 * U;
  const b = new Float64Array(G);
  if (bias) b.set(bias.subarray(0, G));
  const drec = new Float64Array(B * T * G);
  const dh = new Float64Array(B * U);
  if (dhLast) dh.set(dhLast.subarray(0, B * U));
  const prev = new Float64Array(B * U);
  for (let t = T - 1; t >= 0; t--) {
    for (let s = 0; s < B; s++) {
      const row = s * T + t;
      const ho = s * U;
      if (dhSeq) for (let j = 0; j < U; j++) dh[ho + j]! += dhSeq[row * U + j]!;
      const go = row * G;
      if (mask && !mask[row]) {
        dxProj.fill(0, go, go + G);
        for (let j = 0; j < U; j++) prev[ho + j] = dh[ho + j]!;
        continue;
      }
      const hp = t > 0 ? hSeq : h0;
      const po = t > 0 ? (row - 1) * U : ho;
      for (let j = 0; j < U; j++) {
        const z = gates[go + j]!;
        const r = gates[go + U + j]!;
        const hh = gates[go + 2 * U + j]!;
        const ht = Math.tanh(xProj[go + 2 * U + j]! + b[2 * U + j]! + r * hh);
        const d = dh[ho + j]!;
        const dah = d * (1 - z) * (1 - ht * ht);
        const daz = d * (hp[po + j]! - ht) * z * (1 - z);
        const dar = dah * hh * r * (1 - r);
        dxProj[go + j] = daz;
        dxProj[go + U + j] = dar;
        dxProj[go + 2 * U + j] = dah;
        drec[go + j] = daz;
        drec[go + U + j] = dar;
        drec[go + 2 * U + j] = dah * r;
        prev[ho + j] = d * z;
      }
      // dh_{t−1} += drec·uᵀ
      for (let j = 0; j < U; j++) {
        let acc = 0;
        for (let q = 0; q < G; q++) acc += drec[go + q]! * u[j * G + q]!;
        prev[ho + j]! += acc;
      }
    }
    dh.set(prev);
  }
  dh0.set(dh);
  recurrentKernelGrad(hSeq, h0, drec, du, p, G);
  if (dBias) dBias.set(columnSums(dxProj, B * T, G));
  if (dRecurrentBias) dRecurrentBias.set(columnSums(drec, B * T, G));
}
