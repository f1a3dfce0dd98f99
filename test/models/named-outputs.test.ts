/**
 * A model whose outputs are named in an object returns an object from `apply` (eager and
 * symbolic) and `predict`, as Keras returns a dict; inside another model's graph it still runs
 * as one node. Hand references: Dense layers with "ones" kernels and zero biases.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";

const { layers, Input, Model } = st;

function namedModel(): st.Model {
  const input = Input({ shape: [2] });
  const ones = { kernelInitializer: "ones", biasInitializer: "zeros" } as const;
  const sum = new layers.Dense(1, { ...ones, name: "sum" }).apply(input);
  const twice = new layers.Dense(2, { ...ones, name: "twice" }).apply(input);
  return new Model(input, { total: sum, pair: twice });
}

const x = st.tensor([
  [1, 2],
  [3, 4],
]);

describe("outputs named in an object", () => {
  it("apply returns an object of tensors by name", () => {
    const out = namedModel().apply(x) as unknown as Record<string, st.Tensor>;
    assert.deepEqual(Object.keys(out), ["total", "pair"]);
    assert.deepEqual(out.total!.toArray(), [[3], [7]]);
    assert.deepEqual(out.pair!.toArray(), [
      [3, 3],
      [7, 7],
    ]);
  });

  it("predict returns the same object", async () => {
    const out = (await namedModel().predict(x, { verbose: 0 })) as Record<string, st.Tensor>;
    assert.deepEqual(out.total!.toArray(), [[3], [7]]);
    assert.deepEqual(out.pair!.shape, [2, 2]);
  });

  it("called on symbolic inputs it gives named symbolic tensors, usable in a new model", () => {
    const inner = namedModel();
    const input = Input({ shape: [2] });
    const out = inner.apply(input) as unknown as Record<string, st.layers.SymbolicTensor>;
    assert.deepEqual(Object.keys(out), ["total", "pair"]);
    const outer = new Model(input, new layers.Concatenate().apply([out.total!, out.pair!]));
    assert.deepEqual((outer.apply(x) as st.Tensor).toArray(), [
      [3, 3, 3],
      [7, 7, 7],
    ]);
  });

  it("lists and single outputs are unchanged", () => {
    const input = Input({ shape: [2] });
    const a = new layers.Dense(1).apply(input);
    const b = new layers.Dense(1).apply(input);
    assert.ok(Array.isArray(new Model(input, [a, b]).apply(x)));
    assert.ok(new Model(input, a).apply(x) instanceof st.Tensor);
  });
});
