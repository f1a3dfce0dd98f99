import { needsGrad, recordAll, recordingTapes } from "../autodiff/tape.js";
import type { RnnParams, Storage } from "../backend/backend.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../errors.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import {
  type TensorLike,
  asTensor,
  castTo,
  empty,
  hostStorage,
  kernels,
  requireFloat,
} from "./core.js";
import { gruComposite, lstmComposite } from "./rnn-composite.js";

/*
 * Recurrent sequences: a whole LSTM or GRU sequence as one op. Where the backend has the optional
 * fused sequence kernels, that is one tape node instead of ~25 small ops per timestep; elsewhere
 * the op runs its definition step by step (rnn-composite.ts). The recurrent layers use these for
 * the configuration the op implements (Keras's default activations).
 */

export interface SequenceOptions {
  /** [batch, steps], nonzero where a step applies; masked steps carry the states unchanged */
  mask?: Tensor | null;
  /** also return h after every step */
  returnSequences?: boolean;
  /**
   * xProj is the caller's own scratch, used by nothing else: the op may overwrite it with what
   * its backward pass needs or gives (saves one array of its size per training step).
   */
  overwriteXProj?: boolean;
}

export interface SequenceResult {
  /** h after every step, [batch, steps, units] (null unless returnSequences) */
  sequence: Tensor | null;
  /** the final states, [batch, units]: [h, c] for an LSTM, [h] for a GRU */
  states: Tensor[];
}

/** The storage of a tensor (or null), as the kernels take it. */
const data = (t: Tensor | null): Storage | null => (t ? t.storage : null);

interface Checked {
  x: Tensor;
  u: Tensor;
  /** the optional inputs (biases), null where not given */
  optional: (Tensor | null)[];
  states: Tensor[];
  keep: Storage | null;
  p: RnnParams;
  dtype: DType;
}

/** Validates a fused sequence's arguments: `gates` blocks of units columns in xProj and u. */
function check(
  op: string,
  gates: number,
  xProj: TensorLike,
  recurrentKernel: TensorLike,
  optional: readonly (readonly [string, TensorLike | null])[],
  states: readonly (readonly [string, TensorLike])[],
  mask: Tensor | null | undefined,
): Checked {
  const x = asTensor(xProj);
  const u = asTensor(recurrentKernel);
  requireFloat(x, op, "xProj");
  const named = (list: readonly (readonly [string, TensorLike | null])[]) =>
    list.map(([name, t]) => [name, t === null ? null : asTensor(t)] as const);
  const opt = named(optional);
  const st = named(states) as (readonly [string, Tensor])[];
  for (const [name, t] of [["recurrentKernel", u] as const, ...opt, ...st]) {
    if (t && t.dtype !== x.dtype) {
      throw new DTypeError(
        `${op}: ${name} must have xProj's dtype ${x.dtype}; received ${t.dtype}`,
      );
    }
  }
  const w = `${gates}·units`;
  if (u.rank !== 2 || u.shape[1] !== gates * u.shape[0]!) {
    throw new ShapeError(
      `${op}: recurrentKernel must have shape [units, ${w}]; received ${fmtShape(u.shape)}`,
    );
  }
  const units = u.shape[0]!;
  if (x.rank !== 3 || x.shape[2] !== gates * units) {
    throw new ShapeError(
      `${op}: xProj must have shape [batch, steps, ${gates * units}] for ${units} units; ` +
        `received ${fmtShape(x.shape)}`,
    );
  }
  for (const [name, t] of opt) {
    if (t && (t.rank !== 1 || t.shape[0] !== gates * units)) {
      throw new ShapeError(
        `${op}: ${name} must have shape [${gates * units}] for ${units} units; received ${fmtShape(t.shape)}`,
      );
    }
  }
  const [batch, steps] = x.shape as [number, number];
  for (const [name, t] of st) {
    if (t.rank !== 2 || t.shape[0] !== batch || t.shape[1] !== units) {
      throw new ShapeError(
        `${op}: ${name} must have shape ${fmtShape([batch, units])}; received ${fmtShape(t.shape)}`,
      );
    }
  }
  return {
    x,
    u,
    optional: opt.map(([, t]) => t),
    states: st.map(([, t]) => t),
    keep: maskStorage(op, mask, batch, steps),
    p: { batch, steps, units },
    dtype: x.dtype,
  };
}

