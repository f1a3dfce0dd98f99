import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { inflateRawSync } from "node:zlib";
import * as st from "../../src/index.js";
import { Input } from "../../src/layers/core/input.js";
import * as layers from "../../src/layers/index.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import {
  clearCustomLayers,
  deserializeLayer,
  kerasClassName,
  registerLayer,
  registeredLayerNames,
  serializeLayer,
} from "../../src/layers/registry.js";
import { modelFromConfig, modelFromJson } from "../../src/models/saving/model-config.js";
import { Model } from "../../src/models/model.js";
import { Sequential } from "../../src/models/sequential.js";
import { assertClose } from "../helpers.js";
import { FIXTURES, haveFixtures, NAMES } from "../keras-fixtures.js";

type Json = Record<string, unknown>;
const json = (x: unknown): Json => JSON.parse(JSON.stringify(x)) as Json;

// ------------------------------------------------------------ the Keras 3.16 fixtures

/** One file of a zip archive (enough of the format for Keras's `.keras` files). */
function readZipEntry(path: string, name: string): Buffer {
  const zip = readFileSync(path);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  if (end < 0) throw new Error(`${path}: not a zip file`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16); // start of the central directory
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const skip = nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    if (zip.toString("utf8", at + 46, at + 46 + nameLength) === name) {
      const data = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
      const raw = zip.subarray(data, data + size);
      return method === 0 ? raw : inflateRawSync(raw);
    }
    at += 46 + skip;
  }
  throw new Error(`${path}: no ${name}`);
}

/**
 * Normalizations, each for something that cannot match:
 * - `shared_object_id`: Python object ids Keras adds where one object (the DTypePolicy) is
 *   serialized twice; they differ on every save.
 * - `compile_config.optimizer.module` / `registered_name`: Keras (torch backend) writes the
 *   backend's private module (`keras.src.backend.torch.optimizers.torch_adam`); we write the public
 *   `keras.optimizers`, which every Keras backend loads.
 */
function normalize(x: unknown, path = ""): unknown {
  if (Array.isArray(x)) return x.map((v) => normalize(v, path));
  if (x === null || typeof x !== "object") return x;
  const out: Json = {};
  for (const [k, v] of Object.entries(x)) {
    if (k === "shared_object_id") continue;
    const p = `${path}/${k}`;
    if (p === "/compile_config/optimizer") {
      out[k] = {
        ...(normalize(v, p) as Json),
        module: "<optimizer module>",
        registered_name: "<registered>",
      };
    } else out[k] = normalize(v, p);
  }
  return out;
}

if (!haveFixtures)
  console.log(`# skipped the Keras fixture round trips: no fixtures at ${FIXTURES}`);

describe(
  "Keras 3.16 fixtures: config round trips",
  { skip: haveFixtures ? false : `no fixtures at ${FIXTURES}` },
  () => {
    for (const name of NAMES) {
      it(`${name}: rebuilds from config.json and writes the same config back`, () => {
        const saved = JSON.parse(
          readZipEntry(`${FIXTURES}/${name}.keras`, "config.json").toString("utf8"),
        ) as Json;
        const expected = normalize(saved) as Json;
        // The model's own config, through the class's fromConfig …
        const cls = saved.class_name === "Sequential" ? Sequential : Model;
        const model = cls.fromConfig(structuredClone(saved.config) as Json);
        assert.deepEqual(json(model.getConfig()), expected.config);
        // … and the whole object (build_config, compile_config) through the registry.
        const full = modelFromConfig(structuredClone(saved));
        assert.ok(full.compiled, "compile_config compiles the model");
        assert.deepEqual(normalize(json(serializeLayer(full))), expected);
        // The rebuilt graph runs on inputs of the saved shapes and gives Keras's output shapes.
        const io = JSON.parse(readFileSync(`${FIXTURES}/${name}.io.json`, "utf8")) as {
          inputs: Record<string, { shape: number[]; dtype: st.DType }>;
          outputs: { shape: number[] }[];
        };
        const xs = Object.values(io.inputs).map((v) => st.zeros(v.shape, v.dtype));
        const out = full.predictOnBatch(xs.length === 1 ? xs[0]! : xs);
        const shapes = (Array.isArray(out) ? out : [out]).map((t) => t.shape);
        assert.deepEqual(
          shapes,
          io.outputs.map((o) => o.shape),
        );
      });
    }
  },
);

