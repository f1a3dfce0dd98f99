// RematScope: layers take the scope active at their construction; each Keras mode rematerializes
// the calls Keras's Layer picks, with gradients equal to the same model built outside any scope.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { recordingNow } from "../../src/autodiff/tape.js";
import { currentBackend } from "../../src/backend/index.js";
import { Layer } from "../../src/layers/layer.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { assertClose } from "../helpers.js";

const WIDTH = 8;

/** A stack of Dense layers (relu, tanh alternating), built and given fixed weights. */
const fusedBiasRelu =
  typeof (currentBackend().kernels as unknown as Record<string, unknown>).biasRelu === "function";

function stack(names: string[]): st.Sequential {
  const model = new st.Sequential(
    names.map(
      (name, i) =>
        new st.layers.Dense(i === 2 ? 64 : WIDTH, { name, activation: i % 2 ? "tanh" : "relu" }),
    ),
  );
  model.apply(st.zeros([1, WIDTH]));
  model.setWeights(
    model
      .getWeights()
      .map((w, i) => st.random.normal([...w.shape], { seed: 100 + i, stddev: 0.4 })),
  );
  return model;
}

/** The loss's gradients for the model's weights, and how many nodes the tape held. */
function step(model: Layer, x: Tensor, opts: { training?: boolean } = {}) {
  let nodes = 0;
  const { value, grads } = st.valueAndGrad(() => {
    const y = model.apply(x, opts) as Tensor;
    const loss = st.ops.add(st.ops.sum(st.ops.square(y)), ...[st.tensor(0)]);
    const total = model.losses.reduce((acc: Tensor, l) => st.ops.add(acc, l), loss);
    nodes = recordingNow()[0]!.nodes.length;
    return total;
  }, model.trainableWeights);
  return { value, grads, nodes };
}

const NAMES = ["d0", "d1", "d2", "d3", "d4"];
const x = st.random.normal([4, WIDTH], { seed: 3 });

describe("RematScope", () => {
  it("refuses an unknown mode with Keras's message and takes Keras's defaults", () => {
    assert.throws(
      () => new st.RematScope({ mode: "some" as st.RematModeName }),
      (e: Error) =>
        e instanceof st.ValueError && /invalid mode "some"; supported modes are/.test(e.message),
    );
    const s = new st.RematScope();
    assert.deepEqual([s.mode, s.outputSizeThreshold, s.layerNames], ["full", 1024, []]);
  });

  it("is taken by layers at construction; the innermost scope wins", () => {
    const outer = new st.RematScope({ mode: "full" });
    const [a, b] = outer.run(() => [
      new st.layers.Dense(2),
      new st.RematScope({ mode: "larger_than", outputSizeThreshold: 5 }).run(
        () => new st.layers.Dense(2),
      ),
    ]);
    assert.equal(a.rematMode?.mode, "full");
    assert.equal(b.rematMode?.mode, "larger_than");
    assert.equal(b.rematMode?.outputSizeThreshold, 5);
    assert.equal(new st.layers.Dense(2).rematMode, null);
  });

  // The plain tape: Dense with relu is 2 nodes (matmul, fused bias+relu), with tanh 3 (matmul, add,
  // tanh): 12 in all.
  for (const [mode, opts, expectFewer] of [
    // The Sequential is a layer made in the scope too: its whole call becomes one node.
    ["full", {}, 11],
    ["list_of_layers", { layerNames: ["d1", "d3"] }, 4], // two tanh layers, 3 nodes → 1 each
    ["larger_than", { outputSizeThreshold: 4 * WIDTH }, 1], // only d2's 4×64 output is larger
    // Strata's activations are one node already; wrapping relu loses its fusion with the bias add.
    ["activations", {}, -3],
    [null, {}, 0],
  ] as const) {
    it(`mode ${String(mode)}: the same gradients as without remat`, () => {
      const plain = stack(NAMES);
      const remat = new st.RematScope({ mode, ...opts }).run(() => stack(NAMES));
      const a = step(plain, x);
      const b = step(remat, x);
      assert.equal(b.value.item(), a.value.item());
      a.grads.forEach((g, i) => assertClose(b.grads[i]!, g, { rtol: 1e-5, atol: 1e-6 }));
      // The counts are those of a backend with the fused bias + relu kernel (the default ones);
      // without it a relu Dense records three nodes, and the counts differ.
      if (fusedBiasRelu) {
        assert.equal(a.nodes - b.nodes, expectFewer, `nodes ${a.nodes} → ${b.nodes}`);
      } else {
        assert.ok(b.nodes <= a.nodes, `nodes ${a.nodes} → ${b.nodes}`);
      }
      // The activation is restored after an "activations" call.
      for (const l of remat.layers)
        assert.equal(typeof (l as st.layers.Dense).activation, "function");
    });
  }

  it("recomputes Dropout with the same mask and keeps a call's addLoss differentiable", () => {
    class Penalty extends Layer {
      call(t: Tensor | Tensor[]): Tensor {
        this.addLoss(st.ops.multiply(st.ops.sum(st.ops.square(t as Tensor)), 0.1));
        return t as Tensor;
      }
    }
    const build = (): st.Sequential => {
      const m = new st.Sequential([
        new st.layers.Dense(WIDTH, { name: "a" }),
        new st.layers.Dropout(0.5, { seed: 5 }),
        new Penalty(),
        new st.layers.Dense(2, { name: "b" }),
      ]);
      m.apply(st.zeros([1, WIDTH]));
      m.setWeights(m.getWeights().map((w, i) => st.random.normal([...w.shape], { seed: 7 + i })));
      return m;
    };
    const plain = build();
    const remat = new st.RematScope({ mode: "full" }).run(build);
    const a = step(plain, x, { training: true });
    const b = step(remat, x, { training: true });
    assert.equal(remat.losses.length, 1);
    assertClose(b.value, a.value, { rtol: 1e-6 });
    a.grads.forEach((g, i) => assertClose(b.grads[i]!, g, { rtol: 1e-5, atol: 1e-6 }));
  });

  it("trains with fit to the same weights as the model without remat", async () => {
    const y = st.random.normal([4, 2], { seed: 9 });
    const build = (): st.Sequential => {
      const m = new st.Sequential([
        new st.layers.Dense(WIDTH, { activation: "tanh" }),
        new st.layers.BatchNormalization(),
        new st.layers.Dense(2),
      ]);
      m.apply(st.zeros([1, WIDTH]));
      m.setWeights(m.getWeights().map((w, i) => st.random.normal([...w.shape], { seed: 20 + i })));
      m.compile({ optimizer: new st.optimizers.SGD({ learningRate: 0.05 }), loss: "mse" });
      return m;
    };
    const plain = build();
    const remat = new st.RematScope({ mode: "full" }).run(build);
    for (const m of [plain, remat])
      await m.fit(x, y, { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    // Moving statistics advance once per step, not again in the recomputation.
    plain
      .getWeights()
      .forEach((w, i) => assertClose(remat.getWeights()[i]!, w, { rtol: 1e-5, atol: 1e-6 }));
  });
});
