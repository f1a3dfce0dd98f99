// LossScaleOptimizer: dynamic loss scaling as Keras 3 does it, checked against a float64 model of
// the rule written here, Keras's unit-test literals, fit (scaled loss, skipped non-finite steps)
// and a .keras round trip of its state.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Sequential, layers } from "../../src/index.js";
import { Adam, LossScaleOptimizer, SGD, deserialize } from "../../src/train/optimizers/index.js";
import { inTempDir } from "../keras-fixtures.js";
import { assertClose } from "../helpers.js";

const G = [1, 6, 7, 2];

describe("LossScaleOptimizer", () => {
  it("matches Keras's unit-test literals", () => {
    // finite step, with and without the variables, and with an inner lossScaleFactor ignored
    for (const inner of [new SGD(0.5), new SGD(0.5, { lossScaleFactor: 100 })]) {
      const opt = new LossScaleOptimizer(inner);
      const v = new st.Variable(st.tensor([1, 2, 3, 4]));
      opt.apply([st.ops.multiply(st.tensor(G), opt.initialScale)], [v]);
      assertClose(v.value, [0.5, -1, -0.5, 3], { rtol: 1e-4, atol: 1e-4 });
      assert.equal(inner.lossScaleFactor, null);
    }
    const noVars = new LossScaleOptimizer(new SGD(0.5));
    const w = new st.Variable(st.tensor([1, 2, 3, 4]));
    noVars.build([w]);
    noVars.apply([st.ops.multiply(st.tensor(G), noVars.initialScale)]);
    assertClose(w.value, [0.5, -1, -0.5, 3], { rtol: 1e-4, atol: 1e-4 });

    // infinite step: skipped
    const inf = new LossScaleOptimizer(new SGD(0.5));
    const u = new st.Variable(st.tensor([1, 2, 3, 4]));
    inf.apply([st.full([4], Infinity)], [u]);
    assert.deepEqual(u.value.toArray(), [1, 2, 3, 4]);

    // downscaling: 400 halved four times; upscaling: 2 doubled every 2 finite steps
    const down = new LossScaleOptimizer(new SGD(0.5), { initialScale: 400 });
    down.build([u]);
    for (let i = 0; i < 4; i++) down.apply([st.full([4], Infinity)]);
    assert.equal(down.currentScale, 25);
    const up = new LossScaleOptimizer(new SGD(0.5), { initialScale: 2, dynamicGrowthSteps: 2 });
    up.build([u]);
    for (let i = 0; i < 4; i++) up.apply([st.tensor(G)]);
    assert.equal(up.currentScale, 8);
    assert.equal(up.iterations, 4);

    const named = new LossScaleOptimizer(new SGD(0.5), {
      initialScale: 3,
      dynamicGrowthSteps: 2,
      name: "test_opt",
    });
    const config = named.getConfig();
    assert.deepEqual(Object.keys(config), [
      "name",
      "inner_optimizer",
      "initial_scale",
      "dynamic_growth_steps",
    ]);
    assert.equal(config.name, "test_opt");
    assert.equal((config.inner_optimizer as { class_name: string }).class_name, "SGD");
  });

  it("follows the rule, step by step, over a mix of finite and non-finite gradients", () => {
    const inner = new SGD(0.1, { momentum: 0.5 });
    const opt = new LossScaleOptimizer(inner, { initialScale: 8, dynamicGrowthSteps: 3 });
    const v = new st.Variable(st.tensor([0.5, -1, 2]));
    // float64 model: w, momentum buffer, scale, counter, inner steps
    const w = [0.5, -1, 2];
    const mom = [0, 0, 0];
    let scale = 8;
    let counter = 0;
    let steps = 0;
    const pattern = [true, true, false, true, true, true, true, false, true, true];
    pattern.forEach((finite, t) => {
      const g = w.map((_, i) => Math.cos(t + i) * 3);
      const sent = finite ? g.map((x) => x * scale) : [...g.slice(0, 2), Number.NaN];
      opt.apply([st.tensor(sent)], [v]);
      if (finite) {
        for (let i = 0; i < 3; i++) {
          mom[i] = 0.5 * mom[i]! - 0.1 * (sent[i]! / scale);
          w[i]! += mom[i]!;
        }
        steps++;
        if (counter === 2) {
          counter = 0;
          scale *= 2;
        } else counter++;
      } else {
        counter = 0;
        scale *= 0.5;
      }
      assertClose(v.value, w, { rtol: 1e-5, atol: 1e-6 });
      assert.equal(opt.currentScale, scale);
      assert.equal(opt.iterations, steps);
    });
  });

  it("refuses what Keras refuses", () => {
    const sgd = () => new SGD(0.5);
    assert.throws(() => new LossScaleOptimizer(sgd(), { dynamic: false }), /lossScaleFactor/);
    assert.throws(
      () => new LossScaleOptimizer(sgd(), { foo: true, bar: 3 } as never),
      /arguments: `foo`, `bar`/,
    );
    for (const [k, v] of [
      ["weightDecay", 0.5],
      ["clipnorm", 0.5],
      ["globalClipnorm", 0.5],
      ["clipvalue", 0.5],
      ["useEma", true],
      ["emaMomentum", 0.5],
      ["emaOverwriteFrequency", 2],
      ["lossScaleFactor", 0.5],
      ["gradientAccumulationSteps", 2],
    ] as const) {
      assert.throws(
        () => new LossScaleOptimizer(sgd(), { [k]: v } as never),
        new RegExp(`does not support \`${k}\``),
      );
    }
    new LossScaleOptimizer(sgd(), { dynamic: true, useEma: false } as never);
  });

  it("in fit: the same weights as the inner optimizer alone, while the scale grows", async () => {
    const run = async (wrap: boolean) => {
      st.random.setSeed(9);
      const model = new Sequential([
        new layers.Dense(4, { inputShape: [3], activation: "tanh" }),
        new layers.Dense(1),
      ]);
      const inner = new SGD(0.05);
      const opt = wrap ? new LossScaleOptimizer(inner, { dynamicGrowthSteps: 3 }) : inner;
      model.compile({ optimizer: opt, loss: "mse" });
      const x = st.random.normal([24, 3], { seed: 1 });
      const y = st.ops.sum(x, 1, true);
      const h = await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, shuffle: false });
      return { model, opt, losses: h.history.loss as number[] };
    };
    const plain = await run(false);
    const scaled = await run(true);
    // Power-of-two scales are exact in float32: scaling then unscaling changes nothing.
    assert.deepEqual(scaled.losses, plain.losses);
    assert.ok(scaled.losses.at(-1)! < scaled.losses[0]!);
    const flat = (m: st.Model) => m.getWeights().flatMap((t) => Array.from(t.dataSync()));
    assert.deepEqual(flat(scaled.model), flat(plain.model));
    assert.equal((scaled.opt as LossScaleOptimizer).currentScale, 2 ** 15 * 2 ** 3);
  });

  it("in fit: an overflowing scale skips steps and halves until the gradients are finite", async () => {
    st.random.setSeed(2);
    const model = new Sequential([new layers.Dense(1, { inputShape: [2] })]);
    const opt = new LossScaleOptimizer(new SGD(0.01), { initialScale: 2 ** 127 });
    model.compile({ optimizer: opt, loss: "mse" });
    const x = st.ops.multiply(st.ones([8, 2]), 4);
    const y = st.zeros([8, 1]);
    await model.fit(x, y, { epochs: 1, batchSize: 1, verbose: 0, shuffle: false });
    const skipped = 8 - opt.iterations;
    assert.ok(skipped > 0 && skipped < 8, `skipped ${skipped}`);
    assert.equal(opt.currentScale, 2 ** (127 - skipped));
  });

  it("saves its state in Keras's order and resumes from a .keras file", async () => {
    await inTempDir(async (dir) => {
      st.random.setSeed(4);
      const model = new Sequential([new layers.Dense(2, { inputShape: [3] }), new layers.Dense(1)]);
      model.compile({
        optimizer: new LossScaleOptimizer(new Adam(0.01), {
          initialScale: 64,
          dynamicGrowthSteps: 2,
        }),
        loss: "mse",
      });
      const x = st.random.normal([8, 3], { seed: 5 });
      const y = st.random.normal([8, 1], { seed: 6 });
      await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0, shuffle: false });
      const opt = model.compiled!.optimizer as LossScaleOptimizer;
      assert.deepEqual(
        opt.variables.slice(0, 6).map((v) => v.name.split("/").at(-1)),
        [
          "iteration",
          "learning_rate",
          "step_counter",
          "dynamic_scale",
          "iteration",
          "learning_rate",
        ],
      );
      assert.equal(opt.variables.length, 6 + 4 * 2);
      const path = join(dir, "m.keras");
      await model.save(path);
      const loaded = await st.models.loadModel(path);
      const back = loaded.compiled!.optimizer as LossScaleOptimizer;
      assert.ok(back instanceof LossScaleOptimizer);
      assert.ok(back.innerOptimizer instanceof Adam);
      assert.deepEqual(back.getConfig(), opt.getConfig());
      assert.equal(back.currentScale, opt.currentScale);
      assert.equal(back.iterations, 6);
      await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
      await loaded.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
      const flat = (m: st.Model) => m.getWeights().flatMap((t) => Array.from(t.dataSync()));
      assert.deepEqual(flat(loaded), flat(model));
      assert.equal(back.currentScale, opt.currentScale);
      assert.ok(deserialize(opt.serialize()) instanceof LossScaleOptimizer);
      assert.ok(st.optimizers.get(opt.serialize()) instanceof LossScaleOptimizer);
    });
  });
});
