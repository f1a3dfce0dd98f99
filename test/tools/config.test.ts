/**
 * `st.config` / `st.backend`: each setting has its real effect — epsilon in the clipping of
 * crossentropies and the norms of constraints (hand-computed), the caps on fit's epochs and steps,
 * interactive logging switching progress output from stdout to plain log lines on stderr — and
 * Keras's dtype and uid helpers.
 */
import assert from "node:assert/strict";
import { afterEach, describe, it } from "node:test";
import * as st from "../../src/index.js";
import { captureStdout } from "../utils/fake-tty.js";

afterEach(() => {
  st.config.setFloatx("float32");
  st.config.setEpsilon(1e-7);
  st.config.setMaxEpochs(null);
  st.config.setMaxStepsPerEpoch(null);
  st.config.enableInteractiveLogging();
});

/** What `fn` writes to stderr (strings only), stderr silenced meanwhile. */
async function captureStderr(fn: () => Promise<unknown> | unknown): Promise<string> {
  const out: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    if (typeof chunk !== "string") return write.call(process.stderr, chunk, ...rest);
    out.push(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    await fn();
  } finally {
    process.stderr.write = write;
  }
  return out.join("");
}

function tinyModel(): st.Model {
  const model = new st.Sequential([st.Input({ shape: [2] }), new st.layers.Dense(1)]);
  model.compile({ optimizer: "sgd", loss: "mse" });
  return model;
}

class CountBatches extends st.callbacks.Callback {
  perEpoch: number[] = [];
  override onEpochBegin(): void {
    this.perEpoch.push(0);
  }
  override onTrainBatchEnd(): void {
    this.perEpoch[this.perEpoch.length - 1]!++;
  }
}

describe("config.epsilon", () => {
  it("is Keras's 1e-7 and is read by losses and ops when they run", () => {
    assert.equal(st.config.epsilon(), 1e-7);
    assert.equal(st.backend.epsilon(), 1e-7);
    const loss = new st.losses.BinaryCrossentropy();
    const yTrue = st.tensor([[1]]);
    const yPred = st.tensor([[0]]);
    // y_pred clipped to [ε, 1 − ε]: −log(ε).
    assert.ok(Math.abs((loss.apply(yTrue, yPred).item() as number) - -Math.log(1e-7)) < 1e-3);
    st.config.setEpsilon(1e-3);
    assert.equal(st.backend.epsilon(), 1e-3);
    // The same loss object, built before the change, reads the new value.
    assert.ok(Math.abs((loss.apply(yTrue, yPred).item() as number) - -Math.log(1e-3)) < 1e-5);
    const op = st.ops.binaryCrossentropy(yTrue, yPred).dataSync()[0]!;
    assert.ok(Math.abs(op - -Math.log(1e-3)) < 1e-5);
  });

  it("is the fuzz of the constraints' norms", () => {
    st.backend.setEpsilon(1);
    // UnitNorm: w / (ε + ‖w‖) = [3, 4] / 6.
    const w = new st.constraints.UnitNorm({ axis: 0 }).apply(st.tensor([3, 4]));
    assert.deepEqual(
      Array.from(w.dataSync()).map((v) => Math.round(v * 1e6) / 1e6),
      [0.5, 0.666667],
    );
    assert.throws(() => st.config.setEpsilon(Number.NaN), /finite number/);
  });
});

