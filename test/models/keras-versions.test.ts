/**
 * Model files in the layouts Keras versions before 3.16 wrote (test/fixtures/keras-versions,
 * built by make_fixtures.py with h5py and NumPy, no Keras): each loads with loadModel, predicts
 * what NumPy computed in float64 from the same weights, and compiles with its optimizer state
 * where the format allows it. Also checks every alias Keras 3's deserializers resolve (the
 * ALL_OBJECTS_DICT tables of keras/src/{initializers,regularizers,constraints,activations,
 * losses,metrics,optimizers}/__init__.py) against the class Keras maps it to.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { StrataError } from "../../src/errors.js";
import { assertClose } from "../helpers.js";
import { inTempDir } from "../keras-fixtures.js";
import { encodeZip } from "../../src/io/zip-write.js";
import { ZipReader } from "../../src/io/zip.js";
import * as initializers from "../../src/nn/initializers.js";
import * as regularizers from "../../src/nn/regularizers.js";
import * as constraints from "../../src/nn/constraints.js";

const DIR = new URL("../fixtures/keras-versions/", import.meta.url).pathname;
const expected = JSON.parse(readFileSync(`${DIR}/expected.json`, "utf8")) as Record<
  string,
  Record<string, unknown>
>;
const TOL = { atol: 2e-5, rtol: 1e-4 };
const m2 = (x: unknown) => st.tensor(x as number[][]);

/** Runs `fn` with console.warn captured; returns what was warned. */
async function warnings(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const original = console.warn;
  console.warn = (...args: unknown[]) => void seen.push(args.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.warn = original;
  }
  return seen;
}

describe("Keras 2.1: a Sequential config stored as a bare list, SGD with lr and decay", () => {
  const e = expected.keras21_sequential!;

  it("loads, predicts as NumPy, and keeps Keras 2's decayed learning rate", async () => {
    let model!: st.Model;
    const warned = await warnings(async () => {
      model = await st.models.loadModel(`${DIR}/keras21_sequential.h5`);
    });
    assert.deepEqual(warned, []);
    assert.deepEqual(
      model.layers.map((l) => l.name),
      ["dense_1", "dropout_1", "dense_2"],
    );
    assertClose(model.predictOnBatch(m2(e.x)) as st.Tensor, e.y as number[][], TOL);
    const opt = model.compiled!.optimizer;
    assert.equal(opt.constructor.name, "SGD");
    // SGD keeps one slot per variable, so Keras 2's [iterations, moments…] restores.
    assert.equal(opt.iterations, e.iterations);
    const moment = opt.variables.at(-1)!;
    assertClose(moment.value, e.moment3 as number[], { atol: 0, rtol: 0 });
    // Keras 2's decay: lr / (1 + decay · iterations).
    const lr = 0.009999999776482582 / (1 + 0.0010000000474974513 * 120);
    assert.ok(Math.abs(opt.currentLearningRate - lr) < 1e-9, `${opt.currentLearningRate} vs ${lr}`);
  });
});

describe("the upgrade of older configs", () => {
  it("copies only plain data: a Layer put in a config by hand stays that layer", () => {
    const dense = new st.layers.Dense(2);
    const model = st.models.modelFromConfig({
      class_name: "Sequential",
      config: {
        name: "s",
        layers: [{ class_name: "InputLayer", config: { batch_shape: [null, 3] } }, dense],
      },
    });
    assert.ok(model.layers.includes(dense));
  });
});

describe("a legacy .h5 with a layer class Strata does not know", () => {
  it("names the class and the file", async () => {
    await assert.rejects(st.models.loadModel(`${DIR}/keras21_unknown_class.h5`), (err: Error) => {
      assert.ok(err instanceof StrataError);
      assert.match(err.message, /keras21_unknown_class\.h5 model_config/);
      assert.match(err.message, /unknown layer class "AttentionWithContext"/);
      assert.match(err.message, /customObjects/);
      return true;
    });
  });
});

