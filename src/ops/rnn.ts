import { needsGrad, recordAll, recordingTapes } from "../autodiff/tape.js";
import type { RnnParams } from "../backend/backend.js";
import { DTypeError, ShapeError, ValueError, fmtShape } from "../errors.js";
import type { FloatArray } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { type TensorLike, asTensor, castTo, empty, kernels, requireFloat } from "./core.js";

/*
 * Fused recurrent sequences: a whole LSTM sequence as one op with one tape node, instead of ~25
 * small ops per timestep. The recurrent layers use these when their configuration is the one the
 * kernels implement; the op-by-op path in src/layers/recurrent/ stays the reference.
 */

export interface LstmSequenceOptions {
  /** [batch, steps], nonzero where a step applies; masked steps carry h and c through unchanged */
  mask?: Tensor | null;
  /** also return h after every step */
  returnSequences?: boolean;
  /**
   * xProj is the caller's own scratch, used by nothing else: the saved gates may overwrite it
   * (saves one array of its size per training step).
   */
  overwriteXProj?: boolean;
}

export interface LstmSequenceResult {
  /** h after every step, [batch, steps, units] (null unless returnSequences) */
  sequence: Tensor | null;
  /** the final states, [batch, units] */
  h: Tensor;
  c: Tensor;
}

/** The mask as a 0/1 array, or null when every step of every sample applies. */
function maskArray(
  mask: Tensor | null | undefined,
  batch: number,
  steps: number,
): Uint8Array | null {
  if (!mask) return null;
  if (mask.rank !== 2 || mask.shape[0] !== batch || mask.shape[1] !== steps) {
    throw new ShapeError(
      `lstmSequence: expected a mask of shape ${fmtShape([batch, steps])}; received ${fmtShape(mask.shape)}`,
    );
  }
  const keep = new Uint8Array(batch * steps);
  let all = true;
  mask.data.forEach((v, i) => {
    keep[i] = v !== 0 ? 1 : 0;
    all &&= v !== 0;
  });
  return all ? null : keep;
}

/**
 * An LSTM over every timestep (Keras's gates i, f, c, o; recurrent activation sigmoid, activation
 * tanh), from the input projection xProj = x·W [batch, steps, 4·units], the recurrent kernel
 * [units, 4·units], the bias [4·units] (or null) and the initial states h0, c0 [batch, units].
 * Differentiable in all five.
 */