describe("config.setMaxEpochs / setMaxStepsPerEpoch", () => {
  it("cap fit's epochs and every epoch's steps", async () => {
    const x = st.zeros([10, 2]);
    const y = st.zeros([10, 1]);
    st.config.setMaxEpochs(2);
    assert.equal(st.config.maxEpochs(), 2);
    const count = new CountBatches();
    const history = await captureStderr(() =>
      tinyModel().fit(x, y, { epochs: 5, batchSize: 2, verbose: 0, callbacks: [count] }),
    );
    assert.match(history, /Limiting epochs to 2/);
    assert.deepEqual(count.perEpoch, [5, 5]);
    st.config.setMaxEpochs(null);
    st.config.setMaxStepsPerEpoch(3);
    const capped = new CountBatches();
    // 12 samples in batches of 2: 6 steps, capped at 3 (as stepsPerEpoch: 3 would).
    const warned = await captureStderr(() =>
      tinyModel().fit(st.zeros([12, 2]), st.zeros([12, 1]), {
        epochs: 2,
        batchSize: 2,
        verbose: 0,
        callbacks: [capped],
      }),
    );
    assert.match(warned, /Limiting steps_per_epoch to 3/);
    assert.deepEqual(capped.perEpoch, [3, 3]);
    // A cap above the epoch's steps changes nothing.
    st.config.setMaxStepsPerEpoch(50);
    const free = new CountBatches();
    await tinyModel().fit(x, y, { epochs: 1, batchSize: 2, verbose: 0, callbacks: [free] });
    assert.deepEqual(free.perEpoch, [5]);
    assert.throws(() => st.config.setMaxEpochs(0), /positive integer/);
  });
});

describe("interactive logging", () => {
  it("moves fit's progress from stdout to plain log lines on stderr, and back", async () => {
    const x = st.zeros([4, 2]);
    const y = st.zeros([4, 1]);
    assert.equal(st.config.isInteractiveLoggingEnabled(), true);
    const live = await captureStdout(true, () =>
      tinyModel().fit(x, y, { epochs: 1, batchSize: 2 }),
    );
    assert.match(live, /Epoch 1\/1/);
    assert.match(live, /\r/); // redrawn in place on a terminal
    st.utils.disableInteractiveLogging();
    assert.equal(st.utils.isInteractiveLoggingEnabled(), false);
    let logged = "";
    const stdout = await captureStdout(true, async () => {
      logged = await captureStderr(() => tinyModel().fit(x, y, { epochs: 1, batchSize: 2 }));
    });
    assert.equal(stdout, "");
    assert.match(logged, /^Epoch 1\/1\n2\/2 .*loss: /m);
    assert.ok(!logged.includes("\r") && !logged.includes("\x1b"), JSON.stringify(logged));
    st.config.enableInteractiveLogging();
    const back = await captureStdout(false, () =>
      tinyModel().fit(x, y, { epochs: 1, batchSize: 2 }),
    );
    assert.match(back, /Epoch 1\/1/);
  });

  it("sends Progbar and summary to the log while disabled", async () => {
    st.config.disableInteractiveLogging();
    const written: string[] = [];
    const logged = await captureStderr(() => {
      const bar = new st.utils.Progbar(2, {
        stream: { write: (t: string) => void written.push(t), isTTY: true },
      });
      bar.update(1);
      bar.update(2);
      tinyModel().summary();
    });
    assert.deepEqual(written, []);
    assert.match(logged, /^2\/2 /m);
    assert.match(logged, /Total params: 3/);
  });
});

describe("backend helpers", () => {
  it("standardizeDtype, isFloatDtype, isIntDtype, resultType as Keras", () => {
    assert.equal(st.backend.standardizeDtype(null), "float32");
    assert.equal(st.utils.standardizeDtype("float64"), "float64");
    assert.equal(st.backend.standardizeDtype("int64"), "int32");
    assert.equal(st.backend.standardizeDtype(st.ones([1], "int32")), "int32");
    assert.throws(() => st.backend.standardizeDtype("float16"), /Invalid dtype: float16/);
    assert.equal(st.backend.isFloatDtype("float32"), true);
    assert.equal(st.backend.isFloatDtype("int32"), false);
    assert.equal(st.backend.isIntDtype("uint8"), true);
    assert.equal(st.backend.isIntDtype("bool"), false);
    // Keras's docstring: result_type(int32, float32) is float32; jnp's lattice otherwise.
    assert.equal(st.backend.resultType("int32", "float32"), "float32");
    assert.equal(st.backend.resultType("uint8", "int32"), "int32");
    assert.equal(st.backend.resultType("bool", "uint8"), "uint8");
    assert.equal(st.backend.resultType("float32", "float64"), "float64");
    assert.equal(st.backend.resultType(), "float32");
  });

  it("getUid counts with the automatic names; clearSession restarts both", () => {
    st.backend.clearSession();
    assert.equal(st.backend.getUid("my_prefix"), 1);
    assert.equal(st.backend.getUid("my_prefix"), 2);
    assert.equal(new st.layers.Dense(1).name, "dense");
    assert.equal(st.backend.getUid("dense"), 2);
    assert.equal(new st.layers.Dense(1).name, "dense_2");
    st.backend.clearSession();
    assert.equal(st.backend.getUid("my_prefix"), 1);
    assert.equal(st.backend.isKerasTensor(st.Input({ shape: [2] })), true);
    assert.equal(st.backend.isKerasTensor(st.ones([2])), false);
  });
});