const ADAM_FILES = {
  // tf.keras 2.11+: "Custom>Adam", state as iteration, then m and v interleaved per variable.
  tfkeras212_adam: "tf.keras 2.12 legacy .h5: Custom>Adam and its optimizer_weights",
  // optimizer_v2: state as iter, every variable's m, then every v (Adam/dense/kernel/m:0 …).
  tfkeras29_adam: "tf.keras 2.9 legacy .h5: optimizer_v2 Adam and its kind-by-kind weights",
  // Keras 2.2: a bare-list config, `lr`, and [iterations, ms, vs, vhats] named Variable_<i>.
  keras22_adam: "Keras 2.2 legacy .h5: Adam with lr, its state under uninformative names",
};
for (const [stem, title] of Object.entries(ADAM_FILES))
  describe(title, () => {
    const e = expected[stem]!;

    it("compiles Adam from the registered name and restores its state; a step matches NumPy", async () => {
      const model = await st.models.loadModel(`${DIR}/${stem}.h5`);
      assertClose(model.predictOnBatch(m2(e.x)) as st.Tensor, e.y as number[][], TOL);
      const opt = model.compiled!.optimizer;
      assert.equal(opt.constructor.name, "Adam");
      assert.ok(Math.abs(opt.currentLearningRate - 0.0005) < 1e-9);
      assert.equal(opt.iterations, e.iterations);
      // Adam's first slot is the kernel's momentum (tf.keras 2.11+ interleaves m and v).
      const momentum = opt.variables.find((v) => v.name.endsWith("_momentum"))!;
      assertClose(momentum.value, e.momentum0 as number[][], { atol: 0, rtol: 0 });
      model.trainOnBatch(m2(e.x), m2(e.target));
      const after = e.after_step as number[][];
      model.trainableWeights.forEach((w, i) =>
        assertClose(w.value, after[i] as never, { atol: 1e-6, rtol: 1e-5 }),
      );
      assert.equal(opt.iterations, (e.iterations as number) + 1);
    });

    it("compiles with the metrics tf.keras stored per output as MeanMetricWrapper", async () => {
      const model = await st.models.loadModel(`${DIR}/${stem}.h5`);
      const logs = model.testOnBatch(m2(e.x), m2(e.target)) as Record<string, number>;
      const yPred = e.y as number[][];
      const target = e.target as number[][];
      let mae = 0;
      let mse = 0;
      yPred.forEach((row, i) =>
        row.forEach((p, j) => {
          mae += Math.abs(p - target[i]![j]!);
          mse += (p - target[i]![j]!) ** 2;
        }),
      );
      const n = yPred.length * yPred[0]!.length;
      assert.ok(Math.abs(logs.loss! - mse / n) < 1e-5, `loss ${logs.loss} vs ${mse / n}`);
      assert.ok(Math.abs(logs.mae! - mae / n) < 1e-5, `mae ${logs.mae} vs ${mae / n}`);
    });
  });

describe("Keras 3.0–3.15 names and Keras 3's aliases in a .keras archive", () => {
  const e = expected.keras3_aliases!;

  it("resolves OrthogonalInitializer, snake_case classes and string shortcuts", async () => {
    const model = await st.models.loadModel(`${DIR}/keras3_aliases.keras`);
    assertClose(model.predictOnBatch(m2(e.x)) as st.Tensor, e.y as number[][], TOL);
    const [d1, d2] = model.layers.filter((l) => l instanceof st.layers.Dense) as st.layers.Dense[];
    const cfg1 = d1!.getConfig() as Record<string, { class_name: string; config: never }>;
    const cfg2 = d2!.getConfig() as Record<string, { class_name: string; config: never }>;
    assert.equal(cfg1.kernel_initializer!.class_name, "Orthogonal");
    assert.equal(cfg1.bias_initializer!.class_name, "Zeros");
    assert.equal(cfg1.kernel_regularizer!.class_name, "L1L2");
    assert.deepEqual(cfg1.kernel_regularizer!.config, { l1: 0, l2: 0.001 });
    assert.equal(cfg1.bias_regularizer!.class_name, "L1L2");
    assert.equal(cfg1.kernel_constraint!.class_name, "UnitNorm");
    assert.equal(cfg1.bias_constraint!.class_name, "MaxNorm");
    assert.equal(cfg2.kernel_initializer!.class_name, "GlorotUniform");
    assert.equal(cfg2.bias_initializer!.class_name, "Ones");
    assert.equal(cfg2.activity_regularizer!.class_name, "L2");
    assert.equal(String(cfg1.activation), "silu");
    assert.equal(String(cfg2.activation), "hard_silu");
    const compiled = model.compiled!;
    assert.equal(compiled.optimizer.constructor.name, "Adam");
    assert.equal(compiled.losses[0]!.constructor.name, "MeanSquaredError");
  });

  it("names an unknown class and the file", async () => {
    await inTempDir(async (dir) => {
      const zip = new ZipReader(readFileSync(`${DIR}/keras3_aliases.keras`));
      const config = JSON.parse(new TextDecoder().decode(zip.read("config.json"))) as {
        config: { layers: { class_name: string }[] };
      };
      config.config.layers[1]!.class_name = "FancyDense";
      const path = `${dir}/unknown.keras`;
      const members = ["metadata.json", "config.json", "model.weights.h5"].map(
        (name): [string, Uint8Array] => [
          name,
          name === "config.json"
            ? new TextEncoder().encode(JSON.stringify(config))
            : zip.read(name),
        ],
      );
      writeFileSync(path, encodeZip(members));
      await assert.rejects(st.models.loadModel(path), (err: Error) => {
        assert.ok(err instanceof StrataError);
        assert.match(err.message, /unknown\.keras\/config\.json/);
        assert.match(err.message, /unknown layer class "FancyDense"/);
        return true;
      });
    });
  });
});