export function lstmSequence(
  xProj: TensorLike,
  recurrentKernel: TensorLike,
  bias: TensorLike | null,
  h0: TensorLike,
  c0: TensorLike,
  opts: LstmSequenceOptions = {},
): LstmSequenceResult {
  const x = asTensor(xProj);
  const u = asTensor(recurrentKernel);
  const b = bias === null ? null : asTensor(bias);
  const h = asTensor(h0);
  const c = asTensor(c0);
  requireFloat(x, "lstmSequence", "xProj");
  for (const [name, t] of [
    ["recurrentKernel", u],
    ["bias", b],
    ["h0", h],
    ["c0", c],
  ] as const) {
    if (t && t.dtype !== x.dtype) {
      throw new DTypeError(
        `lstmSequence: ${name} must have xProj's dtype ${x.dtype}; received ${t.dtype}`,
      );
    }
  }
  if (u.rank !== 2 || u.shape[1] !== 4 * u.shape[0]!) {
    throw new ShapeError(
      `lstmSequence: recurrentKernel must have shape [units, 4·units]; received ${fmtShape(u.shape)}`,
    );
  }
  const units = u.shape[0]!;
  if (x.rank !== 3 || x.shape[2] !== 4 * units) {
    throw new ShapeError(
      `lstmSequence: xProj must have shape [batch, steps, ${4 * units}] for ${units} units; ` +
        `received ${fmtShape(x.shape)}`,
    );
  }
  if (b && (b.rank !== 1 || b.shape[0] !== 4 * units)) {
    throw new ShapeError(
      `lstmSequence: bias must have shape [${4 * units}] for ${units} units; received ${fmtShape(b.shape)}`,
    );
  }
  const [batch, steps] = x.shape as [number, number];
  for (const [name, t] of [
    ["h0", h],
    ["c0", c],
  ] as const) {
    if (t.rank !== 2 || t.shape[0] !== batch || t.shape[1] !== units) {
      throw new ShapeError(
        `lstmSequence: ${name} must have shape ${fmtShape([batch, units])}; received ${fmtShape(t.shape)}`,
      );
    }
  }
  const keep = maskArray(opts.mask, batch, steps);
  const p: RnnParams = { batch, steps, units };
  const dtype = x.dtype;
  const inputs = b ? [x, u, h, c, b] : [x, u, h, c];
  // The states after every step and the gates are what backward needs; kept only when it can run.
  const tapes = recordingTapes(inputs);
  const saving = tapes > 0;
  const hLast = empty([batch, units], dtype);
  const cLast = empty([batch, units], dtype);
  const hSeq = saving || opts.returnSequences ? empty([batch, steps, units], dtype) : null;
  const cSeq = saving ? empty([batch, steps, units], dtype) : null;
  const gates = !saving ? null : opts.overwriteXProj ? x : empty(x.shape, dtype);
  kernels().lstmForward(
    x.data as FloatArray,
    u.data as FloatArray,
    (b?.data ?? null) as FloatArray | null,
    h.data as FloatArray,
    c.data as FloatArray,
    keep,
    hLast.data as FloatArray,
    cLast.data as FloatArray,
    (hSeq?.data ?? null) as FloatArray | null,
    (cSeq?.data ?? null) as FloatArray | null,
    (gates?.data ?? null) as FloatArray | null,
    p,
  );
  const sequence = opts.returnSequences ? hSeq : null;
  if (saving) {
    const outputs = sequence ? [hLast, cLast, sequence] : [hLast, cLast];
    let consumed = false;
    recordAll(outputs, inputs, (dys) => {
      if (consumed) throw new ValueError("lstmSequence: its backward pass ran twice on one tape");
      const [dh, dc, dSeq] = dys.map((d) => (d ? castTo(d, dtype) : null));
      // Recorded on one tape, backward runs once: d xProj takes the place of the saved gates.
      consumed = tapes === 1;
      const dx = consumed ? new Tensor(gates!.data, x.shape) : empty(x.shape, dtype);
      const du = empty(u.shape, dtype);
      const dh0 = empty(h.shape, dtype);
      const dc0 = empty(c.shape, dtype);
      const db = b && needsGrad(b) ? empty(b.shape, dtype) : null;
      kernels().lstmBackward(
        u.data as FloatArray,
        h.data as FloatArray,
        c.data as FloatArray,
        keep,
        hSeq!.data as FloatArray,
        cSeq!.data as FloatArray,
        gates!.data as FloatArray,
        (dSeq?.data ?? null) as FloatArray | null,
        (dh?.data ?? null) as FloatArray | null,
        (dc?.data ?? null) as FloatArray | null,
        dx.data as FloatArray,
        du.data as FloatArray,
        (db?.data ?? null) as FloatArray | null,
        dh0.data as FloatArray,
        dc0.data as FloatArray,
        p,
      );
      // The backward kernel is not itself differentiable: a gradient of these gradients fails
      // loudly rather than coming out silently wrong.
      const given = [dh, dc, dSeq].filter((d): d is Tensor => d !== null);
      const grads = db ? [dx, du, dh0, dc0, db] : [dx, du, dh0, dc0];
      recordAll(grads, [...inputs, ...given], () => {
        throw new ValueError(
          "lstmSequence: gradients of its gradients are not supported (the fused LSTM backward " +
            "pass is not differentiable); give the layer recurrentActivation as a function to " +
            "run it op by op",
        );
      });
      return [
        needsGrad(x) ? dx : null,
        needsGrad(u) ? du : null,
        needsGrad(h) ? dh0 : null,
        needsGrad(c) ? dc0 : null,
        db,
      ];
    });
  }
  return { sequence, h: hLast, c: cLast };
}
