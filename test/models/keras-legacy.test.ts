/**
 * Keras's legacy whole-model HDF5 files (`model.save("x.h5")`, Keras 3.16): loadModel rebuilds
 * the model from `model_config`, assigns `model_weights` by `layer_names` / `weight_names`,
 * compiles from `training_config`, and must reproduce Keras's predictions to float32 tolerance.
 *
 * Max abs error against Keras, measured when this test was written:
 *   mlp 6.0e-8, convnet 7.5e-9, conv_zoo 1.2e-7, seq 3.0e-8, multi 4.5e-8, attn 3.0e-8.
 */
import assert from "node:assert/strict";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { StrataError } from "../../src/errors.js";
import { ZipReader } from "../../src/io/zip.js";
import { modelFromConfig } from "../../src/models/saving/model-config.js";
import {
  FIXTURES,
  haveFixtures,
  inTempDir,
  kerasPredictionError,
  NAMES,
  SHIPPED,
} from "../keras-fixtures.js";

describe("legacy .h5: the shipped seq fixture", () => {
  const file = `${SHIPPED}/seq.legacy.h5`;

  it("loadModel reproduces Keras's predictions, compiled from training_config", async () => {
    const model = await st.models.loadModel(file);
    const err = kerasPredictionError(model, SHIPPED, "seq");
    console.log(`seq.legacy.h5 (shipped): max abs error ${err.toExponential(2)}`);
    assert.ok(model.compiled, "compiled from training_config");
    assert.equal(model.compiled.optimizer.constructor.name, "RMSprop");
    // RMSprop's state came from optimizer_weights: the iteration count Keras saved is not 0.
    assert.ok(Number(model.compiled.optimizer.variables[0]!.value.dataSync()[0]) > 0);
    const bare = await st.models.loadModel(file, { compile: false });
    assert.equal(bare.compiled, null);
  });

  it("model.loadWeights takes a legacy model file, matching layers in order", async () => {
    const model = await st.models.loadModel(`${SHIPPED}/seq.keras`, { compile: false });
    for (const v of model.weights) v.assign(st.zeros(v.shape, v.dtype));
    await model.loadWeights(file);
    kerasPredictionError(model, SHIPPED, "seq");
  });

  it("a mismatch names the layer, the h5 path and both shapes, and changes no weight", async () => {
    const zip = new ZipReader(await readFile(`${SHIPPED}/seq.keras`));
    const config = JSON.parse(new TextDecoder().decode(zip.read("config.json"))) as {
      config: { layers: { class_name: string; config: { units?: number } }[] };
    };
    config.config.layers.find((l) => l.class_name === "Dense")!.config.units = 2;
    const model = modelFromConfig(config);
    const before = model.weights.map((v) => [...v.value.dataSync()]);
    await assert.rejects(model.loadWeights(file), (e: Error) => {
      assert.ok(e instanceof StrataError);
      assert.match(e.message, /layer "dense_4" \(Dense\), variable .*kernel/);
      assert.match(
        e.message,
        /expected shape \[18,2\]; the weights file has \[18,1\] at model_weights\/dense_4\/dense_4\/kernel/,
      );
      return true;
    });
    model.weights.forEach((v, i) => assert.deepEqual([...v.value.dataSync()], before[i]));
  });

  it("a truncated legacy file is a StrataError naming the file", async () => {
    await inTempDir(async (dir) => {
      const whole = await readFile(file);
      const cut = `${dir}/cut.h5`;
      await writeFile(cut, whole.subarray(0, 50_000));
      await assert.rejects(
        st.models.loadModel(cut),
        (e: Error) => e instanceof StrataError && e.message.includes("cut.h5"),
      );
      // The format is told by the first bytes, not the extension.
      await copyFile(file, `${dir}/model.bin`);
      assert.ok(await st.models.loadModel(`${dir}/model.bin`, { compile: false }));
    });
  });
});

describe(
  "legacy .h5: the Keras 3.16 fixtures",
  { skip: haveFixtures ? false : `no fixtures at ${FIXTURES}` },
  () => {
    for (const name of NAMES) {
      it(`${name}.legacy.h5: loadModel reproduces Keras's predictions`, async () => {
        const model = await st.models.loadModel(`${FIXTURES}/${name}.legacy.h5`);
        const err = kerasPredictionError(model, FIXTURES, name);
        console.log(`${name}.legacy.h5: max abs error ${err.toExponential(2)}`);
        assert.ok(model.compiled, "compiled from training_config");
        // Every fixture was trained a little: its optimizer state (Adam's included) comes back.
        assert.ok(model.optimizer!.iterations > 0, "optimizer state restored");
      });
    }
  },
);