describe("tf.keras functional models calling a nested model", () => {
  const e = expected.tfkeras_nested!;

  const check = (model: st.Model) => {
    const [y, inner] = model.predictOnBatch([m2(e.a), m2(e.b)]) as st.Tensor[];
    assertClose(y!, e.y as number[][], TOL);
    assertClose(inner!, e.inner_b as number[][], TOL);
  };

  it("tf.keras 2.14 .keras: weights under _layer_checkpoint_dependencies, Adam state restored", async () => {
    const model = await st.models.loadModel(`${DIR}/tfkeras214_nested.keras`);
    check(model);
    const opt = model.compiled!.optimizer;
    assert.equal(opt.constructor.name, "Adam");
    assert.equal(opt.iterations, e.iterations);
    const momentum = opt.variables.find((v) => v.name.endsWith("_momentum"))!;
    assertClose(momentum.value, e.momentum_first as number[][], { atol: 0, rtol: 0 });
  });

  it("tf.keras 2.12 legacy .h5: node indices counted from the nested model's own node", async () => {
    const model = await st.models.loadModel(`${DIR}/tfkeras212_nested.h5`, { compile: false });
    check(model);
    // The model round-trips through Keras 3's format.
    await inTempDir(async (dir) => {
      await model.save(`${dir}/again.keras`);
      check(await st.models.loadModel(`${dir}/again.keras`));
    });
  });
});

describe("tf.keras 2.13 .keras: a Sequential model compiled with RMSprop", () => {
  const e = expected.tfkeras213_sequential!;

  it("loads the weights under _layer_checkpoint_dependencies and the new RMSprop's state", async () => {
    let model!: st.Model;
    const warned = await warnings(async () => {
      model = await st.models.loadModel(`${DIR}/tfkeras213_sequential.keras`);
    });
    assert.deepEqual(warned, []);
    assertClose(model.predictOnBatch(m2(e.x)) as st.Tensor, e.y as number[][], TOL);
    const compiled = model.compiled!;
    assert.equal(compiled.losses[0]!.constructor.name, "CategoricalCrossentropy");
    const opt = compiled.optimizer;
    assert.equal(opt.constructor.name, "RMSprop");
    assert.equal(opt.iterations, e.iterations);
    const slot = (suffix: string, i: number) =>
      opt.variables.filter((v) => v.name.endsWith(suffix))[i]!.value;
    assertClose(slot("_velocity", 0), e.velocity_first as number[][], { atol: 0, rtol: 0 });
    assertClose(slot("_momentum", 5), e.momentum_last as number[], { atol: 0, rtol: 0 });
    assertClose(slot("_average_gradient", 2), e.average_gamma as number[], { atol: 0, rtol: 0 });
  });
});

