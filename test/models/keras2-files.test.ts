/**
 * Files in the layouts Keras 1/2 and tf.keras wrote (test/fixtures/keras-legacy/, built by its
 * make_fixtures.py with h5py, outputs from float64 NumPy): weights-only `.h5` by order and by
 * name (`byName`, `skipMismatch`), a Lambda saved as Python bytecode (`safeMode`), the config
 * details older writers used, and Keras 2's hard_sigmoid.
 */
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { StrataError, ValueError } from "../../src/errors.js";
import type { Model } from "../../src/models/model.js";
import { ZipReader } from "../../src/io/zip.js";
import { encodeZip } from "../../src/io/zip-write.js";
import { assertClose } from "../helpers.js";
import { inTempDir } from "../keras-fixtures.js";

const DIR = new URL("../fixtures/keras-legacy/", import.meta.url).pathname;

interface Arr {
  shape: number[];
  data: number[];
}

const expected = (name: string) =>
  JSON.parse(readFileSync(`${DIR}/${name}.expected.json`, "utf8")) as {
    inputs: Arr;
    outputs: Arr;
    keras3_outputs?: Arr;
    weights?: Record<string, Arr>;
    code?: string;
  };

const tensorOf = (a: Arr) => st.tensor(Float32Array.from(a.data), a.shape);
const TOL = { atol: 2e-5, rtol: 1e-4 };

/** The model's prediction on the fixture's inputs, checked against NumPy's float64 outputs. */
function checkPrediction(model: Model, name: string): void {
  const e = expected(name);
  const y = model.predictOnBatch(tensorOf(e.inputs)) as st.Tensor;
  assertClose(y, tensorOf(e.outputs), TOL);
}

/** Runs `fn` with console.warn captured; returns the warnings. */
async function warnings(fn: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => void seen.push(args.map(String).join(" "));
  try {
    await fn();
  } finally {
    console.warn = warn;
  }
  return seen;
}

// ---------------------------------------------------------------- weights only

/** Dense(5, relu), Dropout, BatchNormalization, Dense(units), optionally a further layer. */
function mlp(names: string[], units = 3, head = false): Model {
  const { Dense, Dropout, BatchNormalization } = st.layers;
  const layers = [
    new Dense(5, { activation: "relu", name: names[0] }),
    new Dropout(0.5, { name: names[1] }),
    new BatchNormalization({ name: names[2] }),
    new Dense(units, { name: names[3] }),
    ...(head ? [new Dense(2, { name: "head" })] : []),
  ];
  const model = new st.models.Sequential([st.layers.Input({ shape: [4] }), ...layers]);
  return model;
}

const FILE_NAMES = ["dense", "dropout", "batch_normalization", "dense_1"];
const values = (v: st.Variable) => Array.from(v.value.dataSync());

