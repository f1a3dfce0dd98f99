// MultiOptimizer and OptimizerMap (Keras 3.16): each group of variables moves exactly as its own
// optimizer alone moves it (the same optimizers run separately on copies), Keras's unit-test
// literals, fit (Keras's hand-computable two-Dense case), the learning-rate callbacks, its
// config, and a .keras round trip of its state in Keras's layout (read back with the HDF5 reader).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Sequential, layers } from "../../src/index.js";
import { readHdf5 } from "../../src/io/hdf5.js";
import { ZipReader } from "../../src/io/zip.js";
import {
  Adam,
  LossScaleOptimizer,
  MultiOptimizer,
  Optimizer,
  OptimizerMap,
  RMSprop,
  SGD,
  deserialize,
} from "../../src/train/optimizers/index.js";
import {
  LearningRateScheduler,
  ReduceLROnPlateau,
  SwapEMAWeights,
} from "../../src/train/callbacks/index.js";
import {
  registerKerasSerializable,
  unregisterCustomObjects,
} from "../../src/nn/object-registration.js";
import { inTempDir } from "../keras-fixtures.js";
import { assertClose } from "../helpers.js";

const v = (name: string, values: number[][]) => new st.Variable(st.tensor(values), { name });
const vals = (x: st.Variable) => Array.from(x.value.dataSync());

describe("OptimizerMap", () => {
  it("matches paths exactly, then as whole-path regular expressions, else the default", () => {
    const adam = new Adam(1e-3);
    const sgd = new SGD(1e-2);
    const def = new RMSprop();
    const map = new OptimizerMap(def);
    map.set("^dense/.*", adam).set("^conv/.*", sgd);
    assert.equal(map.call(v("dense/kernel", [[1]])), adam);
    assert.equal(map.call(v("conv/kernel", [[1]])), sgd);
    assert.equal(map.call(v("bias", [[1]])), def);
    // Keras's docstring example: exact key first; "decoder" matches only "decoder"
    const m2 = new OptimizerMap(def);
    m2.set("encoder/layer_0/dense", adam);
    m2.set("encoder/.*", sgd);
    m2.set("decoder", adam);
    assert.equal(m2.get("decoder"), adam);
    assert.equal(m2.get("encoder/layer_0/dense"), adam);
    assert.equal(m2.get("encoder/layer_0/attention/query"), sgd);
    assert.equal(m2.get("decoder/layer_0/dense"), def);
    assert.deepEqual([...m2], ["encoder/layer_0/dense", "encoder/.*", "decoder"]);
    assert.equal(m2.size, 3);
    // two patterns matching one path
    const clash = new OptimizerMap(def, { ".*kernel.*": adam, ".*dense.*": sgd });
    assert.throws(() => clash.call(v("dense/kernel", [[1]])), /Multiple optimizers assigned/);
  });

  it("refuses what Keras refuses", () => {
    const sgd = new SGD(0.1);
    const map = new OptimizerMap(sgd);
    map.set("a", sgd);
    assert.throws(() => map.set("a", sgd), /already exists/);
    assert.throws(() => map.set(".*", new LossScaleOptimizer(sgd)), /cannot be LossScaleOptimizer/);
    assert.throws(() => map.set(".*", new MultiOptimizer(map)), /cannot be MultiOptimizer/);
    assert.throws(() => map.set(".*", {} as never), /must be an Optimizer/);
    assert.throws(() => new OptimizerMap({} as never), /defaultOptimizer must be an Optimizer/);
    assert.throws(
      () => new MultiOptimizer(map, { lossScaleFacter: 2 } as never),
      /did you mean lossScaleFactor/,
    );
    // a selector may still hand back a wrapper: refused at build
    const bad = new MultiOptimizer(() => new LossScaleOptimizer(new SGD(0.1)));
    assert.throws(() => bad.build([v("w", [[1]])]), /LossScaleOptimizer cannot be used inside/);
  });
});