// ------------------------------------------------------------ models built in code

/** getConfig → fromConfig → getConfig is a fixed point, and with the same weights the same outputs. */
function roundTrip<M extends Model>(model: M, inputs: Tensor | Tensor[]): M {
  const config = json(model.getConfig());
  const copy = (model.constructor as typeof Model).fromConfig(structuredClone(config)) as M;
  assert.deepEqual(json(copy.getConfig()), config);
  copy.setWeights(model.getWeights());
  const a = model.predictOnBatch(inputs);
  const b = copy.predictOnBatch(inputs);
  const list = (o: typeof a) =>
    Array.isArray(o) ? o : o instanceof st.Tensor ? [o] : Object.values(o);
  const as = list(a);
  const bs = list(b);
  assert.equal(bs.length, as.length);
  as.forEach((t, i) => assertClose(bs[i]!, t));
  return copy;
}

type LayerEntry = {
  class_name: string;
  name: string;
  inbound_nodes: { args: unknown[]; kwargs: Json }[];
} & Json;
const entry = (config: Json, name: string): LayerEntry =>
  (config.layers as LayerEntry[]).find((l) => l.name === name)!;
const history = (t: unknown): unknown =>
  (t as { config: { keras_history: unknown } }).config.keras_history;

describe("functional model configs", () => {
  it("keeps dict inputs and outputs, keyed as given", () => {
    const a = Input({ shape: [3], name: "a" });
    const b = Input({ shape: [2], name: "b" });
    const h = new layers.Dense(4, { activation: "relu", name: "h" }).apply(
      new layers.Concatenate({ name: "cat" }).apply([a, b]),
    );
    const y1 = new layers.Dense(1, { name: "y1" }).apply(h);
    const y2 = new layers.Dense(2, { activation: "softmax", name: "y2" }).apply(h);
    const model = new Model({ inputs: { a, b }, outputs: { score: y1, probs: y2 }, name: "dicts" });
    const config = json(model.getConfig());
    assert.deepEqual(config.input_layers, { a: ["a", 0, 0], b: ["b", 0, 0] });
    assert.deepEqual(config.output_layers, { score: ["y1", 0, 0], probs: ["y2", 0, 0] });
    // A merge layer's list input is one positional argument holding the list.
    const cat = entry(config, "cat").inbound_nodes[0]!;
    assert.equal(cat.args.length, 1);
    assert.deepEqual((cat.args[0] as unknown[]).map(history), [
      ["a", 0, 0],
      ["b", 0, 0],
    ]);
    assert.deepEqual(cat.kwargs, {});
    const copy = roundTrip(model, [
      st.random.normal([2, 3], { seed: 1 }),
      st.random.normal([2, 2], { seed: 2 }),
    ]);
    assert.deepEqual(copy.outputNames, ["score", "probs"]);
  });

  it("numbers the calls of a shared layer, and replays a layer shared at several depths", () => {
    const x = Input({ shape: [4], name: "x" });
    const a = new layers.Dense(4, { activation: "tanh", name: "A" });
    const b = new layers.Dense(4, { name: "B" });
    const y = a.apply(b.apply(a.apply(x))); // A(B(A(x))): A's second call needs B's call
    const model = new Model({ inputs: x, outputs: y });
    const config = json(model.getConfig());
    const calls = entry(config, "A").inbound_nodes;
    assert.equal(calls.length, 2);
    assert.deepEqual(history(calls[1]!.args[0]), ["B", 0, 0]);
    assert.deepEqual(history(entry(config, "B").inbound_nodes[0]!.args[0]), ["A", 0, 0]);
    assert.deepEqual(config.output_layers, ["A", 1, 0]);
    // Keras's order: by depth from the output, then by first visit.
    assert.deepEqual(
      (config.layers as LayerEntry[]).map((l) => l.name),
      ["x", "A", "B"],
    );
    roundTrip(model, st.random.normal([3, 4], { seed: 3 }));
  });

  it("counts only the calls that belong to the model", () => {
    const shared = new layers.Dense(2, { name: "shared" });
    const other = Input({ shape: [3], name: "other" });
    shared.apply(other); // a call in another graph: call 0 of the layer, not part of the model
    const x = Input({ shape: [3], name: "x" });
    const model = new Model({
      inputs: x,
      outputs: new layers.Activation("relu", { name: "act" }).apply(shared.apply(x)),
    });
    const config = json(model.getConfig());
    assert.equal(entry(config, "shared").inbound_nodes.length, 1);
    assert.deepEqual(history(entry(config, "act").inbound_nodes[0]!.args[0]), ["shared", 0, 0]);
    roundTrip(model, st.random.normal([2, 3], { seed: 4 }));
  });

  it("nests a Sequential model and a functional model", () => {
    const inner = new Sequential(
      [Input({ shape: [4] }), new layers.Dense(3, { activation: "relu" })],
      { name: "inner_seq" },
    );
    const fin = Input({ shape: [3], name: "fin" });
    const innerFn = new Model({
      inputs: fin,
      outputs: new layers.Dense(2, { name: "fdense" }).apply(fin),
      name: "inner_fn",
    });
    const x = Input({ shape: [4], name: "x" });
    const model = new Model({ inputs: x, outputs: innerFn.apply(inner.apply(x)), name: "outer" });
    const config = json(model.getConfig());
    const seq = entry(config, "inner_seq");
    assert.equal(seq.class_name, "Sequential");
    assert.equal(seq.module, "keras");
    assert.deepEqual(seq.build_config, { input_shape: [null, 4] });
    assert.deepEqual(seq.inbound_nodes[0]!.kwargs, { mask: null });
    const fn = entry(config, "inner_fn");
    assert.equal(fn.class_name, "Functional");
    assert.equal(fn.registered_name, "Functional");
    assert.deepEqual(fn.build_config, { input_shape: null });
    // Keras counts a nested Functional's calls from 1 in output_layers, not in inbound_nodes.
    assert.deepEqual(config.output_layers, ["inner_fn", 1, 0]);
    roundTrip(model, st.random.normal([2, 4], { seed: 5 }));
  });

  it("writes a residual block's Add with both branches", () => {
    const x = Input({ shape: [6, 6, 2], name: "img" });
    const c = new layers.Conv2D(2, 3, { padding: "same", name: "conv" }).apply(x);
    const r = new layers.Add({ name: "res" }).apply([c, x]);
    const y = new layers.Dense(1, { name: "out" }).apply(
      new layers.GlobalAveragePooling2D({ name: "gap" }).apply(r),
    );
    const model = new Model({ inputs: x, outputs: y });
    const config = json(model.getConfig());
    const add = entry(config, "res");
    assert.deepEqual((add.inbound_nodes[0]!.args[0] as unknown[]).map(history), [
      ["conv", 0, 0],
      ["img", 0, 0],
    ]);
    assert.deepEqual(add.build_config, {
      input_shape: [
        [null, 6, 6, 2],
        [null, 6, 6, 2],
      ],
    });
    assert.equal(
      entry(config, "gap").build_config,
      undefined,
      "pooling layers are built at init in Keras",
    );
    roundTrip(model, st.random.normal([2, 6, 6, 2], { seed: 6 }));
  });

  it("writes Keras's call arguments: attention args, dropout's training default, RNN initial states", () => {
    const x = Input({ shape: [5, 4], name: "x" });
    const mha = new layers.MultiHeadAttention({ numHeads: 2, keyDim: 2, name: "mha" });
    const att = mha.apply([x, x], { useCausalMask: true });
    const d = new layers.Dropout(0.5, { name: "drop" }).apply(att);
    const h0 = Input({ shape: [3], name: "h0" });
    const c0 = Input({ shape: [3], name: "c0" });
    const lstm = new layers.LSTM(3, { name: "lstm" }).apply(d, { initialState: [h0, c0] });
    const model = new Model({ inputs: [x, h0, c0], outputs: lstm });
    const config = json(model.getConfig());
    const m = entry(config, "mha");
    assert.deepEqual(m.inbound_nodes[0]!.args.map(history), [
      ["x", 0, 0],
      ["x", 0, 0],
    ]);
    assert.deepEqual(m.inbound_nodes[0]!.kwargs, { use_causal_mask: true });
    assert.deepEqual(m.build_config, {
      shapes_dict: { query_shape: [null, 5, 4], value_shape: [null, 5, 4] },
    });
    assert.deepEqual(entry(config, "drop").inbound_nodes[0]!.kwargs, { training: false });
    const l = entry(config, "lstm").inbound_nodes[0]!;
    assert.deepEqual(l.args.map(history), [["drop", 0, 0]]);
    assert.deepEqual((l.kwargs.initial_state as unknown[]).map(history), [
      ["h0", 0, 0],
      ["c0", 0, 0],
    ]);
    const inputs = [
      st.random.normal([2, 5, 4], { seed: 7 }),
      st.random.normal([2, 3], { seed: 8 }),
      st.random.normal([2, 3], { seed: 9 }),
    ];
    const copy = roundTrip(model, inputs);
    // Keras's recorded training=False is its signature default, not a choice: dropout still trains.
    const ones = copy.getLayer("drop").apply(st.ones([64]), { training: true });
    assert.ok(Array.from(ones.dataSync()).some((v) => v === 0));
    const node = copy.getLayer("drop").inboundNodes[0]!;
    assert.equal(node.callOptions.training, undefined);
  });

  it("refuses a model with two layers of one name", () => {
    const x = Input({ shape: [2], name: "x" });
    const y = new layers.Dense(2, { name: "same" }).apply(
      new layers.Dense(2, { name: "same" }).apply(x),
    );
    // As in Keras 3, the model refuses it when it is declared.
    assert.throws(() => new Model({ inputs: x, outputs: y }), {
      name: "ValueError",
      message: /"same" is used 2 times/,
    });
  });

  it("reads Keras 2's inbound node lists", () => {
    const config = {
      name: "legacy",
      trainable: true,
      layers: [
        {
          class_name: "InputLayer",
          config: { batch_shape: [null, 3], dtype: "float32", name: "in" },
          name: "in",
          inbound_nodes: [],
        },
        {
          class_name: "Dense",
          config: { name: "d", units: 2 },
          name: "d",
          inbound_nodes: [[["in", 0, 0, {}]]],
        },
      ],
      input_layers: [["in", 0, 0]],
      output_layers: [["d", 0, 0]],
    };
    const model = Model.fromConfig(config);
    assert.deepEqual((model.predictOnBatch([st.zeros([1, 3])]) as Tensor[])[0]!.shape, [1, 2]);
  });
});