describe("legacy weights-only .h5 (Keras 2's save_weights)", () => {
  const file = `${DIR}/weights_only.h5`;

  it("loads by layer order, names aside (weightless layers ignored)", async () => {
    const model = mlp(["a", "b", "c", "d"]);
    await model.loadWeights(file);
    checkPrediction(model, "weights_only");
  });

  it("loads by name: namesakes get the file's weights, other layers keep theirs", async () => {
    const e = expected("weights_only");
    const model = mlp(FILE_NAMES, 3, true);
    const head = model.getLayer("head").weights.map(values);
    // By order the extra layer is a count mismatch, named with both lists.
    await assert.rejects(model.loadWeights(file), (err: Error) => {
      assert.ok(err instanceof StrataError);
      assert.match(err.message, /weights for 3 layers \(dense, batch_normalization, dense_1\)/);
      assert.match(err.message, /has 4 layers with weights .*head/);
      return true;
    });
    await model.loadWeights(file, { byName: true });
    const bn = model.getLayer("batch_normalization").weights;
    const saved = ["gamma", "beta", "moving_mean", "moving_variance"];
    bn.forEach((v, i) =>
      assertClose(v.value, tensorOf(e.weights![`batch_normalization/${saved[i]!}:0`]!), {
        atol: 0,
        rtol: 0,
      }),
    );
    assertClose(
      model.getLayer("dense_1").weights[0]!.value,
      tensorOf(e.weights!["dense_1/kernel:0"]!),
      { atol: 0, rtol: 0 },
    );
    assert.deepEqual(model.getLayer("head").weights.map(values), head);
  });

  it("skipMismatch skips mismatched shapes with a warning; otherwise the error names the layer", async () => {
    const e = expected("weights_only");
    const model = mlp(FILE_NAMES, 2);
    const before = model.getLayer("dense_1").weights.map(values);
    for (const opts of [{ byName: true }, {}]) {
      await assert.rejects(model.loadWeights(file, opts), (err: Error) => {
        assert.ok(err instanceof StrataError);
        assert.match(err.message, /layer "dense_1" \(Dense\), variable .*kernel/);
        assert.match(
          err.message,
          /expected shape \[5,2\]; the weights file has \[5,3\] at dense_1\/dense_1\/kernel:0/,
        );
        return true;
      });
    }
    // Nothing changed on the failed loads.
    assert.deepEqual(model.getLayer("dense_1").weights.map(values), before);
    for (const opts of [{ byName: true, skipMismatch: true }, { skipMismatch: true }]) {
      const seen = await warnings(() => model.loadWeights(file, opts));
      assert.equal(seen.length, 2, seen.join("\n")); // the kernel and the bias of dense_1
      assert.match(seen[0]!, /layer "dense_1" \(Dense\), variable .*kernel.*Skipping this weight/);
      assert.deepEqual(model.getLayer("dense_1").weights.map(values), before);
      assertClose(
        model.getLayer("dense").weights[0]!.value,
        tensorOf(e.weights!["dense/kernel:0"]!),
        { atol: 0, rtol: 0 },
      );
    }
  });

  it("by name, a different number of weights is skipped only with skipMismatch", async () => {
    const { Dense, BatchNormalization } = st.layers;
    const model = new st.models.Sequential([
      st.layers.Input({ shape: [4] }),
      new Dense(5, { name: "dense" }),
      // Named as the file's BatchNormalization, but with 2 weights instead of 4.
      new Dense(5, { name: "batch_normalization" }),
      new BatchNormalization({ name: "bn_other" }),
      new Dense(3, { name: "dense_1" }),
    ]);
    await assert.rejects(model.loadWeights(file, { byName: true }), (err: Error) => {
      assert.match(err.message, /layer "batch_normalization" \(Dense\) has 2 weights .*has 4/);
      return true;
    });
    const seen = await warnings(() =>
      model.loadWeights(file, { byName: true, skipMismatch: true }),
    );
    assert.equal(seen.length, 1);
    assert.match(seen[0]!, /"batch_normalization" \(Dense\) has 2 weights.*Skipping this layer/);
  });

  it("checks its options as Keras does", async () => {
    const model = mlp(FILE_NAMES);
    await assert.rejects(model.loadWeights(file, { byname: true } as never), {
      name: "ValueError",
      message: /unknown option byname; did you mean byName\?/,
    });
    await assert.rejects(model.loadWeights(file, { skipMismatch: 1 } as never), ValueError);
    // byName is for legacy files: a Keras 3 .weights.h5 is matched by structure.
    await inTempDir(async (dir) => {
      await model.saveWeights(`${dir}/m.weights.h5`);
      await assert.rejects(model.loadWeights(`${dir}/m.weights.h5`, { byName: true }), {
        name: "ValueError",
        message: /byName only supports loading legacy ".h5"/,
      });
      await model.saveWeights(`${dir}/m.json`);
      await assert.rejects(model.loadWeights(`${dir}/m.json`, { skipMismatch: true }), {
        name: "ValueError",
        message: /Strata's interim JSON weights/,
      });
    });
  });

  it("skipMismatch in a Keras 3 .weights.h5 skips the layer that does not fit, whole", async () => {
    await inTempDir(async (dir) => {
      const source = mlp(FILE_NAMES, 3);
      await source.loadWeights(file);
      await source.saveWeights(`${dir}/m.weights.h5`);
      const target = mlp(FILE_NAMES, 2);
      const before = target.getLayer("dense_1").weights.map(values);
      await assert.rejects(target.loadWeights(`${dir}/m.weights.h5`), /expected shape \[5,2\]/);
      const seen = await warnings(() =>
        target.loadWeights(`${dir}/m.weights.h5`, { skipMismatch: true }),
      );
      assert.equal(seen.length, 1);
      assert.match(seen[0]!, /layer "dense_1" \(Dense\).*Skipping layer "dense_1"/);
      assert.deepEqual(target.getLayer("dense_1").weights.map(values), before);
      assert.deepEqual(
        target.getLayer("batch_normalization").weights.map(values),
        source.getLayer("batch_normalization").weights.map(values),
      );
    });
  });
});

// ---------------------------------------------------------------- Lambda as bytecode