describe("MultiOptimizer", () => {
  it("moves each group exactly as its optimizer alone would", () => {
    const shapes: Record<string, number[][]> = {
      "dense_1/kernel": [
        [0.3, -0.2],
        [0.1, 0.5],
      ],
      "dense_1/bias": [[0.05, -0.1]],
      "dense_2/kernel": [[1.5], [-0.7]],
      "other/kernel": [[2, -1, 0.5]],
    };
    const makeOpts = () => ({
      adam: new Adam(0.01, { weightDecay: 0.1 }),
      sgd: new SGD(0.05, { momentum: 0.9, nesterov: true }),
      rms: new RMSprop(0.002, { rho: 0.8, clipnorm: 0.5 }),
    });
    const a = makeOpts();
    const multi = new MultiOptimizer(
      new OptimizerMap(a.rms, { "dense_1/.*": a.adam, "dense_2/.*": a.sgd }),
    );
    const names = Object.keys(shapes);
    const mvars = names.map((n) => v(n, shapes[n]!));
    // the same optimizers, run separately on copies of their own variables
    const b = makeOpts();
    const svars = names.map((n) => v(n, shapes[n]!));
    const groups: [Optimizer, number[]][] = [
      [b.adam, [0, 1]],
      [b.sgd, [2]],
      [b.rms, [3]],
    ];
    for (let step = 0; step < 5; step++) {
      const grads = mvars.map((x, i) =>
        st.tensor(
          Array.from(x.value.dataSync(), (_, k) => Math.sin(step * 1.3 + i * 0.7 + k) * (i + 1)),
          [...x.shape],
        ),
      );
      multi.apply(grads, mvars);
      for (const [opt, idx] of groups) {
        opt.apply(
          idx.map((i) => grads[i]!),
          idx.map((i) => svars[i]!),
        );
      }
      mvars.forEach((x, i) =>
        assert.deepEqual(vals(x), vals(svars[i]!), `${names[i]} step ${step}`),
      );
    }
    assert.equal(multi.iterations, 5);
    assert.deepEqual(
      multi.optimizers.map((o) => o.iterations),
      [5, 5, 5],
    );
    assert.deepEqual(multi.optimizers, [a.adam, a.sgd, a.rms]);
    // its variables: its own iteration and learning_rate, then each inner optimizer's
    const expected = [
      ...multi.variables.slice(0, 2),
      ...a.adam.variables,
      ...a.sgd.variables,
      ...a.rms.variables,
    ];
    assert.deepEqual(multi.variables, expected);
    assert.deepEqual(
      multi.variables.slice(0, 2).map((x) => x.name.split("/").at(-1)),
      ["iteration", "learning_rate"],
    );
    // apply without variables, after the build
    const before = vals(mvars[3]!);
    multi.apply(mvars.map((x) => st.onesLike(x.value)));
    assert.notDeepEqual(vals(mvars[3]!), before);
    assert.equal(multi.iterations, 6);
  });

  it("gives Keras's unit-test results", () => {
    // test_stateful_apply
    const w1 = v("dense_1/kernel", [[2, 2]]);
    const w2 = v("dense_2/kernel", [[3, 3]]);
    const w3 = v("other/kernel", [[4, 4]]);
    const map = new OptimizerMap(new SGD(0.0));
    map.set("^dense_1/.*", new SGD(0.1));
    map.set("^dense_2/.*", new SGD(1.0));
    const multi = new MultiOptimizer(map);
    multi.build([w1, w2, w3]);
    multi.apply(
      [w1, w2, w3].map(() => st.tensor([[1, 1]])),
      [w1, w2, w3],
    );
    assertClose(w1.value, [[1.9, 1.9]]);
    assertClose(w2.value, [[2, 2]]);
    assertClose(w3.value, [[4, 4]]);
    assert.equal(multi.iterations, 1);
    for (const o of multi.optimizers) assert.equal(o.iterations, 1);

    // test_gradient_unscaling: the MultiOptimizer's loss scale replaces the inner one's
    const w = v("dense_1/kernel", [[2, 2]]);
    const sgd = new SGD(0.1, { lossScaleFactor: 2 });
    const m2 = new MultiOptimizer(new OptimizerMap(sgd, { "^dense_1/.*": sgd }), {
      lossScaleFactor: 5,
    });
    assert.equal(sgd.lossScaleFactor, 5);
    m2.apply([st.tensor([[10, 10]])], [w]);
    assertClose(w.value, [[1.8, 1.8]]);

    // test_loss_scaling
    const m3 = new MultiOptimizer(
      new OptimizerMap(new RMSprop(1e-4, { lossScaleFactor: 8 }), {
        "^dense_1/.*": new Adam(1e-3, { lossScaleFactor: 3 }),
      }),
      { lossScaleFactor: 5 },
    );
    assertClose(m3.scaleLoss(st.tensor(2)), 10);
    m3.lossScaleFactor = 7;
    for (const o of m3.optimizers) assert.equal(o.lossScaleFactor, 7);

    // test_custom_callable_function: optimizers found at build, in order
    const adam = new Adam(1e-3);
    const sgd2 = new SGD(1e-2);
    const m4 = new MultiOptimizer((x) => (x.name.includes("dense_1") ? adam : sgd2));
    const a1 = v("dense_1/kernel", [[1]]);
    const a2 = v("dense_2/kernel", [[1]]);
    m4.build([a1, a2]);
    assert.deepEqual(m4.optimizers, [adam, sgd2]);
    m4.apply([st.tensor([[1]]), st.tensor([[1]])], [a1, a2]);
    assertClose(a2.value, [[0.99]]);

    // test_multi_optimizer_wrapped_in_loss_scale_optimizer
    const o1 = new SGD(0.1);
    const o2 = new SGD(0.1);
    const inner = new MultiOptimizer(new OptimizerMap(o2, { ".*dense_1/.*": o1 }), {
      lossScaleFactor: 5,
    });
    const lso = new LossScaleOptimizer(inner, { initialScale: 10, dynamicGrowthSteps: 1000 });
    const u1 = v("dense_1/kernel", [[2, 2]]);
    const u2 = v("dense_2/kernel", [[2, 2]]);
    lso.build([u1, u2]);
    assert.equal(inner.lossScaleFactor, null);
    assert.equal(o1.lossScaleFactor, null);
    assert.equal(o2.lossScaleFactor, null);
    assertClose(lso.scaleLoss(st.tensor(2)), 20);
    lso.apply([st.tensor([[10, 10]]), st.tensor([[10, 10]])], [u1, u2]);
    assertClose(u1.value, [[1.9, 1.9]]);
    assertClose(u2.value, [[1.9, 1.9]]);
  });

  it("has no learning rate of its own, and checks its gradients", () => {
    const multi = new MultiOptimizer(new OptimizerMap(new SGD(0.1)));
    assert.throws(() => multi.learningRate, /cannot be accessed on a MultiOptimizer/);
    assert.throws(() => {
      multi.learningRate = 0.5;
    }, /cannot be set on a MultiOptimizer/);
    assert.throws(() => multi.apply([st.tensor([1])]), /must already be built/);
    const a = v("a", [[1]]);
    const b = v("b", [[1]]);
    multi.build([a, b]);
    assert.throws(() => multi.apply([st.tensor([[1]])], [a]), /one-to-one/);
    assert.throws(() => multi.apply([null, null], [a, b]), /no gradients/);
    multi.apply([null, st.tensor([[1]])], [a, b]);
    assert.deepEqual([vals(a), vals(b)], [[1], [Math.fround(0.9)]]);
    // setWeights sets its own variables, then each inner optimizer's
    const w = multi.variables.map((x) => st.onesLike(x.value));
    multi.setWeights(w);
    assert.equal(multi.iterations, 1);
    assert.equal(multi.optimizers[0]!.learningRate, 1);
  });

  it("serializes as Keras does, and shared optimizers stay shared", () => {
    const def = new RMSprop(1e-4);
    const adam = new Adam(1e-3);
    const map = new OptimizerMap(def, { "^dense_1/.*": adam, "^dense_2/.*": new SGD(1e-2) });
    const multi = new MultiOptimizer(map, { name: "multi" });
    const config = multi.getConfig();
    assert.deepEqual(Object.keys(config), ["optimizer_map", "loss_scale_factor", "name"]);
    const s = multi.serialize();
    assert.equal(s.module, "keras.optimizers");
    assert.equal(s.class_name, "MultiOptimizer");
    const om = config.optimizer_map as { class_name: string; config: Record<string, unknown> };
    assert.equal(om.class_name, "OptimizerMap");
    assert.deepEqual(Object.keys(om.config), ["default_optimizer", "optimizer_map"]);
    const back = deserialize(JSON.parse(JSON.stringify(s))) as MultiOptimizer;
    assert.ok(back instanceof MultiOptimizer);
    assert.equal(back.name, "multi");
    assert.deepEqual(
      back.optimizers.map((o) => o.constructor.name),
      ["Adam", "SGD", "RMSprop"],
    );
    assert.deepEqual(
      back.optimizers.map((o) => o.getConfig()),
      multi.optimizers.map((o) => o.getConfig()),
    );
    const w = v("dense_1/kernel", [[1]]);
    back.build([w]);
    assert.equal((back.optimizerMap as OptimizerMap).call(w).constructor.name, "Adam");

    // one optimizer both default and mapped: one optimizer after the round trip
    const sgd = new SGD(0.1);
    const shared = new MultiOptimizer(new OptimizerMap(sgd, { "a/.*": sgd, "b/.*": new Adam() }));
    assert.equal(shared.optimizers.length, 2);
    const again = deserialize(JSON.parse(JSON.stringify(shared.serialize()))) as MultiOptimizer;
    assert.equal(again.optimizers.length, 2);

    // a selector function: written by its registered name, found again through the registry
    const pick = (x: st.Variable) => (x.name.startsWith("a") ? adam : def);
    registerKerasSerializable({ package: "multi_test", name: "pick" })(pick);
    try {
      const f = new MultiOptimizer(pick).serialize();
      assert.equal((f.config.optimizer_map as { class_name: string }).class_name, "function");
      assert.equal((deserialize(f) as MultiOptimizer).optimizerMap, pick);
    } finally {
      unregisterCustomObjects((o) => o === pick);
    }
    assert.throws(
      () => deserialize(new MultiOptimizer(pick).serialize()),
      /selector function .* is not registered/,
    );
  });
});

