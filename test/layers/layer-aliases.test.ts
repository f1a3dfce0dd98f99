/**
 * Keras 3.16's layer aliases (Convolution2D, MaxPool2D, GlobalAvgPool1D …): the same classes as
 * the names they stand for, found by the registry when a config uses the alias, and written back
 * under the class's own name, as Keras writes them.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import * as aliases from "../../src/layers/activations/aliases.js";
import { LAYER_ALIASES } from "../../src/layers/activations/aliases.js";
import { deserializeLayer, kerasClassName, serializeLayer } from "../../src/layers/registry.js";
import { assertClose } from "../helpers.js";

/** Keras 3.16's keras/api/layers/__init__.py: `from … import <class> as <alias>`. */
const KERAS_ALIASES: Record<string, string> = {
  Convolution1D: "Conv1D",
  Convolution2D: "Conv2D",
  Convolution3D: "Conv3D",
  Convolution1DTranspose: "Conv1DTranspose",
  Convolution2DTranspose: "Conv2DTranspose",
  Convolution3DTranspose: "Conv3DTranspose",
  SeparableConvolution1D: "SeparableConv1D",
  SeparableConvolution2D: "SeparableConv2D",
  AvgPool1D: "AveragePooling1D",
  AvgPool2D: "AveragePooling2D",
  AvgPool3D: "AveragePooling3D",
  MaxPool1D: "MaxPooling1D",
  MaxPool2D: "MaxPooling2D",
  MaxPool3D: "MaxPooling3D",
  GlobalAvgPool1D: "GlobalAveragePooling1D",
  GlobalAvgPool2D: "GlobalAveragePooling2D",
  GlobalAvgPool3D: "GlobalAveragePooling3D",
  GlobalMaxPool1D: "GlobalMaxPooling1D",
  GlobalMaxPool2D: "GlobalMaxPooling2D",
  GlobalMaxPool3D: "GlobalMaxPooling3D",
  GroupQueryAttention: "GroupedQueryAttention",
};

describe("layer aliases", () => {
  it("are Keras's aliases, each the very class it names", () => {
    assert.deepEqual(Object.keys(LAYER_ALIASES).sort(), Object.keys(KERAS_ALIASES).sort());
    const layers = st.layers as unknown as Record<string, unknown>;
    const exported = aliases as unknown as Record<string, unknown>;
    for (const [alias, name] of Object.entries(KERAS_ALIASES)) {
      assert.equal(exported[alias], layers[name], alias);
      assert.equal((LAYER_ALIASES as Record<string, unknown>)[alias], layers[name], alias);
    }
    assert.ok(new aliases.Convolution2D(2, 3) instanceof st.layers.Conv2D);
  });

  it("load configs written with the alias, and save under the class's own name", () => {
    const configs: Record<string, Record<string, unknown>> = {
      Convolution1D: { filters: 2, kernel_size: [3] },
      Convolution2D: { filters: 2, kernel_size: [3, 3] },
      Convolution3D: { filters: 2, kernel_size: [2, 2, 2] },
      Convolution1DTranspose: { filters: 2, kernel_size: [3] },
      Convolution2DTranspose: { filters: 2, kernel_size: [3, 3] },
      Convolution3DTranspose: { filters: 2, kernel_size: [2, 2, 2] },
      SeparableConvolution1D: { filters: 2, kernel_size: [3] },
      SeparableConvolution2D: { filters: 2, kernel_size: [3, 3] },
      AvgPool1D: { pool_size: [2] },
      AvgPool2D: { pool_size: [2, 2] },
      AvgPool3D: { pool_size: [2, 2, 2] },
      MaxPool1D: { pool_size: [2] },
      MaxPool2D: { pool_size: [2, 2] },
      MaxPool3D: { pool_size: [2, 2, 2] },
      GlobalAvgPool1D: {},
      GlobalAvgPool2D: {},
      GlobalAvgPool3D: {},
      GlobalMaxPool1D: {},
      GlobalMaxPool2D: {},
      GlobalMaxPool3D: {},
      GroupQueryAttention: { head_dim: 2, num_query_heads: 2, num_key_value_heads: 1 },
    };
    for (const [alias, config] of Object.entries(configs)) {
      const layer = deserializeLayer({
        module: "keras.layers",
        class_name: alias,
        config: { name: `x_${alias.toLowerCase()}`, ...config },
        registered_name: null,
      });
      const name = KERAS_ALIASES[alias]!;
      assert.equal(layer.constructor, (st.layers as unknown as Record<string, unknown>)[name]);
      assert.equal(kerasClassName(layer), name, alias);
      assert.equal(serializeLayer(layer).class_name, name, alias);
    }
  });

  it("build a model from a Keras JSON that uses the aliases, predicting as the canonical one", () => {
    const layer = (className: string, config: Record<string, unknown>) => ({
      module: "keras.layers",
      class_name: className,
      config,
      registered_name: null,
    });
    const json = (conv: string, pool: string, global: string) =>
      JSON.stringify({
        module: "keras",
        class_name: "Sequential",
        config: {
          name: "seq",
          layers: [
            layer("InputLayer", { batch_shape: [null, 6, 6, 1], dtype: "float32", name: "in" }),
            layer(conv, { name: "c", filters: 3, kernel_size: [3, 3], padding: "same" }),
            layer(pool, { name: "p", pool_size: [2, 2] }),
            layer(global, { name: "g" }),
          ],
        },
        registered_name: null,
      });
    const aliased = st.models.modelFromJson(json("Convolution2D", "MaxPool2D", "GlobalAvgPool2D"));
    const plain = st.models.modelFromJson(json("Conv2D", "MaxPooling2D", "GlobalAveragePooling2D"));
    plain.setWeights(aliased.getWeights());
    const x = st.random.normal([2, 6, 6, 1], { seed: 5 });
    assertClose(aliased.predictOnBatch(x) as Tensor, plain.predictOnBatch(x) as Tensor);
    assert.deepEqual(
      aliased.layers.map((l) => kerasClassName(l)),
      ["Conv2D", "MaxPooling2D", "GlobalAveragePooling2D"],
    );
  });
});