describe("a Lambda saved as Python bytecode (Keras 2.2.4 .h5)", () => {
  const file = `${DIR}/lambda_bytecode.h5`;
  const code = expected("lambda_bytecode").code!;

  it("is refused with the layer's name and how to supply it, never the bytes", async () => {
    for (const safeMode of [undefined, true, false]) {
      await assert.rejects(st.models.loadModel(file, { safeMode }), (err: Error) => {
        assert.ok(err instanceof StrataError, String(err));
        assert.match(err.message, /Lambda "lambda_1": its function was saved as Python bytecode/);
        assert.match(err.message, /customObjects: \{ "lambda_1": \(x\) => … \}/);
        assert.match(
          err.message,
          safeMode === false ? /Keras would run that bytecode/ : /refuses to run it in safe mode/,
        );
        for (const line of code.split("\n").filter((l) => l.length >= 8)) {
          assert.ok(!err.message.includes(line.slice(0, 8)), "the bytecode is not printed");
        }
        return true;
      });
    }
    await assert.rejects(st.models.loadModel(file, { safeMode: "no" as never }), {
      name: "ValueError",
      message: /safeMode must be true or false/,
    });
  });

  it("a named function is asked for by its name", async () => {
    const lambda1 = (x: st.Tensor) => st.ops.add(st.ops.multiply(x, 2), 1);
    await assert.rejects(
      st.models.loadModel(file, { customObjects: { lambda_1: lambda1 } }),
      /Lambda "lambda_2": cannot rebuild its function "double_fn".*\{ "double_fn": fn \}/,
    );
  });

  it("predicts as Keras did once both functions are supplied in JavaScript", async () => {
    const model = await st.models.loadModel(file, {
      customObjects: {
        lambda_1: (x: st.Tensor) => st.ops.add(st.ops.multiply(x, 2), 1),
        double_fn: (x: st.Tensor) => st.ops.multiply(x, 2),
      },
    });
    checkPrediction(model, "lambda_bytecode");
  });
});

describe("a Lambda saved as Python bytecode by Keras 3 (__lambda__)", () => {
  it("is refused and supplied the same way", () => {
    const code = "4wEAAAAAAAAAAAAAAAEAAAADAAAA8wYAAACXAHwAUwCp";
    const config = {
      name: "scale",
      function: { class_name: "__lambda__", config: { code, defaults: null, closure: null } },
      output_shape: { class_name: "__lambda__", config: { code, defaults: null, closure: null } },
      arguments: {},
    };
    assert.throws(
      () => st.layers.Lambda.fromConfig({ ...config }),
      (err: Error) =>
        err instanceof StrataError &&
        /Lambda "scale": its function was saved as Python bytecode/.test(err.message) &&
        !err.message.includes(code.slice(0, 12)),
    );
    const layer = st.layers.Lambda.fromConfig(
      { ...config },
      {
        scale: (x: st.Tensor) => st.ops.multiply(x, 3),
      },
    );
    // The output shape comes from tracing the function, not from the bytecode.
    const y = layer.apply(st.layers.Input({ shape: [2] })) as unknown as { shape: unknown };
    assert.deepEqual(y.shape, [null, 2]);
    assertClose(layer.call(st.tensor([[1, 2]])) as st.Tensor, st.tensor([[3, 6]]));
  });
});

// ---------------------------------------------------------------- config details

describe("config details of tf.keras 2.x files", () => {
  it("list axis [3], DepthwiseConv2D's groups, LeakyReLU's alpha, channels_first pooling", async () => {
    const model = await st.models.loadModel(`${DIR}/conv_details.h5`);
    const bn = model.getLayer("batch_normalization") as unknown as { axis: unknown };
    assert.equal(bn.axis, 3);
    const leaky = model.getLayer("leaky_re_lu") as unknown as { negativeSlope: number };
    assert.ok(Math.abs(leaky.negativeSlope - 0.1) < 1e-7);
    assert.equal(model.getLayer("max_pooling2d").getConfig().data_format, "channels_first");
    checkPrediction(model, "conv_details");
  });

  it("keyword call arguments with tensors: mha(x, value=x)", async () => {
    const model = await st.models.loadModel(`${DIR}/attention_kwargs.h5`);
    const mha = model.getLayer("multi_head_attention");
    assert.equal(mha.inboundNodes.length, 1);
    assert.equal(mha.inboundNodes[0]!.inputs.length, 2, "query and value");
    checkPrediction(model, "attention_kwargs");
  });
});

