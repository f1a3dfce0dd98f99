// The image layers built from configs as Keras 3.16 writes them (keys and values taken from each
// layer's get_config: snake_case, tuples as lists, None as null, the DTypePolicy object).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import "../../src/index.js"; // registers every built-in layer
import { deserializeLayer } from "../../src/layers/registry.js";

const dtype = {
  module: "keras",
  class_name: "DTypePolicy",
  config: { name: "float32" },
  registered_name: null,
};

const base = (name: string) => ({ name, trainable: true, dtype, data_format: "channels_last" });

const CONFIGS: Record<string, Record<string, unknown>> = {
  Resizing: {
    ...base("resizing"),
    height: 32,
    width: 48,
    interpolation: "bilinear",
    crop_to_aspect_ratio: false,
    pad_to_aspect_ratio: false,
    fill_mode: "constant",
    fill_value: 0.0,
    antialias: false,
  },
  CenterCrop: { ...base("center_crop"), height: 20, width: 20 },
  RandomCrop: { ...base("random_crop"), height: 20, width: 20, seed: 1337 },
  RandomFlip: { ...base("random_flip"), seed: null, mode: "horizontal" },
  RandomRotation: {
    ...base("random_rotation"),
    factor: [-0.2, 0.2],
    fill_mode: "reflect",
    fill_value: 0.0,
    interpolation: "bilinear",
    seed: null,
  },
  RandomZoom: {
    ...base("random_zoom"),
    height_factor: [-0.3, 0.1],
    width_factor: null,
    fill_mode: "reflect",
    interpolation: "bilinear",
    seed: null,
    fill_value: 0.0,
  },
  RandomTranslation: {
    ...base("random_translation"),
    height_factor: 0.1,
    width_factor: [-0.2, 0.2],
    fill_mode: "constant",
    interpolation: "nearest",
    seed: 3,
    fill_value: 1.0,
  },
  RandomShear: {
    ...base("random_shear"),
    x_factor: [-0.2, 0.2],
    y_factor: [0.0, 0.0],
    fill_mode: "reflect",
    interpolation: "bilinear",
    seed: null,
    fill_value: 0.0,
  },
  RandomPerspective: {
    ...base("random_perspective"),
    factor: [0.0, 1.0],
    scale: 0.5,
    interpolation: "bilinear",
    fill_value: 0.0,
    seed: null,
  },
  RandomElasticTransform: {
    ...base("random_elastic_transform"),
    factor: [0.0, 1.0],
    scale: [0.0, 1.0],
    interpolation: "bilinear",
    fill_mode: "reflect",
    fill_value: 0.0,
    value_range: [0, 255],
    seed: null,
  },
};

describe("image layers from Keras configs", () => {
  for (const [className, config] of Object.entries(CONFIGS)) {
    it(`${className} loads and writes the same keys back`, () => {
      const layer = deserializeLayer({ class_name: className, config }) as unknown as {
        getConfig(): Record<string, unknown>;
        constructor: { name: string };
      };
      assert.equal(layer.constructor.name, className);
      const again = layer.getConfig();
      for (const [key, value] of Object.entries(config)) {
        if (key === "dtype") continue;
        assert.deepEqual(again[key], value, `${className}.${key}`);
      }
    });
  }
});
