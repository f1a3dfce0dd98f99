// StatelessScope: Variables read as mapped, assignments and optimizer updates are collected on the
// scope and never applied, losses are gathered with collectLosses; references are hand-computed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { inStatelessScope } from "../../src/autodiff/stateless-scope.js";
import { Layer } from "../../src/layers/layer.js";
import type { Tensor } from "../../src/tensor/tensor.js";

const values = (t: Tensor | null): number[] => {
  assert.ok(t, "expected a tensor");
  return Array.from(t.dataSync() as Float32Array);
};

describe("StatelessScope", () => {
  it("reads mapped values, collects assignments and leaves the variables unchanged", () => {
    const a = new st.Variable([1, 2]);
    const b = new st.Variable([10, 20]);
    const scope = new st.StatelessScope({ stateMapping: [[a, st.tensor([5, 6])]] });
    const seen = scope.run((s) => {
      assert.equal(s, scope);
      assert.equal(inStatelessScope(), true);
      const sum = st.ops.add(a, b); // a reads [5,6], b (unmapped) its own value
      b.assign([7, 8]);
      const after = st.ops.add(a, b); // b now reads the collected value
      a.assign(st.ops.multiply(a, 2));
      return [values(sum), values(after), values(a.value)];
    });
    assert.deepEqual(seen, [
      [15, 26],
      [12, 14],
      [10, 12],
    ]);
    assert.equal(inStatelessScope(), false);
    assert.deepEqual(values(a.value), [1, 2]);
    assert.deepEqual(values(b.value), [10, 20]);
    assert.deepEqual(values(scope.getCurrentValue(a)), [10, 12]);
    assert.deepEqual(values(scope.getCurrentValue(b)), [7, 8]);
    assert.equal(scope.getCurrentValue(new st.Variable([0])), null);
  });

  it("casts mapped values to the variable's dtype and accepts a Variable as value", () => {
    const a = new st.Variable([1, 2], { dtype: "float64" });
    const src = new st.Variable([3, 4]);
    const scope = new st.StatelessScope({ stateMapping: [[a, src]] });
    const v = scope.run(() => a.value);
    assert.equal(v.dtype, "float64");
    assert.deepEqual(Array.from(v.dataSync()), [3, 4]);
    const i = new st.StatelessScope({ stateMapping: [[a, [7, 8]]] }).run(() => a.value);
    assert.equal(i.dtype, "float64");
  });

  it("refuses keys that are not Variables and values of another shape, as Keras", () => {
    assert.throws(
      () => new st.StatelessScope({ stateMapping: [[{} as st.Variable, st.tensor([1])]] }),
      (e: Error) =>
        e instanceof st.ValueError && /must be a Variable; received Object/.test(e.message),
    );
    const a = new st.Variable([1, 2]);
    assert.throws(
      () => new st.StatelessScope({ stateMapping: [[a, st.tensor([1, 2, 3])]] }),
      (e: Error) =>
        e instanceof st.ShapeError && /shape \[2\]; received shape \[3\]/.test(e.message),
    );
  });

  it("is left when fn throws, nests with the inner scope's mapping only, refuses a Promise", () => {
    const a = new st.Variable([1]);
    const outer = new st.StatelessScope({ stateMapping: [[a, [2]]] });
    assert.throws(() =>
      outer.run(() => {
        throw new Error("boom");
      }),
    );
    assert.equal(inStatelessScope(), false);
    assert.deepEqual(values(a.value), [1]);
    const reads = outer.run(() => {
      const inner = new st.StatelessScope();
      const inside = inner.run(() => {
        a.assign([9]);
        return values(a.value);
      });
      // Keras: an unmapped variable inside the inner scope reads its own value, not the outer's.
      assert.deepEqual(values(inner.getCurrentValue(a)), [9]);
      return [values(a.value), inside];
    });
    assert.deepEqual(reads, [[2], [9]]);
    assert.deepEqual(values(a.value), [1]);
    assert.throws(
      () => new st.StatelessScope().run(async () => 1),
      (e: Error) => e instanceof st.ValueError && /synchronous/.test(e.message),
    );
    assert.equal(inStatelessScope(), false);
  });

  it("collects an optimizer step: weights and slots keep their values outside", () => {
    // Adam, one step from w = [1, -2] with g = [0.5, 0.25]: m̂ = g, v̂ = g², so w -= lr·g/(|g|+ε).
    const w = new st.Variable([1, -2]);
    const opt = new st.optimizers.Adam({ learningRate: 0.1 });
    opt.build([w]);
    const before = opt.variables.map((v) => values(v.value));
    const scope = new st.StatelessScope({ stateMapping: [[w, w.value]] });
    scope.run(() => opt.applyGradients([[st.tensor([0.5, 0.25]), w]]));
    assert.deepEqual(values(w.value), [1, -2]);
    assert.deepEqual(
      opt.variables.map((v) => values(v.value)),
      before,
    );
    const stepped = values(scope.getCurrentValue(w));
    assert.ok(
      Math.abs(stepped[0]! - 0.9) < 1e-5 && Math.abs(stepped[1]! + 2.1) < 1e-5,
      `${stepped}`,
    );
    // The slots' new values are on the scope: first moment = (1 - β1)·g.
    const m = opt.variables.find((v) => v.name.endsWith("_momentum"));
    assert.ok(m, opt.variables.map((v) => v.name).join(", "));
    const got = values(scope.getCurrentValue(m));
    assert.ok(Math.abs(got[0]! - 0.05) < 1e-6 && Math.abs(got[1]! - 0.025) < 1e-6, `${got}`);
  });

  it("sends an in-place write to the scope's own copy, never to a tensor anyone holds", () => {
    const w = new st.Variable([1, 2]);
    const mapped = st.tensor([3, 4]);
    const scope = new st.StatelessScope({ stateMapping: [[w, mapped]] });
    const [first, again] = scope.run(() => [w.writableStorage(), w.writableStorage()]);
    assert.equal(first, again); // the scope's copy is still private: written to again
    assert.notEqual(first, mapped.storage);
    assert.deepEqual(values(mapped), [3, 4]);
    assert.deepEqual(values(w.value), [1, 2]);
    const now = scope.getCurrentValue(w)!;
    assert.equal(now.storage, first);
    // Handed out now, so a later in-place write must copy again.
    assert.notEqual(
      scope.run(() => w.writableStorage()),
      first,
    );
    assert.deepEqual(values(scope.getCurrentValue(w)), [3, 4]);
  });

  it("gathers losses added by layers with collectLosses, drops them without", () => {
    class Penalized extends Layer {
      call(x: Tensor | Tensor[]): Tensor {
        const t = x as Tensor;
        this.addLoss(st.ops.sum(t));
        return t;
      }
    }
    const layer = new Penalized();
    const collecting = new st.StatelessScope({ collectLosses: true });
    collecting.run(() => {
      layer.apply(st.tensor([1, 2, 3]));
      assert.deepEqual(
        layer.losses.map((l) => l.item()),
        [6],
      );
    });
    assert.deepEqual(
      collecting.losses.map((l) => l.item()),
      [6],
    );
    assert.equal(layer.losses.length, 0); // nothing reached the layer itself
    const dropping = new st.StatelessScope();
    dropping.run(() => layer.apply(st.tensor([4])));
    assert.equal(dropping.losses.length, 0);
    assert.equal(layer.losses.length, 0);
    layer.apply(st.tensor([4]));
    assert.deepEqual(
      layer.losses.map((l) => l.item()),
      [4],
    );
  });

  it("runs a layer with the weights it is given and takes gradients through them", () => {
    const dense = new st.layers.Dense(1, { useBias: false, kernelInitializer: "ones" });
    dense.apply(st.zeros([1, 2]));
    const kernel = dense.weights[0]!;
    const scope = new st.StatelessScope({ stateMapping: [[kernel, [[2], [3]]]] });
    const { value, grads } = scope.run(() =>
      st.valueAndGrad(() => st.ops.sum(dense.apply(st.tensor([[1, 10]]))), [kernel]),
    );
    assert.equal(value.item(), 32); // 1·2 + 10·3
    assert.deepEqual(values(grads[0]!), [1, 10]);
    assert.deepEqual(values(kernel.value), [1, 1]);
  });
});
