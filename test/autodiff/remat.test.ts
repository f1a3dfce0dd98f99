// remat: the same values and gradients as the plain function (finite differences in float64 and
// the un-rematerialized gradient), one tape node instead of one per op, the same random draws in
// the recomputation, and an error instead of wrong gradients when the recomputation differs.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { recordingNow } from "../../src/autodiff/tape.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { assertClose, gradcheck, randn } from "../helpers.js";

/** A deep elementwise-and-matmul stack: many intermediates per call. */
function deep(x: Tensor, w: Tensor, depth = 6): Tensor {
  let h = x;
  for (let i = 0; i < depth; i++) h = st.ops.tanh(st.ops.add(st.ops.matmul(h, w), st.ops.sin(h)));
  return h;
}

/** What the tape references when `fn` has run inside valueAndGrad: nodes and distinct tensors. */
function tapeHolding(fn: () => Tensor, variables: st.Variable[]) {
  let nodes = 0;
  let elements = 0;
  const { grads } = st.valueAndGrad(() => {
    const y = fn();
    const tape = recordingNow()[0]!;
    nodes = tape.nodes.length;
    const seen = new Map<number, number>();
    for (const n of tape.nodes) for (const t of [...n.inputs, ...n.outputs]) seen.set(t.id, t.size);
    elements = [...seen.values()].reduce((a, b) => a + b, 0);
    return y;
  }, variables);
  return { nodes, elements, grads };
}

describe("remat", () => {
  it("computes the same values and passes a finite-difference gradient check", () => {
    const x = randn([3, 4], 1);
    const w = randn([4, 4], 2, 0.5);
    const f = (a: Tensor, b: Tensor): Tensor => deep(a, b, 3);
    const r = st.remat(f);
    assertClose(r(x, w), f(x, w), { rtol: 0, atol: 0 });
    gradcheck(r, [x, w]);
    const plain = st.grad(f)(x, w);
    const viaRemat = st.grad(r)(x, w);
    plain.forEach((g, i) => assertClose(viaRemat[i]!, g, { rtol: 1e-12, atol: 1e-12 }));
  });

  it("keeps the arity, so grad of a one-argument function returns one tensor", () => {
    const f = (x: Tensor): Tensor => st.ops.sum(st.ops.square(st.ops.sin(x)));
    const g = st.grad(st.remat(f))(st.tensor([0.5, 1]));
    // d/dx sin²x = sin 2x
    assertClose(g, [Math.sin(1), Math.sin(2)]);
  });

  it("composes: gradients of gradients and a remat inside a remat", () => {
    const f = (x: Tensor): Tensor => st.ops.sum(st.ops.tanh(st.ops.multiply(st.ops.sin(x), x)));
    const x = st.tensor([0.3, -1.2, 2], undefined, "float64");
    const gradSum = (h: (x: Tensor) => Tensor) => (y: Tensor) => st.ops.sum(st.grad(h)(y));
    assertClose(st.grad(gradSum(st.remat(f)))(x), st.grad(gradSum(f))(x), { rtol: 1e-12 });
    const nested = st.remat((y: Tensor) => st.remat(f)(st.ops.multiply(y, 2)));
    assertClose(st.grad(nested)(x), st.grad((y: Tensor) => f(st.ops.multiply(y, 2)))(x), {
      rtol: 1e-12,
    });
  });

  it("differentiates Variables read inside, several outputs, and holds one tape node", () => {
    const x = st.tensor(randn([8, 16], 3).dataSync() as Float64Array, [8, 16], "float32");
    const w = new st.Variable(randn([16, 16], 4, 0.3), { dtype: "float32" });
    const both = (a: Tensor): [Tensor, Tensor] => {
      const h = deep(a, w.value);
      return [st.ops.sum(h), st.ops.mean(st.ops.square(h))];
    };
    const loss = (pair: [Tensor, Tensor]): Tensor =>
      st.ops.add(pair[0], st.ops.multiply(pair[1], 3));
    const plain = tapeHolding(() => loss(both(x)), [w]);
    const rem = tapeHolding(() => loss(st.remat(both)(x)), [w]);
    assertClose(rem.grads[0]!, plain.grads[0]!, { rtol: 1e-5, atol: 1e-6 });
    // Some 29 nodes (6 layers of matmul, sin, add, tanh, the outputs, the loss) against one remat node and the loss.
    if (process.env.REMAT_REPORT) console.log({ plain, rem });
    assert.ok(plain.nodes >= 25, `plain tape has ${plain.nodes} nodes`);
    assert.ok(rem.nodes <= 4, `remat tape has ${rem.nodes} nodes`);
    assert.ok(
      rem.elements * 4 < plain.elements,
      `tensors the tape references: ${rem.elements} elements with remat, ${plain.elements} without`,
    );
  });

  it("recomputes with the same random draws, and without advancing state twice", () => {
    const x = st.tensor([[1, 2, 3, 4, 5, 6, 7, 8]]);
    const w = new st.Variable([[0.5, -1, 2, 0.25, 1, 1.5, -0.5, 3]]);
    const gen = new st.random.SeedGenerator(11);
    const counter = new st.Variable([0]);
    const f = (a: Tensor): Tensor => {
      counter.assign(st.ops.add(counter, 1));
      return st.ops.sum(
        st.random.dropout(st.ops.multiply(a, st.ops.square(w.value)), 0.5, { seed: gen }),
      );
    };
    const before = gen.generator.getState();
    const { value, grads } = st.valueAndGrad(() => st.remat(f)(x), [w]);
    assert.equal(counter.value.item(), 1); // the recomputation's assignment was not applied
    const after = gen.generator.getState();
    // Reference: the same draws without remat (the generator put back to where it started).
    gen.generator.setState(before);
    const ref = st.valueAndGrad(() => f(x), [w]);
    assert.deepEqual(gen.generator.getState(), after); // remat left the stream where f leaves it
    assert.equal(value.item(), ref.value.item());
    assertClose(grads[0]!, ref.grads[0]!, { rtol: 0, atol: 0 });
    // Some elements were dropped and some kept, so the check is not vacuous.
    const g = Array.from(grads[0]!.dataSync());
    assert.ok(g.some((v) => v === 0) && g.some((v) => v !== 0), `${g}`);
  });

  it("raises instead of returning wrong gradients when the recomputation differs", () => {
    const w = new st.Variable(st.ones([64]));
    const f = (a: Tensor): Tensor => st.ops.sum(st.random.dropout(a, 0.5));
    st.random.setSeed(1);
    assert.throws(
      () =>
        st.valueAndGrad(() => {
          const y = st.remat(f)(st.ops.multiply(w, 1));
          st.random.setSeed(123); // the global generator the draws came from is replaced
          return y;
        }, [w]),
      (e: Error) => e instanceof st.ValueError && /remat: recomputing/.test(e.message),
    );
  });

  it("is the plain function where nothing is recorded", () => {
    let calls = 0;
    const r = st.remat((a: Tensor) => {
      calls++;
      return st.ops.exp(a);
    });
    assertClose(r(st.tensor([0, 1])), [1, Math.E]);
    assert.equal(calls, 1);
    assert.throws(
      () => st.remat(3 as unknown as () => Tensor),
      (e: Error) =>
        e instanceof st.ValueError && /expected a function; received number/.test(e.message),
    );
  });
});