describe("Sequential configs", () => {
  it("writes the InputLayer first and build_input_shape, as Keras does", () => {
    const model = new Sequential(
      [
        Input({ shape: [5] }),
        new layers.Dense(4, { activation: "relu" }),
        new layers.Dropout(0.2),
        new layers.Dense(1),
      ],
      { name: "s" },
    );
    const config = json(model.getConfig());
    assert.deepEqual(Object.keys(config).sort(), [
      "build_input_shape",
      "dtype",
      "layers",
      "name",
      "trainable",
    ]);
    const ls = config.layers as LayerEntry[];
    assert.deepEqual(
      ls.map((l) => l.class_name),
      ["InputLayer", "Dense", "Dropout", "Dense"],
    );
    assert.deepEqual(ls[1]!.build_config, { input_shape: [null, 5] });
    assert.equal(ls[2]!.build_config, undefined);
    assert.deepEqual(config.build_input_shape, [null, 5]);
    assert.deepEqual(serializeLayer(model).build_config, { input_shape: [null, 5] });
    roundTrip(model, st.random.normal([3, 5], { seed: 10 }));
  });

  it("round-trips a model given inputShape, one built on its first batch, and an unbuilt one", () => {
    const a = new Sequential([new layers.Dense(3, { inputShape: [2] })]);
    roundTrip(a, st.random.normal([2, 2], { seed: 11 }));
    const b = new Sequential([new layers.Dense(3)]);
    const unbuilt = json(b.getConfig());
    assert.equal(unbuilt.build_input_shape, undefined);
    assert.equal((unbuilt.layers as unknown[]).length, 1);
    assert.equal(serializeLayer(b).build_config, undefined);
    const c = Sequential.fromConfig(structuredClone(unbuilt));
    assert.equal(c.built, false);
    b.predictOnBatch(st.zeros([1, 7]));
    assert.deepEqual(json(b.getConfig()).build_input_shape, [null, 7]);
    roundTrip(b, st.random.normal([2, 7], { seed: 12 }));
  });

  it("writes and reads compile_config; toJson and modelFromJson go round", () => {
    const model = new Sequential([
      Input({ shape: [3] }),
      new layers.Dense(2, { activation: "softmax" }),
    ]);
    model.compile({
      optimizer: "adam",
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
      weightedMetrics: ["accuracy"],
    });
    const saved = json(serializeLayer(model));
    const cc = saved.compile_config as Json;
    assert.equal((cc.optimizer as Json).class_name, "Adam");
    assert.equal(cc.loss, "sparse_categorical_crossentropy");
    assert.deepEqual(cc.metrics, ["accuracy"]);
    assert.deepEqual(cc.weighted_metrics, ["accuracy"]);
    assert.equal(cc.loss_weights, null);
    assert.equal(cc.jit_compile, "auto");
    assert.equal(cc.run_eagerly, false);
    const copy = modelFromJson(model.toJson());
    assert.ok(copy instanceof Sequential);
    assert.equal(copy.optimizer?.constructor.name, "Adam");
    assert.deepEqual(json(serializeLayer(copy)), saved);
    // jitCompile and runEagerly are written as given and read back
    model.compile({ optimizer: "adam", loss: "mse", jitCompile: false, runEagerly: true });
    const strict = json(serializeLayer(modelFromJson(model.toJson())));
    assert.equal((strict.compile_config as Json).jit_compile, false);
    assert.equal((strict.compile_config as Json).run_eagerly, true);
  });
});

