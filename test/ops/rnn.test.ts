import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { type SequenceOptions, gruSequence, lstmSequence } from "../../src/ops/rnn.js";
import { assertClose, eachBackend, gradcheck, randn, withKernel } from "../helpers.js";

// The fused LSTM and GRU ops. Their values against the op-by-op layer path are checked in
// test/layers/recurrent-fused.test.ts; here: gradients, options and errors.

const B = 2;
const T = 4;
const U = 2;
const keepMask = (): Tensor =>
  st.tensor([
    [false, true, false, true],
    [true, true, true, false],
  ]);

interface Op {
  name: string;
  /** the op on [xProj, recurrentKernel, ...biases, ...initial states] */
  run: (xs: Tensor[], opts?: SequenceOptions) => { sequence: Tensor | null; states: Tensor[] };
  inputs: (seed: number) => Tensor[];
  /** how many leading inputs are xProj and u; the rest are biases, then states */
  biases: number;
}

const OPS: Op[] = [
  {
    name: "lstmSequence",
    run: ([x, u, b, h, c], opts) => lstmSequence(x!, u!, b!, h!, c!, opts),
    inputs: (seed) => [
      randn([B, T, 4 * U], seed, 0.8),
      randn([U, 4 * U], seed + 1, 0.6),
      randn([4 * U], seed + 2, 0.5),
      randn([B, U], seed + 3, 0.5),
      randn([B, U], seed + 4, 0.5),
    ],
    biases: 1,
  },
  {
    name: "gruSequence",
    run: ([x, u, b, rb, h], opts) => gruSequence(x!, u!, b!, rb!, h!, opts),
    inputs: (seed) => [
      randn([B, T, 3 * U], seed, 0.8),
      randn([U, 3 * U], seed + 1, 0.6),
      randn([3 * U], seed + 2, 0.5),
      randn([3 * U], seed + 3, 0.5),
      randn([B, U], seed + 4, 0.5),
    ],
    biases: 2,
  },
];

/** Every output of the op, flattened into one vector. */
const flat = (r: { sequence: Tensor | null; states: Tensor[] }): Tensor =>
  st.ops.concatenate(
    [...(r.sequence ? [r.sequence] : []), ...r.states].map((t) => st.ops.reshape(t, [-1])),
  );

/** The rows [sample, step] of a [batch, steps, units] tensor, as [1, units]. */
const at = (t: Tensor, sample: number, step: number): Tensor =>
  st.ops.reshape(st.ops.slice(t, [sample, step, 0], [1, 1, U]), [1, U]);