// ---------------------------------------------------------------- hard_sigmoid

describe("Keras 2's hard_sigmoid (Keras 2.2.4 LSTM, GRU and Dense)", () => {
  it("a Keras 2 file predicts with clip(0.2x + 0.5), as its author trained it", async () => {
    const model = await st.models.loadModel(`${DIR}/hard_sigmoid.h5`);
    checkPrediction(model, "hard_sigmoid");
    // The fixture tells the two definitions apart: Keras 3's would be far off.
    const e = expected("hard_sigmoid");
    const gap = Math.max(...e.outputs.data.map((v, i) => Math.abs(v - e.keras3_outputs!.data[i]!)));
    assert.ok(gap > 0.03, `the definitions differ by ${gap} on this fixture`);
    // Saved again, it keeps its meaning under a name of its own.
    const config = model.getLayer("lstm_1").getConfig();
    assert.equal(config.recurrent_activation, "hard_sigmoid_keras2");
    const again = st.models.modelFromJson(model.toJson());
    again.setWeights(model.getWeights());
    checkPrediction(again, "hard_sigmoid");
  });

  it("a Keras 3 config keeps Keras 3's hard_sigmoid; Keras 2's to_json is read as Keras 2", () => {
    const x = st.tensor([-4, -2.6, -1, 0, 1, 2.6, 4], [1, 7]);
    const k2 = (v: number) => Math.min(1, Math.max(0, 0.2 * v + 0.5));
    const k3 = (v: number) => Math.min(1, Math.max(0, v / 6 + 0.5));
    const build = (version?: string) => {
      const json = JSON.stringify({
        class_name: "Sequential",
        config: {
          name: "s",
          layers: [
            {
              class_name: "Activation",
              config: { name: "act", activation: "hard_sigmoid", batch_input_shape: [null, 7] },
            },
          ],
        },
        ...(version ? { keras_version: version, backend: "tensorflow" } : {}),
      });
      return st.models.modelFromJson(json);
    };
    const data = [-4, -2.6, -1, 0, 1, 2.6, 4];
    assertClose(build("2.4.0").predictOnBatch(x) as st.Tensor, st.tensor(data.map(k2), [1, 7]));
    assertClose(build().predictOnBatch(x) as st.Tensor, st.tensor(data.map(k3), [1, 7]));
    assertClose(build("3.1.0").predictOnBatch(x) as st.Tensor, st.tensor(data.map(k3), [1, 7]));
  });
});

describe("hard_sigmoid in a .keras archive written by tf.keras 2.13", () => {
  it("metadata.json's keras_version 2.x selects Keras 2's definition", async () => {
    await inTempDir(async (dir) => {
      const model = new st.models.Sequential([
        st.layers.Input({ shape: [3] }),
        new st.layers.Activation("hard_sigmoid"),
      ]);
      await model.save(`${dir}/k3.keras`);
      // The same archive as tf.keras 2.13 would label it.
      const zip = new ZipReader(readFileSync(`${dir}/k3.keras`));
      const members = zip.names().map((name): [string, Uint8Array] => {
        if (name !== "metadata.json") return [name, zip.read(name)];
        const meta = { keras_version: "2.13.1", date_saved: "2023-08-01@10:00:00" };
        return [name, new TextEncoder().encode(JSON.stringify(meta))];
      });
      writeFileSync(`${dir}/k2.keras`, encodeZip(members));
      const x = st.tensor([[-2.6, 1, 2.6]]);
      const k3 = await st.models.loadModel(`${dir}/k3.keras`);
      const k2 = await st.models.loadModel(`${dir}/k2.keras`);
      assertClose(
        k3.predictOnBatch(x) as st.Tensor,
        st.tensor([[0.0666667, 0.6666667, 0.9333333]]),
      );
      assertClose(k2.predictOnBatch(x) as st.Tensor, st.tensor([[0, 0.7, 1]]));
    });
  });
});

describe("hard_sigmoid_keras2's gradient", () => {
  it("is 0.2 inside (−2.5, 2.5) and 0 outside, so Keras 2 models fine-tune as trained", () => {
    const f = st.ops.activation("hard_sigmoid_keras2");
    const points = [-3, -2.4, -1, 0, 1.5, 2.4, 2.6, 4];
    const g = st.grad((x: st.Tensor) => st.ops.sum(f(x)))(st.tensor(points)) as st.Tensor;
    assertClose(g, st.tensor(points.map((p) => (Math.abs(p) < 2.5 ? 0.2 : 0))));
  });
});
