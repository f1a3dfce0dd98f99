import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { lstmSequence } from "../../src/ops/rnn.js";
import { assertClose, eachBackend, gradcheck, randn } from "../helpers.js";

// The fused LSTM op. Its values against the op-by-op layer path are checked in
// test/layers/recurrent-fused.test.ts; here: its gradients, options and errors.

const B = 2;
const T = 4;
const U = 2;
const keep = st.tensor([
  [false, true, false, true],
  [true, true, true, false],
]);

function inputs(seed: number): Tensor[] {
  return [
    randn([B, T, 4 * U], seed, 0.8),
    randn([U, 4 * U], seed + 1, 0.6),
    randn([4 * U], seed + 2, 0.5),
    randn([B, U], seed + 3, 0.5),
    randn([B, U], seed + 4, 0.5),
  ];
}

/** Every output of the op, flattened into one vector. */
const flatOutputs =
  (mask: Tensor | null) =>
  (...[x, u, b, h, c]: Tensor[]): Tensor => {
    const r = lstmSequence(x!, u!, b!, h!, c!, { mask, returnSequences: true });
    return st.ops.concatenate([r.sequence!, r.h, r.c].map((t) => st.ops.reshape(t, [-1])));
  };

eachBackend("lstmSequence", () => {
  it("has the gradients of finite differences in all five inputs, with and without a mask", () => {
    gradcheck(flatOutputs(null), inputs(1));
    gradcheck(flatOutputs(keep), inputs(11));
  });

  it("keeps its gradients when the saved gates overwrite a scratch xProj", () => {
    // The copy is the scratch; the input itself must stay intact for the finite differences.
    const scratch = (...[x, u, b, h, c]: Tensor[]): Tensor => {
      const r = lstmSequence(st.ops.multiply(x!, 1), u!, b!, h!, c!, {
        mask: keep,
        returnSequences: true,
        overwriteXProj: true,
      });
      return st.ops.concatenate([r.sequence!, r.h, r.c].map((t) => st.ops.reshape(t, [-1])));
    };
    gradcheck(scratch, inputs(71));
  });

  it("gives gradients for the final states alone, and without a bias", () => {
    const [x, u, , h, c] = inputs(21);
    gradcheck((xs, us, hs, cs) => lstmSequence(xs!, us!, null, hs!, cs!).h, [x!, u!, h!, c!]);
    gradcheck(
      (xs, us, hs, cs) => lstmSequence(xs!, us!, null, hs!, cs!, { mask: keep }).c,
      [x!, u!, h!, c!],
    );
  });

  it("returns the sequence only when asked; masked steps carry the states", () => {
    const [x, u, b, h, c] = inputs(31);
    const plain = lstmSequence(x!, u!, b!, h!, c!);
    assert.equal(plain.sequence, null);
    const full = lstmSequence(x!, u!, b!, h!, c!, { returnSequences: true });
    assertClose(plain.h, full.h, { rtol: 0, atol: 0 });
    assertClose(
      st.ops.slice(full.sequence!, [0, T - 1, 0], [B, 1, U]),
      st.ops.reshape(full.h, [B, 1, U]),
    );
    // Sample 0 is masked at step 0: its state after step 0 is h0.
    const masked = lstmSequence(x!, u!, b!, h!, c!, { mask: keep, returnSequences: true });
    const at = (t: Tensor, sample: number, step: number): Tensor =>
      st.ops.reshape(st.ops.slice(t, [sample, step, 0], [1, 1, U]), [1, U]);
    assertClose(at(masked.sequence!, 0, 0), st.ops.slice(h!, [0, 0], [1, U]));
    // Sample 1 is masked at its last step: its final states are those after step T - 2.
    assertClose(at(masked.sequence!, 1, T - 2), st.ops.slice(masked.h, [1, 0], [1, U]));
    // An all-true mask is no mask.
    const ones = lstmSequence(x!, u!, b!, h!, c!, { mask: st.ones([B, T], "bool") });
    assertClose(ones.h, plain.h, { rtol: 0, atol: 0 });
  });

  it("runs in float32 as in float64, within float32 rounding", () => {
    const xs = inputs(41);
    const r64 = lstmSequence(xs[0]!, xs[1]!, xs[2]!, xs[3]!, xs[4]!, { returnSequences: true });
    const r32 = lstmSequence(
      ...(xs.map((t) => st.ops.cast(t, "float32")) as [Tensor, Tensor, Tensor, Tensor, Tensor]),
      { returnSequences: true },
    );
    assert.equal(r32.h.dtype, "float32");
    assertClose(r32.sequence!, r64.sequence!, { rtol: 1e-5, atol: 1e-6 });
  });

  it("fails loudly for a gradient of its gradient", () => {
    const [x, u, b, h, c] = inputs(51);
    const inner = (us: Tensor): Tensor => st.ops.sum(lstmSequence(x!, us, b!, h!, c!).h);
    const outer = (us: Tensor): Tensor => st.ops.sum(st.grad(inner)(us) as Tensor);
    assert.throws(() => st.grad(outer)(u!), /gradients of its gradients are not supported/);
  });

  it("names the argument and the shape received when shapes or dtypes do not fit", () => {
    const [x, u, b, h, c] = inputs(61);
    assert.throws(
      () => lstmSequence(x!, st.ops.slice(u!, [0, 0], [U, 4]), b!, h!, c!),
      (e: Error) =>
        e instanceof st.ShapeError && /recurrentKernel .*received \[2,4\]/.test(e.message),
    );
    assert.throws(
      () => lstmSequence(st.ops.reshape(x!, [B * T, 4 * U]), u!, b!, h!, c!),
      (e: Error) => e instanceof st.ShapeError && /xProj .*received \[8,8\]/.test(e.message),
    );
    assert.throws(
      () => lstmSequence(x!, u!, st.zeros([4], "float64"), h!, c!),
      (e: Error) => e instanceof st.ShapeError && /bias .*received \[4\]/.test(e.message),
    );
    assert.throws(
      () => lstmSequence(x!, u!, b!, st.zeros([3, U], "float64"), c!),
      (e: Error) =>
        e instanceof st.ShapeError &&
        /h0 must have shape \[2,2\]; received \[3,2\]/.test(e.message),
    );
    assert.throws(
      () => lstmSequence(x!, u!, b!, h!, c!, { mask: st.ones([B, T + 1], "bool") }),
      (e: Error) =>
        e instanceof st.ShapeError && /mask of shape \[2,4\]; received \[2,5\]/.test(e.message),
    );
    assert.throws(
      () => lstmSequence(x!, st.ops.cast(u!, "float32"), b!, h!, c!),
      (e: Error) =>
        e instanceof st.DTypeError && /recurrentKernel .*float64; received float32/.test(e.message),
    );
    assert.throws(
      () => lstmSequence(st.ops.cast(x!, "int32"), u!, b!, h!, c!),
      (e: Error) => e instanceof st.DTypeError,
    );
  });
});
