import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../src/index.js";
import { ops } from "../src/index.js";
import { assertClose, eachBackend, gradcheck, randn } from "./helpers.js";

eachBackend("autodiff", () => {
  it("differentiates with respect to Variables", () => {
    const w = new st.Variable(
      st.tensor([
        [1, 2],
        [3, 4],
      ]),
      { name: "w" },
    );
    const b = new st.Variable(st.tensor([1, -1]));
    const { value, grads } = st.valueAndGrad(() => ops.sum(ops.square(ops.add(w, b))), [w, b]);
    // L = Σ (w + b)²  →  dL/dw = 2(w + b), dL/db = Σ_rows 2(w + b)
    assert.equal(value.item(), 4 + 1 + 16 + 9);
    assertClose(grads[0]!, [
      [4, 2],
      [8, 6],
    ]);
    assertClose(grads[1]!, [12, 8]);
  });

  it("accumulates gradients of reused inputs", () => {
    // f(x) = x·x + x·x·x  →  f'(x) = 2x + 3x²
    const f = (x: st.Tensor) =>
      ops.sum(ops.add(ops.multiply(x, x), ops.multiply(ops.multiply(x, x), x)));
    assertClose(st.grad(f)(st.tensor([2, -1], undefined, "float64")), [16, 1]);
    gradcheck((x) => ops.multiply(ops.exp(x), ops.add(x, ops.sin(x))), [randn([4], 3)]);
  });

  it("returns one gradient per argument, even for the same tensor passed twice", () => {
    const x = st.tensor([3], undefined, "float64");
    const [ga, gb] = st.grad((a: st.Tensor, b: st.Tensor) =>
      ops.sum(ops.multiply(a, ops.square(b))),
    )(x, x);
    assertClose(ga!, [9]);
    assertClose(gb!, [18]);
  });

  it("takes gradients of gradients", () => {
    // d²/dx² x³ = 6x
    const d1 = st.grad((x: st.Tensor) => ops.sum(ops.power(x, 3)));
    const d2 = st.grad((x: st.Tensor) => ops.sum(d1(x)));
    assertClose(d2(st.tensor([1, 2], undefined, "float64")), [6, 12]);
  });

  it("records nothing under noGrad and gives zeros for unused variables", () => {
    const v = new st.Variable(st.tensor([1, 2]));
    const u = new st.Variable(st.tensor([5]));
    const { grads } = st.valueAndGrad(() => st.noGrad(() => ops.sum(ops.square(v))), [v, u]);
    assertClose(grads[0]!, [0, 0]);
    assertClose(grads[1]!, [0]);
  });

  it("rejects integer variables and non-Variables", () => {
    const i = new st.Variable(st.tensor(new Int32Array([1])));
    assert.throws(() => st.valueAndGrad(() => ops.sum(i), [i]), { name: "ValueError" });
    assert.throws(
      () => st.valueAndGrad(() => st.zeros([1]), [st.zeros([1]) as unknown as st.Variable]),
      {
        name: "ValueError",
      },
    );
  });

  it("catches a wrong gradient rule in gradcheck itself", () => {
    // A sanity check of the checker: grad of x² claimed as x (wrong by a factor 2) must fail.
    const wrong = (x: st.Tensor) =>
      ops.multiply(
        st.noGrad(() => ops.multiply(x, 0.5)),
        x,
      );
    assert.throws(() => gradcheck(wrong, [randn([3], 1)]));
  });

  it("assigns Variables with shape checks", () => {
    const v = new st.Variable(st.zeros([2]), { name: "kernel" });
    v.assign(st.tensor([1, 2]));
    assert.deepEqual(v.value.toArray(), [1, 2]);
    assert.throws(() => v.assign(st.zeros([3])), {
      name: "ShapeError",
      message: "Variable kernel: assign expects shape [2]; received [3]",
    });
  });
});