eachBackend("fused recurrent ops", (backend) => {
  const keep = keepMask();
  for (const op of OPS) {
    it(`${op.name}: gradients of finite differences in every input, with and without a mask`, () => {
      gradcheck((...xs) => flat(op.run(xs, { returnSequences: true })), op.inputs(1));
      gradcheck((...xs) => flat(op.run(xs, { mask: keep, returnSequences: true })), op.inputs(11));
    });

    it(`${op.name}: the same gradients when xProj is scratch the op may overwrite`, () => {
      // The copy is the scratch; the input itself must stay intact for the finite differences.
      const scratch = (...[x, ...rest]: Tensor[]): Tensor =>
        flat(
          op.run([st.ops.multiply(x!, 1), ...rest], {
            mask: keep,
            returnSequences: true,
            overwriteXProj: true,
          }),
        );
      gradcheck(scratch, op.inputs(71));
    });

    it(`${op.name}: gradients of the final state alone, without biases`, () => {
      const xs = op.inputs(21);
      const noBias = (ys: Tensor[]): Tensor[] =>
        [
          ys[0]!,
          ys[1]!,
          ...new Array<Tensor | null>(op.biases).fill(null),
          ...ys.slice(2),
        ] as Tensor[];
      const kept = [xs[0]!, xs[1]!, ...xs.slice(2 + op.biases)];
      gradcheck((...ys) => op.run(noBias(ys)).states[0]!, kept);
      gradcheck((...ys) => op.run(noBias(ys), { mask: keep }).states.at(-1)!, kept);
    });

    it(`${op.name}: returns the sequence only when asked; masked steps carry the states`, () => {
      const xs = op.inputs(31);
      const plain = op.run(xs);
      assert.equal(plain.sequence, null);
      const full = op.run(xs, { returnSequences: true });
      assertClose(plain.states[0]!, full.states[0]!, { rtol: 0, atol: 0 });
      assertClose(at(full.sequence!, 1, T - 1), st.ops.slice(full.states[0]!, [1, 0], [1, U]));
      // Sample 0 is masked at step 0: its state after step 0 is h0.
      const masked = op.run(xs, { mask: keep, returnSequences: true });
      const h0 = xs[2 + op.biases]!;
      assertClose(at(masked.sequence!, 0, 0), st.ops.slice(h0, [0, 0], [1, U]));
      // Sample 1 is masked at its last step: its final state is the one after step T - 2.
      assertClose(at(masked.sequence!, 1, T - 2), st.ops.slice(masked.states[0]!, [1, 0], [1, U]));
      // An all-true mask is no mask.
      const ones = op.run(xs, { mask: st.ones([B, T], "bool") });
      assertClose(ones.states[0]!, plain.states[0]!, { rtol: 0, atol: 0 });
    });

    it(`${op.name}: float32 as float64, within float32 rounding`, () => {
      const xs = op.inputs(41);
      const r64 = op.run(xs, { returnSequences: true });
      const r32 = op.run(
        xs.map((t) => st.ops.cast(t, "float32")),
        { returnSequences: true },
      );
      assert.equal(r32.states[0]!.dtype, "float32");
      assertClose(r32.sequence!, r64.sequence!, { rtol: 1e-5, atol: 1e-6 });
    });

    it(`${op.name}: a gradient of its gradient fails loudly where the kernel is fused`, () => {
      const xs = op.inputs(51);
      const inner = (u: Tensor): Tensor =>
        st.ops.sum(op.run([xs[0]!, u, ...xs.slice(2)]).states[0]!);
      const outer = (u: Tensor): Tensor => st.ops.sum(st.grad(inner)(u) as Tensor);
      if (withKernel(backend, `${op.name.replace("Sequence", "")}Backward`).skip === false) {
        assert.throws(() => st.grad(outer)(xs[1]!), /gradients of its gradients are not supported/);
      } else {
        // The composite is differentiable to any order.
        gradcheck(outer, [xs[1]!]);
      }
    });

    it(`${op.name}: names the argument and the shape received when shapes or dtypes do not fit`, () => {
      const xs = op.inputs(61);
      const G = xs[1]!.shape[1]!;
      const swap = (i: number, t: Tensor) => xs.map((x, k) => (k === i ? t : x));
      const fails = (ys: Tensor[], type: typeof st.ShapeError, pattern: RegExp, opts = {}) =>
        assert.throws(
          () => op.run(ys, opts),
          (e: Error) => e instanceof type && pattern.test(e.message),
        );
      fails(
        swap(1, st.zeros([U, 4], "float64")),
        st.ShapeError,
        /recurrentKernel .*received \[2,4\]/,
      );
      fails(swap(0, st.zeros([B * T, G], "float64")), st.ShapeError, /xProj .*received \[8,/);
      fails(
        swap(2, st.zeros([4], "float64")),
        st.ShapeError,
        /bias must have shape .*received \[4\]/,
      );
      fails(
        swap(2 + op.biases, st.zeros([3, U], "float64")),
        st.ShapeError,
        /h0 must have shape \[2,2\]; received \[3,2\]/,
      );
      fails(xs, st.ShapeError, /mask of shape \[2,4\]; received \[2,5\]/, {
        mask: st.ones([B, T + 1], "bool"),
      });
      fails(
        swap(1, st.ops.cast(xs[1]!, "float32")),
        st.DTypeError,
        /recurrentKernel .*float64; received float32/,
      );
      fails(swap(0, st.ops.cast(xs[0]!, "int32")), st.DTypeError, /xProj/);
    });
  }
});
