/**
 * Keras's custom-object registry (keras/src/saving/object_registration.py) and its use by every
 * deserializer: registered names "package>name", lookup precedence, scopes, and round trips of
 * registered layers, activations, initializers, regularizers, constraints, losses, metrics and
 * optimizers through configs and `.keras` files.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { unregisterCustomObjects } from "../../src/nn/object-registration.js";
import { assertClose } from "../helpers.js";

const {
  registerKerasSerializable,
  getRegisteredName,
  getRegisteredObject,
  getCustomObjects,
  CustomObjectScope,
  customObjectScope,
} = st.saving;

type Json = Record<string, unknown>;
const json = (x: unknown): Json => JSON.parse(JSON.stringify(x)) as Json;
const registeredHere = new Set<unknown>();
function register<T>(obj: T, pkg?: string, name?: string): T {
  registeredHere.add(obj);
  return registerKerasSerializable({ package: pkg, name })(obj);
}
afterEach(() => unregisterCustomObjects((obj) => registeredHere.has(obj)));

class Scale extends st.layers.Layer {
  readonly factor: number;
  constructor(factor: number, args: st.layers.LayerArgs = {}) {
    super(args);
    this.factor = factor;
  }
  call(x: Tensor): Tensor {
    return st.ops.multiply(x, this.factor);
  }
  override getConfig(): Json {
    return { ...super.getConfig(), factor: this.factor };
  }
  static fromConfig(config: Json): Scale {
    return new Scale(config.factor as number, { name: config.name as string });
  }
}

describe("registerKerasSerializable, as Keras's object_registration", () => {
  it("registers under package>name, 'Custom' and the object's own name by default", () => {
    function myAct(x: Tensor): Tensor {
      return st.ops.relu(x);
    }
    register(Scale, "my_package");
    register(myAct);
    assert.equal(getRegisteredName(Scale), "my_package>Scale");
    assert.equal(getRegisteredObject("my_package>Scale"), Scale);
    assert.equal(getRegisteredName(myAct), "Custom>myAct");
    assert.equal(getCustomObjects()["Custom>myAct"], myAct);
    // Keras's positional package argument, and an explicit name.
    class Other extends Scale {}
    registeredHere.add(Other);
    registerKerasSerializable("pkg", "renamed")(Other);
    assert.equal(getRegisteredName(Other), "pkg>renamed");
    // Not registered: the object's own name; unknown names: undefined (Keras's None).
    class Plain {}
    assert.equal(getRegisteredName(Plain), "Plain");
    assert.equal(getRegisteredObject("Custom>Nothing"), undefined);
  });

  it("refuses a class without getConfig and an anonymous function without a name", () => {
    class NoConfig {}
    assert.throws(() => registerKerasSerializable()(NoConfig), /does not have a getConfig/);
    assert.throws(() => registerKerasSerializable()(() => 1), /anonymous function needs a name/);
  });

  it("overwrites on a second registration; the last name given to an object is written", () => {
    class A extends Scale {}
    class B extends Scale {}
    register(A, "p", "X");
    register(B, "p", "X");
    assert.equal(getRegisteredObject("p>X"), B);
    register(A, "q");
    assert.equal(getRegisteredName(A), "q>A");
  });

  it("works as a TypeScript class decorator", () => {
    const decorate = registerKerasSerializable({ package: "deco" });
    const Decorated = decorate(class Decorated extends Scale {}, { kind: "class" });
    registeredHere.add(Decorated);
    assert.equal(getRegisteredName(Decorated), "deco>Decorated");
  });
});

describe("getRegisteredObject and CustomObjectScope", () => {
  it("looks in the scope, then the registry, then customObjects, then moduleObjects", () => {
    const a = () => 1;
    const b = () => 2;
    const c = () => 3;
    const d = () => 4;
    register(b, "P", "name");
    assert.equal(getRegisteredObject("P>name", { "P>name": c }, { "P>name": d }), b);
    assert.equal(getRegisteredObject("k", { k: c }, { k: d }), c);
    assert.equal(getRegisteredObject("k", null, { k: d }), d);
    customObjectScope({ "P>name": a }, () => {
      assert.equal(getRegisteredObject("P>name"), a);
      // Scope objects are not in the global dictionary.
      assert.equal(getCustomObjects()["P>name"], b);
    });
    assert.equal(getRegisteredObject("P>name"), b);
  });

  it("an inner scope replaces the outer one (Keras sets, not merges, the scope dict)", () => {
    const f = () => 1;
    const g = () => 2;
    const outer = new CustomObjectScope({ f }).enter();
    try {
      assert.equal(getRegisteredObject("f"), f);
      new CustomObjectScope({ g }).run(() => {
        assert.equal(getRegisteredObject("g"), g);
        assert.equal(getRegisteredObject("f"), undefined);
      });
      assert.equal(getRegisteredObject("f"), f);
      assert.equal(getRegisteredObject("g"), undefined);
    } finally {
      outer.exit();
    }
    assert.equal(getRegisteredObject("f"), undefined);
  });

  it("holds an async scope until its promise settles, and exits on errors", async () => {
    const f = () => 1;
    const seen = await customObjectScope({ f }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return getRegisteredObject("f");
    });
    assert.equal(seen, f);
    assert.equal(getRegisteredObject("f"), undefined);
    assert.throws(() =>
      customObjectScope({ f }, () => {
        throw new Error("boom");
      }),
    );
    assert.equal(getRegisteredObject("f"), undefined);
  });

  it("makes an unregistered custom layer loadable from a config (Keras's docstring example)", () => {
    const x = st.Input({ shape: [2] });
    const model = new st.Model({ inputs: x, outputs: new Scale(2, { name: "s" }).apply(x) });
    const config = json(model.getConfig());
    assert.throws(() => st.Model.fromConfig(structuredClone(config)), /Scale/);
    const copy = customObjectScope({ Scale }, () => st.Model.fromConfig(structuredClone(config)));
    assertClose(copy.predictOnBatch(st.tensor([[1, 2]])) as Tensor, [[2, 4]]);
  });
});

describe("registered custom objects of every family round-trip through a .keras file", () => {
  const dir = mkdtempSync(join(tmpdir(), "strata-registration-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("layer, activation, initializer, regularizer, constraint, loss, metric and optimizer", async () => {
    function cube(x: st.TensorLike): Tensor {
      return st.ops.multiply(st.ops.multiply(x, x), x);
    }
    class HalfInit extends st.initializers.Initializer {
      readonly value: number;
      constructor(config: { value?: number } = {}) {
        super();
        this.value = config.value ?? 0.5;
      }
      apply(shape: readonly number[]): Tensor {
        return st.full([...shape], this.value);
      }
      getConfig(): Json {
        return { value: this.value };
      }
    }
    class SumSquares extends st.regularizers.Regularizer {
      constructor(readonly config: { factor?: number } = {}) {
        super();
      }
      apply(w: Tensor): Tensor {
        return st.ops.multiply(st.ops.sum(st.ops.square(w)), this.config.factor ?? 0.1);
      }
      getConfig(): Json {
        return { factor: this.config.factor ?? 0.1 };
      }
    }
    class ClipOne extends st.constraints.Constraint {
      apply(w: Tensor): Tensor {
        return st.ops.clip(w, -1, 1);
      }
      getConfig(): Json {
        return {};
      }
    }
    class ModifiedMeanSquaredError extends st.losses.MeanSquaredError {}
    function meanDiff(yTrue: Tensor, yPred: Tensor): Tensor {
      return st.ops.mean(st.ops.subtract(yPred, yTrue), -1);
    }
    class MyAdam extends st.optimizers.Adam {}
    register(Scale, "my_layers");
    register(cube);
    register(HalfInit);
    register(SumSquares);
    register(ClipOne);
    register(ModifiedMeanSquaredError, "my_package");
    register(meanDiff);
    register(MyAdam);

    const x = st.Input({ shape: [2] });
    const dense = new st.layers.Dense(1, {
      activation: cube,
      kernelInitializer: new HalfInit({ value: 0.25 }),
      kernelRegularizer: new SumSquares({ factor: 0.5 }),
      kernelConstraint: new ClipOne(),
    });
    const model = new st.Model({
      inputs: x,
      outputs: new Scale(3, { name: "scale" }).apply(dense.apply(x)),
    });
    model.compile({
      optimizer: new MyAdam(),
      loss: new ModifiedMeanSquaredError(),
      metrics: [meanDiff],
    });
    const config = json(st.saving.serializeKerasObject(model));
    const layersList = (config.config as { layers: Json[] }).layers;
    const denseEntry = layersList.find((l) => l.class_name === "Dense")!.config as Json;
    // Keras's forms: a registered function as {class_name: "function", config: "pkg>name"},
    // a registered class with its registered_name.
    assert.deepEqual(denseEntry.activation, {
      module: "builtins",
      class_name: "function",
      config: "Custom>cube",
      registered_name: "function",
    });
    assert.equal((denseEntry.kernel_initializer as Json).registered_name, "Custom>HalfInit");
    assert.equal((denseEntry.kernel_regularizer as Json).registered_name, "Custom>SumSquares");
    assert.equal((denseEntry.kernel_constraint as Json).registered_name, "Custom>ClipOne");
    assert.equal(
      layersList.find((l) => l.class_name === "Scale")!.registered_name,
      "my_layers>Scale",
    );
    const compile = config.compile_config as Json;
    assert.equal((compile.optimizer as Json).registered_name, "Custom>MyAdam");
    assert.equal((compile.loss as Json).registered_name, "my_package>ModifiedMeanSquaredError");

    const path = join(dir, "custom.keras");
    await model.save(path);
    const loaded = await st.models.loadModel(path);
    const input = st.tensor([
      [1, 2],
      [-1, 0.5],
    ]);
    // 3 · (0.25·(a + b))³, by hand: [3·0.75³, 3·(-0.125)³]
    assertClose(loaded.predictOnBatch(input) as Tensor, [[3 * 0.75 ** 3], [3 * (-0.125) ** 3]]);
    assertClose(loaded.predictOnBatch(input) as Tensor, model.predictOnBatch(input) as Tensor);
    const loadedDense = loaded.layers.find((l) => l instanceof st.layers.Dense) as unknown as {
      activation: unknown;
      kernelInitializer: unknown;
      kernelRegularizer: unknown;
      kernelConstraint: unknown;
    };
    assert.equal(loadedDense.activation, cube);
    assert.ok(loaded.layers.some((l) => l instanceof Scale));
    assert.ok(loaded.optimizer instanceof MyAdam);
    // The regularizer is live: the loss includes 0.5 · Σ w² = 0.5 · 2 · 0.25² = 0.0625.
    const y = st.tensor([[0], [0]]);
    const logs = await loaded.evaluate(input, y, { verbose: 0 });
    const pred = (loaded.predictOnBatch(input) as Tensor).dataSync();
    const mse = (pred[0]! ** 2 + pred[1]! ** 2) / 2;
    assert.ok(Math.abs(((logs as Json).loss as number) - (mse + 0.0625)) < 1e-5);
    assert.ok(Math.abs(((logs as Json).mean_diff as number) - (pred[0]! + pred[1]!) / 2) < 1e-5);
  });
});

describe("serializeKerasObject / deserializeKerasObject", () => {
  const { serializeKerasObject, deserializeKerasObject } = st.saving;

  it("reads Keras's docstring Adam dictionary to an Adam", () => {
    const adam = deserializeKerasObject({
      class_name: "Adam",
      config: {
        amsgrad: false,
        beta_1: 0.8999999761581421,
        beta_2: 0.9990000128746033,
        epsilon: 1e-7,
        learning_rate: 0.0010000000474974513,
        name: "Adam",
      },
      module: "keras.optimizers",
      registered_name: null,
    });
    assert.ok(adam instanceof st.optimizers.Adam);
    assert.ok(Math.abs((adam.getConfig().beta_1 as number) - 0.9) < 1e-7);
  });

  it("reads Keras's docstring registered loss by its registered name", () => {
    class ModifiedMeanSquaredError extends st.losses.MeanSquaredError {}
    register(ModifiedMeanSquaredError, "my_package");
    const loss = deserializeKerasObject({
      class_name: "ModifiedMeanSquaredError",
      config: { name: "mean_squared_error", reduction: "sum_over_batch_size" },
      registered_name: "my_package>ModifiedMeanSquaredError",
    });
    assert.ok(loss instanceof ModifiedMeanSquaredError);
  });

  it("passes plain values through, item by item, and tensors as __tensor__", () => {
    const value = { a: [1, "two", null, true], b: { c: 3 } };
    assert.deepEqual(serializeKerasObject(value), value);
    assert.deepEqual(deserializeKerasObject(value), value);
    const t = st.tensor([[1, 2]], undefined, "int32");
    const s = serializeKerasObject(t);
    assert.deepEqual(s, { class_name: "__tensor__", config: { value: [[1, 2]], dtype: "int32" } });
    const back = deserializeKerasObject(json(s)) as Tensor;
    assert.equal(back.dtype, "int32");
    assert.deepEqual(back.toArray(), [[1, 2]]);
  });

  it("writes built-in functions by Keras name and finds them again", () => {
    const s = serializeKerasObject(st.activations.relu);
    assert.deepEqual(s, {
      module: "builtins",
      class_name: "function",
      config: "relu",
      registered_name: "function",
    });
    assert.equal(deserializeKerasObject(s), st.activations.relu);
    assert.equal(
      deserializeKerasObject({
        module: "keras.activations",
        class_name: "function",
        config: "tanh",
      }),
      st.activations.tanh,
    );
  });

  it("finds a function saved by bare name (Keras <= 3.6) under its registered name", () => {
    function myFn(x: Tensor): Tensor {
      return x;
    }
    register(myFn, "pkg");
    assert.equal(
      deserializeKerasObject({ module: "builtins", class_name: "function", config: "myFn" }),
      myFn,
    );
    // A name that is a custom object's key gives the object (legacy formats).
    assert.equal(deserializeKerasObject("pkg>myFn"), myFn);
  });

  it("round-trips a registered plain class through getConfig / fromConfig", () => {
    class Thing {
      constructor(readonly config: { size: number }) {}
      getConfig(): Json {
        return { size: this.config.size };
      }
      static fromConfig(config: Json): Thing {
        return new Thing({ size: (config.size as number) * 1 });
      }
    }
    register(Thing, "things");
    const s = json(serializeKerasObject(new Thing({ size: 4 })));
    assert.deepEqual(s, {
      module: null,
      class_name: "Thing",
      config: { size: 4 },
      registered_name: "things>Thing",
    });
    const back = deserializeKerasObject(s) as Thing;
    assert.ok(back instanceof Thing);
    assert.equal(back.config.size, 4);
  });

  it("refuses lambdas and names classes it cannot locate", () => {
    assert.throws(
      () => deserializeKerasObject({ class_name: "__lambda__", config: { value: "..." } }),
      /lambda/,
    );
    assert.throws(
      () =>
        deserializeKerasObject({
          module: null,
          class_name: "Unknown",
          config: {},
          registered_name: "Custom>Unknown",
        }),
      /could not locate class 'Unknown'/,
    );
    assert.throws(
      () => deserializeKerasObject({ module: "builtins", class_name: "function", config: "nope" }),
      /could not locate function 'nope'/,
    );
  });

  it("rebuilds a layer with its build config, and a custom layer through customObjects", () => {
    const d = new st.layers.Dense(2);
    d.apply(st.zeros([1, 3]));
    const copy = deserializeKerasObject(json(serializeKerasObject(d))) as st.layers.Layer;
    assert.ok(copy instanceof st.layers.Dense && copy.built);
    const s = json(serializeKerasObject(new Scale(5, { name: "s5" })));
    assert.equal(s.registered_name, "Scale");
    const scale = deserializeKerasObject(s, { Scale }) as Scale;
    assert.equal(scale.factor, 5);
  });
});
