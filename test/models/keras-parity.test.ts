/**
 * Strata computes what Keras computes: each Keras 3.16 fixture model is rebuilt from its
 * config.json, given the weights Keras saved (model.weights.h5), and must reproduce the
 * predictions Keras made in inference mode to float32 tolerance.
 *
 * Max abs error against Keras, measured when this test was written:
 *   mlp 6.0e-8, convnet 7.5e-9, conv_zoo 1.2e-7, seq 3.0e-8, multi 4.5e-8, attn 3.0e-8.
 * (attn was 4.4e-6 before activation "gelu" became the exact form, as keras.activations.gelu is.)
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { StrataError } from "../../src/errors.js";
import { readHdf5 } from "../../src/io/hdf5.js";
import { loadKerasWeights } from "../../src/models/saving/keras-weights.js";
import { toSnakeCase } from "../../src/nn/serialization.js";
import { ZipReader } from "../../src/io/zip.js";
import { Input } from "../../src/layers/core/input.js";
import * as layers from "../../src/layers/index.js";
import { modelFromConfig } from "../../src/models/saving/model-config.js";
import type { Model } from "../../src/models/model.js";
import { Sequential } from "../../src/models/sequential.js";
import { FIXTURES, haveFixtures, kerasPredictionError, NAMES, SHIPPED } from "../keras-fixtures.js";

if (!haveFixtures) console.log(`# skipped the Keras parity checks: no fixtures at ${FIXTURES}`);

/** The model rebuilt from `<dir>/<name>.keras`'s config.json, with Keras's weights loaded. */
function loadKeras(
  dir: string,
  name: string,
  edit?: (config: Record<string, unknown>) => void,
): Model {
  const zip = new ZipReader(readFileSync(`${dir}/${name}.keras`), `${name}.keras`);
  const config = JSON.parse(new TextDecoder().decode(zip.read("config.json"))) as Record<
    string,
    unknown
  >;
  edit?.(config);
  const model = modelFromConfig(config) as Model;
  loadKerasWeights(model, readHdf5(zip.read("model.weights.h5"), `${name}/model.weights.h5`));
  return model;
}

/** The fixture rebuilt with Keras's weights, checked against Keras's predictions. */
function checkParity(dir: string, name: string): number {
  return kerasPredictionError(loadKeras(dir, name), dir, name);
}

describe("Keras parity: the shipped seq fixture", () => {
  it("seq (Embedding, LSTM, GRU, causal Conv1D, SimpleRNN go_backwards, Bidirectional) matches Keras", () => {
    const err = checkParity(SHIPPED, "seq");
    console.log(`seq (shipped): max abs error ${err.toExponential(2)}`);
  });

  it("names a container's layers by snake_case class name, as Keras does", () => {
    assert.equal(toSnakeCase("Conv2DTranspose"), "conv2d_transpose");
    assert.equal(toSnakeCase("LSTM"), "lstm");
    assert.equal(toSnakeCase("GlobalAveragePooling1D"), "global_average_pooling1d");
    assert.equal(toSnakeCase("MultiHeadAttention"), "multi_head_attention");
  });

  it("names the layer, the h5 path and both shapes on a shape mismatch", () => {
    const widen = (config: Record<string, unknown>): void => {
      const list = (
        config.config as { layers: { class_name: string; config: { units?: number } }[] }
      ).layers;
      list.find((l) => l.class_name === "Dense")!.config.units = 2;
    };
    assert.throws(
      () => loadKeras(SHIPPED, "seq", widen),
      (e: Error) => {
        assert.ok(e instanceof StrataError);
        assert.match(e.message, /layer "dense_4" \(Dense\)/);
        assert.match(
          e.message,
          /expected shape \[18,2\]; the weights file has \[18,1\] at layers\/dense\/vars\/0/,
        );
        return true;
      },
    );
  });

  const weights = (): ReturnType<typeof readHdf5> =>
    readHdf5(new ZipReader(readFileSync(`${SHIPPED}/seq.keras`)).read("model.weights.h5"));

  it("refuses a model whose variables the file lacks", () => {
    const model = new Sequential([Input({ shape: [5] }), new layers.LayerNormalization()]);
    assert.throws(
      () => loadKerasWeights(model, weights()),
      /layer "layer_normalization\w*" \(LayerNormalization\), variable .*gamma: expected a dataset of shape \[5\] at layers\/layer_normalization\/vars\/0 in the weights file; received none/,
    );
  });

  it("refuses a file with weights the model has no variable for", () => {
    // Takes layers/embedding ([50,4]); the file's other layers are left over.
    const model = new Sequential([Input({ shape: [10] }), new layers.Embedding(50, 4)]);
    assert.throws(
      () => loadKerasWeights(model, weights()),
      /the weights file has layers\/\w+\/.*; expected every weight to belong to a variable of the model/,
    );
  });
});

describe(
  "Keras parity: the Keras 3.16 fixtures",
  { skip: haveFixtures ? false : `no fixtures at ${FIXTURES}` },
  () => {
    for (const name of NAMES) {
      it(`${name}: reproduces Keras's predictions from its saved weights`, () => {
        const err = checkParity(FIXTURES, name);
        console.log(`${name}: max abs error ${err.toExponential(2)}`);
      });
    }
  },
);