describe("layer registry", () => {
  it("knows every exported layer class by its Keras name", () => {
    const names = registeredLayerNames();
    for (const n of [
      "Dense",
      "Conv2D",
      "LSTM",
      "Bidirectional",
      "MultiHeadAttention",
      "InputLayer",
      "Sequential",
      "Functional",
    ]) {
      assert.ok(names.includes(n), n);
    }
    assert.ok(
      !names.includes("BaseConv") && !names.includes("Merge"),
      "abstract bases are not registered",
    );
    const d = deserializeLayer({
      module: "keras.layers",
      class_name: "Dense",
      config: { units: 3, name: "d3" },
      registered_name: null,
    });
    assert.ok(d instanceof layers.Dense);
  });

  it("has every exported concrete layer class registered (by its own module) under its export name", () => {
    // A layer module registers its classes itself; this catches one that forgets.
    const names = registeredLayerNames();
    let checked = 0;
    for (const [name, value] of Object.entries(layers)) {
      if (typeof value !== "function" || !(value.prototype instanceof layers.Layer)) continue;
      if (!Object.prototype.hasOwnProperty.call(value, "fromConfig")) continue; // abstract bases
      assert.ok(names.includes(name), `${name} is not registered`);
      // An alias (Keras's MaxPool2D for MaxPooling2D) is saved under its class's own name.
      assert.equal(kerasClassName(Object.create(value.prototype) as layers.Layer), value.name);
      checked++;
    }
    assert.ok(checked >= 60, `only ${checked} layer classes found`);
  });

  it("names an unknown class and says how to register it", () => {
    assert.throws(
      () =>
        deserializeLayer({
          module: null,
          class_name: "Mystery",
          config: {},
          registered_name: "Custom>Mystery",
        }),
      {
        name: "ValueError",
        message:
          /unknown layer class "Mystery" \(registered name "Custom>Mystery"\).*registerLayer\("Mystery", Mystery\).*customObjects/,
      },
    );
    assert.throws(() => deserializeLayer({ units: 3 }), {
      name: "ValueError",
      message: /expected a serialized layer/,
    });
    assert.throws(() => registerLayer("Nope", class {} as never), {
      name: "ValueError",
      message: /expected a Layer subclass/,
    });
  });

  it("rebuilds registered custom layers and ones passed as customObjects", () => {
    class Scale extends layers.Layer {
      constructor(
        readonly factor: number,
        args: layers.LayerArgs = {},
      ) {
        super(args);
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
    const x = Input({ shape: [2], name: "x" });
    const model = new Model({ inputs: x, outputs: new Scale(3, { name: "scale" }).apply(x) });
    const config = json(model.getConfig());
    const unregistered = entry(config, "scale");
    assert.equal(unregistered.registered_name, "Scale");
    assert.throws(() => Model.fromConfig(structuredClone(config)), {
      message: /unknown layer class "Scale"/,
    });
    const viaCustom = Model.fromConfig(structuredClone(config), { Scale });
    assertClose(viaCustom.predictOnBatch(st.tensor([[1, 2]])) as Tensor, [[3, 6]]);
    try {
      assert.equal(registerLayer("Scale", Scale, { package: "mine" }), "mine>Scale");
      assert.equal(registerLayer("Scale", Scale), "Custom>Scale");
      // As Keras's GLOBAL_CUSTOM_NAMES: the last name registered for a class is the one written.
      const registered = json(model.getConfig());
      assert.equal(entry(registered, "scale").registered_name, "Custom>Scale");
      assert.equal(entry(registered, "scale").module, null);
      roundTrip(model, st.tensor([[1, -1]]));
      // Registering another class under a taken name overwrites it, as in Keras.
      class Other extends Scale {}
      registerLayer("Scale", Other);
      assert.equal(st.saving.getRegisteredObject("Custom>Scale"), Other);
    } finally {
      clearCustomLayers();
    }
  });

  it("builds a layer from its build_config, as Keras's deserialize does", () => {
    const d = new layers.Dense(3);
    d.apply(st.zeros([1, 5]));
    const copy = deserializeLayer(json(serializeLayer(d)));
    assert.ok(copy.built);
    assert.deepEqual(
      copy.weights.map((w) => w.shape),
      [[5, 3], [3]],
    );
    assert.throws(() => modelFromConfig(json(serializeLayer(d))), {
      message: /received one of a Dense layer/,
    });
  });
});

describe("serializing draws no randomness", () => {
  it("leaves the global generator where it was, so saving mid-training changes nothing", () => {
    const inputs = Input({ shape: [6, 4] });
    let x = new layers.Conv1D(3, 2, { padding: "same" }).apply(inputs);
    x = new layers.BatchNormalization().apply(x);
    x = new layers.Dropout(0.2).apply(x);
    x = new layers.GaussianNoise(0.1).apply(x);
    const attended = new layers.MultiHeadAttention({ numHeads: 2, keyDim: 2 }).apply([x, x]);
    x = new layers.Bidirectional(new layers.LSTM(2, { returnSequences: true })).apply(attended);
    x = new layers.GRU(2).apply(x);
    const model = new Model({ inputs, outputs: new layers.Dense(1).apply(x) });
    model.compile({ optimizer: "adam", loss: "mse" });
    const next = (serialize: boolean): number => {
      st.random.setSeed(7);
      if (serialize) serializeLayer(model);
      return st.random.uniform([1]).dataSync()[0]!;
    };
    assert.equal(next(true), next(false));
  });
});