describe("Keras 2.2: a functional model calling a nested bare-list Sequential", () => {
  const e = expected.keras22_nested_sequential!;

  it("counts the nested Sequential's calls from its own node, and predicts as NumPy", async () => {
    const model = await st.models.loadModel(`${DIR}/keras22_nested_sequential.h5`);
    const [y, inner] = model.predictOnBatch(m2(e.x)) as st.Tensor[];
    assertClose(y!, e.y as number[][], TOL);
    assertClose(inner!, e.inner as number[][], TOL);
    assert.deepEqual(
      model.layers.map((l) => l.name),
      ["input_1", "sequential_1", "dense_3"],
    );
  });
});

describe("Keras 3's aliases, module by module", () => {
  it("initializers: class names, snake_case names and the compatibility aliases", () => {
    const table: Record<string, string> = {
      Constant: "Constant",
      Identity: "Identity",
      Ones: "Ones",
      Zeros: "Zeros",
      GlorotNormal: "GlorotNormal",
      GlorotUniform: "GlorotUniform",
      HeNormal: "HeNormal",
      HeUniform: "HeUniform",
      LecunNormal: "LecunNormal",
      LecunUniform: "LecunUniform",
      Orthogonal: "Orthogonal",
      RandomNormal: "RandomNormal",
      RandomUniform: "RandomUniform",
      TruncatedNormal: "TruncatedNormal",
      VarianceScaling: "VarianceScaling",
      constant: "Constant",
      identity: "Identity",
      ones: "Ones",
      zeros: "Zeros",
      glorot_normal: "GlorotNormal",
      glorot_uniform: "GlorotUniform",
      he_normal: "HeNormal",
      he_uniform: "HeUniform",
      lecun_normal: "LecunNormal",
      lecun_uniform: "LecunUniform",
      orthogonal: "Orthogonal",
      random_normal: "RandomNormal",
      random_uniform: "RandomUniform",
      truncated_normal: "TruncatedNormal",
      variance_scaling: "VarianceScaling",
      IdentityInitializer: "Identity",
      OrthogonalInitializer: "Orthogonal",
      normal: "RandomNormal",
      uniform: "RandomUniform",
      one: "Ones",
      zero: "Zeros",
    };
    for (const [name, cls] of Object.entries(table)) {
      assert.equal(initializers.get(name).constructor.name, cls, name);
      const config = name === "Constant" || name === "constant" ? { value: 2 } : {};
      const fromConfig = initializers.deserialize({ class_name: name, config });
      assert.equal(fromConfig.constructor.name, cls, `${name} as a config`);
    }
    // A config's arguments reach the class under every name.
    const c = initializers.deserialize({ class_name: "constant", config: { value: 2 } });
    assertClose(c.apply([2]), [2, 2]);
  });

  it("regularizers and constraints: class names and snake_case names", () => {
    const regs: Record<string, string> = {
      L1: "L1",
      L2: "L2",
      L1L2: "L1L2",
      OrthogonalRegularizer: "OrthogonalRegularizer",
      l1: "L1",
      l2: "L2",
      l1l2: "L1L2",
      orthogonal_regularizer: "OrthogonalRegularizer",
    };
    for (const [name, cls] of Object.entries(regs)) {
      assert.equal(regularizers.get(name)!.constructor.name, cls, name);
      assert.equal(
        regularizers.deserialize({ class_name: name, config: {} }).constructor.name,
        cls,
      );
    }
    const l2 = regularizers.deserialize({ class_name: "l2", config: { l2: 0.5 } });
    assertClose(l2.apply(st.tensor([1, 2])), 0.5 * 5);
    const cons: Record<string, string> = {
      MaxNorm: "MaxNorm",
      MinMaxNorm: "MinMaxNorm",
      NonNeg: "NonNeg",
      UnitNorm: "UnitNorm",
      max_norm: "MaxNorm",
      min_max_norm: "MinMaxNorm",
      non_neg: "NonNeg",
      unit_norm: "UnitNorm",
    };
    for (const [name, cls] of Object.entries(cons)) {
      assert.equal(constraints.get(name)!.constructor.name, cls, name);
      assert.equal(constraints.deserialize({ class_name: name, config: {} }).constructor.name, cls);
    }
  });

  it("activations: every name in Keras 3's table, swish and hard_swish included", () => {
    const names =
      "relu leaky_relu relu6 softmax celu elu selu softplus softsign squareplus soft_shrink " +
      "sparse_plus silu gelu glu tanh tanh_shrink threshold sigmoid sparse_sigmoid exponential " +
      "hard_sigmoid hard_silu hard_tanh hard_shrink linear mish log_softmax log_sigmoid sparsemax";
    const missing = names.split(" ").filter((n) => {
      try {
        return typeof st.activations.get(n) !== "function";
      } catch {
        return true;
      }
    });
    assert.deepEqual(missing, []);
    const x = st.tensor([-2, 0.5, 3]);
    const swish = st.activations.get("swish")(x).dataSync();
    [-2, 0.5, 3].forEach((v, i) => assert.ok(Math.abs(swish[i]! - v / (1 + Math.exp(-v))) < 1e-6));
    const hs = st.activations.get("hard_swish")(x).dataSync();
    [-2, 0.5, 3].forEach((v, i) =>
      assert.ok(Math.abs(hs[i]! - v * Math.min(1, Math.max(0, v / 6 + 0.5))) < 1e-6),
    );
  });

  it("losses, metrics and optimizers: Keras 3's shortcuts", () => {
    const losses: Record<string, string> = {
      bce: "binaryCrossentropy",
      BCE: "binaryCrossentropy",
      kld: "klDivergence",
      KLD: "klDivergence",
      mae: "meanAbsoluteError",
      MAE: "meanAbsoluteError",
      mse: "meanSquaredError",
      MSE: "meanSquaredError",
      mape: "meanAbsolutePercentageError",
      MAPE: "meanAbsolutePercentageError",
      msle: "meanSquaredLogarithmicError",
      MSLE: "meanSquaredLogarithmicError",
    };
    const yTrue = st.tensor([[0.2, 0.7]]);
    const yPred = st.tensor([[0.3, 0.6]]);
    for (const [name, fn] of Object.entries(losses)) {
      const loss = st.losses.get(name)!;
      const reference = (
        st.losses as unknown as Record<string, (a: st.Tensor, b: st.Tensor) => st.Tensor>
      )[fn]!;
      assertClose(loss.apply(yTrue, yPred), reference(yTrue, yPred).mean(), { atol: 1e-6 });
    }
    const metrics: Record<string, string> = {
      bce: "BinaryCrossentropy",
      BCE: "BinaryCrossentropy",
      mse: "MeanSquaredError",
      MSE: "MeanSquaredError",
      mae: "MeanAbsoluteError",
      MAE: "MeanAbsoluteError",
      mape: "MeanAbsolutePercentageError",
      MAPE: "MeanAbsolutePercentageError",
      msle: "MeanSquaredLogarithmicError",
      MSLE: "MeanSquaredLogarithmicError",
      mean_squared_error: "MeanSquaredError",
      binary_accuracy: "BinaryAccuracy",
      auc: "AUC",
    };
    for (const [name, cls] of Object.entries(metrics)) {
      assert.equal(st.metrics.get(name)!.constructor.name, cls, name);
    }
    // As class names of serialized configs: Keras 3's ALL_OBJECTS_DICT holds the same names.
    for (const [name, fn] of Object.entries(losses)) {
      const loss = st.losses.deserialize({ class_name: name, config: {} } as never);
      const reference = (
        st.losses as unknown as Record<string, (a: st.Tensor, b: st.Tensor) => st.Tensor>
      )[fn]!;
      assertClose(loss.apply(yTrue, yPred), reference(yTrue, yPred).mean(), { atol: 1e-6 });
    }
    for (const [name, cls] of Object.entries(metrics)) {
      const metric = st.metrics.deserialize({ class_name: name, config: { name: "m" } } as never);
      assert.equal(metric.constructor.name, cls, `${name} as a config`);
      assert.equal(metric.name, "m", "the config reaches the class");
    }
    for (const name of ["adam", "Adam", "ADAM", "sgd", "rmsprop", "RMSprop", "adamw", "nadam"]) {
      const opt = st.optimizers.get(name);
      assert.equal(opt.constructor.name.toLowerCase(), name.toLowerCase(), name);
    }
  });
});
