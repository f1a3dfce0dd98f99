// SymbolicScope: a layer's call sees inSymbolicScope() true exactly while Strata runs it for shape
// inference (declaring a functional model, a subclassed model's build before fit), false on data.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Layer } from "../../src/layers/layer.js";
import type { Tensor } from "../../src/tensor/tensor.js";

/** A layer without its own computeOutputShape, which notes the stage of every call. */
class StageRecorder extends Layer {
  stages: boolean[] = [];
  call(x: Tensor | Tensor[]): Tensor {
    this.stages.push(st.backend.inSymbolicScope());
    return st.ops.multiply(x as Tensor, 2);
  }
}

describe("SymbolicScope", () => {
  it("is active while a functional model is declared, not when it runs on data", () => {
    const rec = new StageRecorder();
    const input = st.Input({ shape: [3] });
    const out = rec.apply(input);
    assert.deepEqual(out.shape, [null, 3]);
    assert.ok(rec.stages.length > 0);
    assert.ok(rec.stages.every((s) => s));
    const model = new st.Model(input, out);
    rec.stages.length = 0;
    const y = model.apply(st.tensor([[1, 2, 3]]));
    assert.deepEqual(Array.from(y.dataSync()), [2, 4, 6]);
    assert.ok(rec.stages.length > 0 && rec.stages.every((s) => !s));
    assert.equal(st.backend.inSymbolicScope(), false);
  });

  it("is active for the build run before a subclassed model's first training step", async () => {
    class Sub extends st.Model {
      rec = new StageRecorder();
      dense = new st.layers.Dense(1);
      override call(x: Tensor): Tensor {
        return this.dense.apply(this.rec.apply(x));
      }
    }
    const model = new Sub();
    model.compile({ optimizer: "sgd", loss: "mse" });
    await model.fit(st.ones([2, 3]), st.ones([2, 1]), { epochs: 1, batchSize: 2, verbose: 0 });
    // First the symbolic build, then the training step on data.
    assert.deepEqual(model.rec.stages, [true, false]);
  });

  it("nests, is left when fn throws, and refuses an async fn", () => {
    const outer = new st.SymbolicScope();
    const seen = outer.run((s) => {
      assert.equal(s, outer);
      assert.equal(st.backend.getSymbolicScope(), outer);
      const inner = new st.SymbolicScope();
      inner.run(() => assert.equal(st.backend.getSymbolicScope(), inner));
      return st.backend.getSymbolicScope();
    });
    assert.equal(seen, outer);
    assert.throws(() =>
      new st.SymbolicScope().run(() => {
        throw new Error("boom");
      }),
    );
    assert.equal(st.backend.inSymbolicScope(), false);
    assert.equal(st.backend.getSymbolicScope(), null);
    assert.throws(
      () => new st.SymbolicScope().run(async () => 1),
      (e: Error) => e instanceof st.ValueError && /synchronous/.test(e.message),
    );
    assert.equal(st.backend.inSymbolicScope(), false);
  });
});