/** The mask as 0/1 storage, or null when every step of every sample applies. */
function maskStorage(
  op: string,
  mask: Tensor | null | undefined,
  batch: number,
  steps: number,
): Storage | null {
  if (!mask) return null;
  if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== steps) {
    throw new ShapeError(
      `${op}: expected a mask of shape ${fmtShape([batch, steps])}; received ${fmtShape(mask.shape)}`,
    );
  }
  const keep = keepSteps(mask);
  return keep && hostStorage(keep);
}

/** A [batch, steps] mask as 0/1 per sample and step, or null when every step applies. */
export function keepSteps(mask: Tensor): Uint8Array | null {
  const data = mask.dataSync();
  const keep = new Uint8Array(data.length);
  let all = 1;
  for (let i = 0; i < data.length; i++) {
    const k = data[i] !== 0 ? 1 : 0;
    keep[i] = k;
    all &= k;
  }
  return all ? null : keep;
}

/**
 * Records `op`'s backward pass as the node of `outputs` (those given) over `inputs`. `backward`
 * gets the gradients cast to the op's dtype and whether it may reuse the saved buffers (recorded
 * on one tape, it runs once). Its results are not differentiable again: a gradient of them fails
 * loudly rather than coming out silently wrong.
 */
function recordSequence(
  op: string,
  outputs: readonly (Tensor | null)[],
  inputs: readonly (Tensor | null)[],
  dtype: DType,
  tapes: number,
  backward: (dys: (Tensor | null)[], reuse: boolean) => (Tensor | null)[],
): void {
  const given = outputs.filter((t): t is Tensor => t !== null);
  const ins = inputs.filter((t): t is Tensor => t !== null);
  let ran = false;
  recordAll(given, ins, (dys) => {
    if (ran && tapes === 1) throw new ValueError(`${op}: its backward pass ran twice on one tape`);
    ran = true;
    // dys follow `given`; spread them back over `outputs` (null where an output was not given).
    let k = 0;
    const full = outputs.map((o) => (o ? dys[k++]! : null));
    const grads = backward(
      full.map((d) => (d ? castTo(d, dtype) : null)),
      tapes === 1,
    );
    const made = grads.filter((g): g is Tensor => g !== null);
    recordAll(made, [...ins, ...dys.filter((d): d is Tensor => d !== null)], () => {
      throw new ValueError(
        `${op}: gradients of its gradients are not supported (the fused backward pass is not ` +
          "differentiable); give the layer its activations as functions to run it op by op",
      );
    });
    // One gradient per given input, in order; null where it is not needed.
    return inputs.flatMap((t, i) => (t ? [needsGrad(t) ? (grads[i] ?? null) : null] : []));
  });
}

/**
 * An LSTM over every timestep (Keras's gates i, f, c, o; recurrent activation sigmoid, activation
 * tanh), from the input projection xProj = x·W [batch, steps, 4·units], the recurrent kernel
 * [units, 4·units], the bias [4·units] (or null) and the initial states h0, c0 [batch, units].
 * Differentiable in all five; returns the final states [h, c].
 */
export function lstmSequence(
  xProj: TensorLike,
  recurrentKernel: TensorLike,
  bias: TensorLike | null,
  h0: TensorLike,
  c0: TensorLike,
  opts: SequenceOptions = {},
): SequenceResult {
  const { x, u, optional, states, keep, p, dtype } = check(
    "lstmSequence",
    4,
    xProj,
    recurrentKernel,
    [["bias", bias]],
    [
      ["h0", h0],
      ["c0", c0],
    ],
    opts.mask,
  );
  const [b] = optional as [Tensor | null];
  const [h, c] = states as [Tensor, Tensor];
  const { lstmForward, lstmBackward } = kernels();
  if (!lstmForward || !lstmBackward) {
    return lstmComposite(x, u, b, h, c, keep && opts.mask!, opts.returnSequences ?? false);
  }
  const { batch, steps, units } = p;
  // The states after every step and the gates are what backward needs; kept only when it can run.
  const tapes = recordingTapes([x, u, h, c, ...(b ? [b] : [])]);
  const hLast = empty([batch, units], dtype);
  const cLast = empty([batch, units], dtype);
  const hSeq = tapes > 0 || opts.returnSequences ? empty([batch, steps, units], dtype) : null;
  const cSeq = tapes > 0 ? empty([batch, steps, units], dtype) : null;
  const gates = tapes === 0 ? null : opts.overwriteXProj ? x : empty(x.shape, dtype);
  lstmForward(
    data(x)!,
    data(u)!,
    data(b),
    data(h)!,
    data(c)!,
    keep,
    data(hLast)!,
    data(cLast)!,
    data(hSeq),
    data(cSeq),
    data(gates),
    p,
  );
  const sequence = opts.returnSequences ? hSeq : null;
  if (tapes > 0) {
    recordSequence(
      "lstmSequence",
      [hLast, cLast, sequence],
      [x, u, h, c, b],
      dtype,
      tapes,
      (dys, reuse) => {
        const [dh, dc, dSeq] = dys;
        // Backward runs once: dxProj takes the place of the saved gates.
        const dx = reuse ? gates!.alias() : empty(x.shape, dtype);
        const du = empty(u.shape, dtype);
        const db = b && needsGrad(b) ? empty(b.shape, dtype) : null;
        const dh0 = empty(h.shape, dtype);
        const dc0 = empty(c.shape, dtype);
        lstmBackward(
          data(u)!,
          data(h)!,
          data(c)!,
          keep,
          data(hSeq)!,
          data(cSeq)!,
          data(gates)!,
          data(dSeq ?? null),
          data(dh ?? null),
          data(dc ?? null),
          data(dx)!,
          data(du)!,
          data(db),
          data(dh0)!,
          data(dc0)!,
          p,
        );
        return [dx, du, dh0, dc0, db];
      },
    );
  }
  return { sequence, states: [hLast, cLast] };
}