describe("config.floatx", () => {
  it("is the default float dtype of tensors, draws, layers, inputs and metrics", async () => {
    assert.equal(st.config.floatx(), "float32");
    assert.equal(st.tensor([1.5]).dtype, "float32");
    st.backend.setFloatx("float64");
    assert.equal(st.backend.floatx(), "float64");
    assert.equal(st.tensor([1.5]).dtype, "float64");
    assert.equal(st.tensor([1], undefined, "int32").dtype, "int32");
    assert.equal(st.zeros([2]).dtype, "float64");
    assert.equal(st.random.normal([2]).dtype, "float64");
    assert.equal(st.backend.standardizeDtype(null), "float64");
    assert.equal(st.backend.resultType(), "float64");
    assert.equal(new st.metrics.Mean().dtype, "float64");
    const model = new st.Sequential([st.Input({ shape: [2] }), new st.layers.Dense(1)]);
    assert.equal(model.layers[0]!.dtype, "float64");
    assert.equal(model.layers[0]!.weights[0]!.value.dtype, "float64");
    model.compile({ optimizer: "sgd", loss: "mse" });
    // 1/3 is not a float32 value: a float64 model keeps it exactly.
    const x = st.tensor([[1 / 3, 0]]);
    await model.fit(x, st.tensor([[1]]), { epochs: 1, verbose: 0 });
    const out = model.predictOnBatch(x) as st.Tensor;
    assert.equal(out.dtype, "float64");
    const w = model.layers[0]!.getWeights();
    const expected = (w[0]!.dataSync()[0] as number) / 3 + (w[1]!.dataSync()[0] as number);
    // Within float64 rounding; float32 would be ~1e-8 off.
    assert.ok(Math.abs((out.dataSync()[0] as number) - expected) < 1e-15);
    assert.throws(() => st.config.setFloatx("float16"), /float16/);
  });
});

describe("config.imageDataFormat", () => {
  it("is the dataFormat layers and image ops default to", () => {
    assert.equal(st.config.imageDataFormat(), "channels_last");
    st.backend.setImageDataFormat("channels_first");
    try {
      assert.equal(st.config.imageDataFormat(), "channels_first");
      // Flatten of channels-first (batch, c, w) transposes to channels-last order first.
      const flat = new st.layers.Flatten();
      assert.equal(flat.getConfig().data_format, "channels_first");
      const x = st.tensor([
        [
          [1, 2],
          [3, 4],
        ],
      ]); // (1, c=2, w=2)
      assert.deepEqual(Array.from((flat.apply(x) as st.Tensor).dataSync()), [1, 3, 2, 4]);
      // ZeroPadding3D over (batch, channels, d, h, w): the last three axes are padded.
      const padded = new st.layers.ZeroPadding3D({ padding: 1 }).apply(
        st.ones([1, 2, 1, 1, 1]),
      ) as st.Tensor;
      assert.deepEqual(padded.shape, [1, 2, 3, 3, 3]);
      // An explicit dataFormat still wins; layers that compute channels-last only refuse to guess.
      assert.equal(
        new st.layers.Flatten({ dataFormat: "channels_last" }).getConfig().data_format,
        "channels_last",
      );
      assert.throws(
        () => new st.layers.Conv2D(2, 3),
        /global image data format is "channels_first"/,
      );
      new st.layers.Conv2D(2, 3, { dataFormat: "channels_last" });
      assert.throws(() => st.config.setImageDataFormat("channels_middle"), /channels_first/);
    } finally {
      st.config.setImageDataFormat("channels_last");
    }
    assert.equal(new st.layers.Flatten().getConfig().data_format, "channels_last");
  });
});
