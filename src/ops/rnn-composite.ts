import type { Tensor } from "../tensor/tensor.js";
import { add, multiply, notEqual, sigmoid, subtract, tanh, where } from "./elementwise.js";
import { split, slice, stack } from "./join.js";
import { matmul } from "./linalg.js";
import { reshape } from "./movement.js";

/*
 * What lstmSequence and gruSequence compute, step by step with ops: the definition that a
 * backend's optional fused sequence kernels must reproduce, and what runs (and differentiates, to
 * any order) on a backend without them. Inputs are checked by the ops in rnn.ts.
 */

/** Step t of x [batch, steps, width] as [batch, width]. */
function step(x: Tensor, t: number): Tensor {
  const [batch, , width] = x.shape as [number, number, number];
  return reshape(slice(x, [0, t, 0], [batch, 1, width]), [batch, width]);
}

/** Runs `cell` over every step, carrying the states; a masked step keeps them. */
function scan(
  x: Tensor,
  states: Tensor[],
  mask: Tensor | null,
  cell: (xt: Tensor, states: Tensor[]) => Tensor[],
): { sequence: Tensor[]; states: Tensor[] } {
  const [batch, steps] = x.shape as [number, number];
  const sequence: Tensor[] = [];
  for (let t = 0; t < steps; t++) {
    const next = cell(step(x, t), states);
    if (mask) {
      const keep = notEqual(slice(mask, [0, t], [batch, 1]), 0);
      states = next.map((s, i) => where(keep, s, states[i]!));
    } else {
      states = next;
    }
    sequence.push(states[0]!);
  }
  return { sequence, states };
}

/**
 * z = xProj[:, t] + b + h·u with gates i, f, c, o along the last axis (Keras's order);
 * c' = σ(z_f) ⊙ c + σ(z_i) ⊙ tanh(z_c),  h' = σ(z_o) ⊙ tanh(c').
 */
export function lstmComposite(
  xProj: Tensor,
  u: Tensor,
  bias: Tensor | null,
  h0: Tensor,
  c0: Tensor,
  mask: Tensor | null,
  returnSequences: boolean,
): { sequence: Tensor | null; states: Tensor[] } {
  const x = bias ? add(xProj, bias) : xProj;
  const r = scan(x, [h0, c0], mask, (xt, [h, c]) => {
    const [zi, zf, zc, zo] = split(add(xt, matmul(h!, u)), 4, -1) as [
      Tensor,
      Tensor,
      Tensor,
      Tensor,
    ];
    const cNext = add(multiply(sigmoid(zf), c!), multiply(sigmoid(zi), tanh(zc)));
    return [multiply(sigmoid(zo), tanh(cNext)), cNext];
  });
  return { sequence: returnSequences ? stack(r.sequence, 1) : null, states: r.states };
}

/**
 * Keras's GRU with reset_after = True, gates z, r, h along the last axis: with x = xProj[:, t] + b
 * and a = h·u + b',  z = σ(x_z + a_z),  r = σ(x_r + a_r),  h̃ = tanh(x_h + r ⊙ a_h),
 * h' = h̃ + z ⊙ (h − h̃).
 */
export function gruComposite(
  xProj: Tensor,
  u: Tensor,
  bias: Tensor | null,
  recurrentBias: Tensor | null,
  h0: Tensor,
  mask: Tensor | null,
  returnSequences: boolean,
): { sequence: Tensor | null; states: Tensor[] } {
  const x = bias ? add(xProj, bias) : xProj;
  const r = scan(x, [h0], mask, (xt, [h]) => {
    const hu = matmul(h!, u);
    const [xz, xr, xh] = split(xt, 3, -1) as [Tensor, Tensor, Tensor];
    const [az, ar, ah] = split(recurrentBias ? add(hu, recurrentBias) : hu, 3, -1) as [
      Tensor,
      Tensor,
      Tensor,
    ];
    const z = sigmoid(add(xz, az));
    const reset = sigmoid(add(xr, ar));
    const candidate = tanh(add(xh, multiply(reset, ah)));
    return [add(candidate, multiply(z, subtract(h!, candidate)))];
  });
  return { sequence: returnSequences ? stack(r.sequence, 1) : null, states: r.states };
}