/** Keras's two-Dense model with ones kernels, named as in its tests. */
function twoDense(): st.Model {
  return new Sequential([
    new layers.Dense(2, {
      inputShape: [1],
      kernelInitializer: "ones",
      useBias: false,
      name: "dense_1",
    }),
    new layers.Dense(1, { kernelInitializer: "ones", useBias: false, name: "dense_2" }),
  ]);
}

describe("MultiOptimizer in fit", () => {
  it("trains each layer with its own optimizer (Keras's test, by hand)", async () => {
    // x = 1, h = [1, 1], out = 2, loss = 4: dL/dw2 = [4, 4], dL/dw1 = [4, 4].
    const optimizer = new MultiOptimizer(
      new OptimizerMap(new SGD(0.1), {
        ".*dense_1/.*": new SGD(1e-3),
        ".*dense_2/.*": new SGD(1e-2),
      }),
    );
    const model = twoDense();
    model.compile({ optimizer, loss: "mse" });
    await model.fit(st.ones([1, 1]), st.zeros([1, 1]), { batchSize: 1, epochs: 1, verbose: 0 });
    const [k1, k2] = model.getWeights();
    assertClose(k1!, [[0.996, 0.996]]);
    assertClose(k2!, [[0.96], [0.96]]);
    assert.equal(optimizer.iterations, 1);
    assert.deepEqual(
      optimizer.optimizers.map((o) => o.iterations),
      [1, 1, 0],
    );
  });

  it("the learning-rate callbacks work on each inner optimizer (Keras 3.16)", async () => {
    const o1 = new SGD(0.1);
    const o2 = new SGD(0.01);
    const model = twoDense();
    model.compile({
      optimizer: new MultiOptimizer(new OptimizerMap(o2, { ".*dense_1/.*": o1 })),
      loss: "mse",
    });
    const sched = new LearningRateScheduler((_epoch, lr) => lr * 0.5);
    sched.setModel(model as never);
    sched.onEpochBegin(1);
    assertClose(o1.learningRate, 0.05);
    assertClose(o2.learningRate, 0.005);
    const logs: Record<string, number> = {};
    sched.onEpochEnd(1, logs);
    assert.deepEqual(
      Object.keys(logs).sort(),
      [`learning_rate_${o1.name}`, `learning_rate_${o2.name}`].sort(),
    );

    const reduce = new ReduceLROnPlateau({ monitor: "val_loss", factor: 0.5, patience: 1 });
    reduce.setModel(model as never);
    reduce.onTrainBegin();
    reduce.onEpochEnd(0, { val_loss: 1 });
    assertClose(o1.learningRate, 0.05);
    reduce.onEpochEnd(1, { val_loss: 1 });
    assertClose(o1.learningRate, 0.025);
    assertClose(o2.learningRate, 0.0025);

    // fit with a scheduler: the history records each inner optimizer's rate
    const h = await model.fit(st.ones([2, 1]), st.zeros([2, 1]), {
      epochs: 2,
      verbose: 0,
      callbacks: [new LearningRateScheduler((_e, lr) => lr)],
    });
    assert.ok(`learning_rate_${o1.name}` in h.history);
  });

  it("SwapEMAWeights swaps only the variables of inner optimizers that keep averages", async () => {
    const o1 = new SGD(0.1, { useEma: true, emaMomentum: 0.9 });
    const o2 = new SGD(0.1);
    const model = twoDense();
    model.compile({
      optimizer: new MultiOptimizer(new OptimizerMap(o2, { ".*dense_1/.*": o1 })),
      loss: "mse",
    });
    model.trainOnBatch(st.ones([1, 1]), st.ones([1, 1]));
    const [k1, k2] = model.trainableWeights;
    k1!.assign(st.tensor([[2, 2]]));
    k2!.assign(st.tensor([[3], [3]]));
    o1.emaPairs[0]![1].assign(st.tensor([[9, 9]]));
    const swap = new SwapEMAWeights();
    swap.setModel(model as never);
    swap.onTestBegin();
    assert.deepEqual(vals(k1!), [9, 9]);
    assert.deepEqual(vals(k2!), [3, 3]);
    swap.onTestEnd();
    assert.deepEqual(vals(k1!), [2, 2]);
    assert.deepEqual(vals(o1.emaPairs[0]![1]), [9, 9]);
    const none = twoDense();
    none.compile({ optimizer: new MultiOptimizer(new OptimizerMap(new SGD())), loss: "mse" });
    none.trainOnBatch(st.ones([1, 1]), st.ones([1, 1]));
    const bad = new SwapEMAWeights();
    bad.setModel(none as never);
    assert.throws(() => bad.onTestBegin(), /at least one inner optimizer/);
  });

  it("saves its state in Keras's layout and resumes from a .keras file", async () => {
    await inTempDir(async (dir) => {
      st.random.setSeed(3);
      const model = new Sequential([
        new layers.Dense(3, { inputShape: [2], activation: "tanh", name: "enc" }),
        new layers.Dense(1, { name: "head" }),
      ]);
      const sgdA = new SGD(0.05, { momentum: 0.9 });
      const sgdB = new SGD(0.02, { momentum: 0.5 });
      const adam = new Adam(0.01);
      const map = new OptimizerMap(adam, { "enc/kernel": sgdA, "head/.*": sgdB });
      model.compile({ optimizer: new MultiOptimizer(map), loss: "mse" });
      const x = st.random.normal([8, 2], { seed: 1 });
      const y = st.random.normal([8, 1], { seed: 2 });
      await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false });
      const opt = model.compiled!.optimizer as MultiOptimizer;
      assert.equal(opt.iterations, 4);
      const path = join(dir, "m.keras");
      await model.save(path);

      // the file: every variable at optimizer/vars, and each inner optimizer's at its own path
      const zip = new ZipReader(readFileSync(path));
      const h5 = readHdf5(zip.read("model.weights.h5"));
      const all = opt.variables;
      all.forEach((variable, i) => {
        assertClose(
          variable.value,
          Array.from(h5.dataset(`optimizer/vars/${i}`).read() as ArrayLike<number>),
        );
      });
      assert.equal(h5.group("optimizer/vars").keys().length, all.length);
      for (const [name, inner] of [
        ["sgd", sgdA],
        ["sgd_1", sgdB],
        ["adam", adam],
      ] as const) {
        const g = h5.group(`optimizer/optimizers/${name}/vars`);
        assert.equal(g.keys().length, inner.variables.length, name);
        inner.variables.forEach((variable, i) =>
          assertClose(variable.value, Array.from(g.dataset(String(i)).read() as ArrayLike<number>)),
        );
      }
      const config = JSON.parse(new TextDecoder().decode(zip.read("config.json")));
      const saved = config.compile_config.optimizer;
      assert.equal(saved.class_name, "MultiOptimizer");
      assert.deepEqual(Object.keys(saved.config.optimizer_map.config.optimizer_map), [
        "enc/kernel",
        "head/.*",
      ]);

      const loaded = await st.models.loadModel(path);
      const back = loaded.compiled!.optimizer as MultiOptimizer;
      assert.ok(back instanceof MultiOptimizer);
      assert.equal(back.iterations, 4);
      assert.deepEqual(
        back.optimizers.map((o) => o.iterations),
        [4, 4, 4],
      );
      back.variables.forEach((variable, i) => assert.deepEqual(vals(variable), vals(all[i]!)));
      await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
      await loaded.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0, shuffle: false });
      const flat = (m: st.Model) => m.getWeights().flatMap((t) => Array.from(t.dataSync()));
      assert.deepEqual(flat(loaded), flat(model));
    });
  });
  it("inside a LossScaleOptimizer: Keras's nested paths, and a .keras round trip", async () => {
    await inTempDir(async (dir) => {
      st.random.setSeed(5);
      const model = twoDense();
      const sgd = new SGD(0.01, { momentum: 0.5 });
      const adam = new Adam(0.001);
      const multi = new MultiOptimizer(new OptimizerMap(adam, { ".*dense_1/.*": sgd }));
      model.compile({ optimizer: new LossScaleOptimizer(multi, { initialScale: 4 }), loss: "mse" });
      await model.fit(st.ones([4, 1]), st.zeros([4, 1]), { epochs: 1, batchSize: 2, verbose: 0 });
      const path = join(dir, "lso.keras");
      await model.save(path);
      const h5 = readHdf5(new ZipReader(readFileSync(path)).read("model.weights.h5"));
      const count = (p: string) => h5.group(p).keys().length;
      const lso = model.compiled!.optimizer as LossScaleOptimizer;
      assert.equal(count("optimizer/vars"), lso.variables.length);
      assert.equal(count("optimizer/inner_optimizer/vars"), multi.variables.length);
      assert.equal(count("optimizer/inner_optimizer/optimizers/sgd/vars"), sgd.variables.length);
      assert.equal(count("optimizer/inner_optimizer/optimizers/adam/vars"), adam.variables.length);
      const loaded = await st.models.loadModel(path);
      const back = loaded.compiled!.optimizer as LossScaleOptimizer;
      assert.ok(back.innerOptimizer instanceof MultiOptimizer);
      assert.equal(back.innerOptimizer.iterations, 2);
      back.variables.forEach((variable, i) =>
        assert.deepEqual(vals(variable), vals(lso.variables[i]!)),
      );
    });
  });
});