/**
 * A GRU over every timestep with Keras's reset_after = True (gates z, r, h; recurrent activation
 * sigmoid, activation tanh; the reset gate applied after the recurrent product), from the input
 * projection xProj = x·W [batch, steps, 3·units], the recurrent kernel [units, 3·units], the
 * input and recurrent biases [3·units] (or null) and the initial state h0 [batch, units].
 * Differentiable in all five; returns the final state [h].
 */
export function gruSequence(
  xProj: TensorLike,
  recurrentKernel: TensorLike,
  bias: TensorLike | null,
  recurrentBias: TensorLike | null,
  h0: TensorLike,
  opts: SequenceOptions = {},
): SequenceResult {
  const { x, u, optional, states, keep, p, dtype } = check(
    "gruSequence",
    3,
    xProj,
    recurrentKernel,
    [
      ["bias", bias],
      ["recurrentBias", recurrentBias],
    ],
    [["h0", h0]],
    opts.mask,
  );
  const [b, rb] = optional as [Tensor | null, Tensor | null];
  const [h] = states as [Tensor];
  const { gruForward, gruBackward } = kernels();
  if (!gruForward || !gruBackward) {
    return gruComposite(x, u, b, rb, h, keep && opts.mask!, opts.returnSequences ?? false);
  }
  const { batch, steps, units } = p;
  // Backward needs xProj, every step's state and the gates z, r, h·Uh + b'h.
  const tapes = recordingTapes([x, u, h, ...(b ? [b] : []), ...(rb ? [rb] : [])]);
  const hLast = empty([batch, units], dtype);
  const hSeq = tapes > 0 || opts.returnSequences ? empty([batch, steps, units], dtype) : null;
  const gates = tapes > 0 ? empty(x.shape, dtype) : null;
  gruForward(
    data(x)!,
    data(u)!,
    data(b),
    data(rb),
    data(h)!,
    keep,
    data(hLast)!,
    data(hSeq),
    data(gates),
    p,
  );
  const sequence = opts.returnSequences ? hSeq : null;
  if (tapes > 0) {
    recordSequence(
      "gruSequence",
      [hLast, sequence],
      [x, u, h, b, rb],
      dtype,
      tapes,
      (dys, reuse) => {
        const [dh, dSeq] = dys;
        // Backward runs once and reads each row of xProj before it writes that row of dxProj.
        const dx = reuse && opts.overwriteXProj ? x.alias() : empty(x.shape, dtype);
        const du = empty(u.shape, dtype);
        const db = b && needsGrad(b) ? empty(b.shape, dtype) : null;
        const drb = rb && needsGrad(rb) ? empty(rb.shape, dtype) : null;
        const dh0 = empty(h.shape, dtype);
        gruBackward(
          data(x)!,
          data(u)!,
          data(b),
          data(h)!,
          keep,
          data(hSeq)!,
          data(gates)!,
          data(dSeq ?? null),
          data(dh ?? null),
          data(dx)!,
          data(du)!,
          data(db),
          data(drb),
          data(dh0)!,
          p,
        );
        return [dx, du, dh0, db, drb];
      },
    );
  }
  return { sequence, states: [hLast] };
}
