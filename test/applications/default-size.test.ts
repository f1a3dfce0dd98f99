// Issue 12's "a forward pass runs at the documented default input size", for every application
// that st.applications exports: each is built without the top (weights null) at its documented
// default input size (keras.io/api/applications and each builder's Keras docstring), one image
// goes through predictOnBatch, and the output has the feature map Keras's architecture gives at
// that size: the side after the network's total stride of 32 (rounded as its paddings round
// it) and the family's number of features. Every model runs a real forward pass on the native
// backend (others check the built graph's output shape, below): the whole file
// took 1 min 44 s on the 2-core development machine under a load of about 4 (the heaviest:
// ConvNeXtXLarge 12 s, EfficientNetV2L 10 s, EfficientNetB7 10 s, NASNetLarge 6 s).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import * as applications from "../../src/applications/index.js";
import type { Model } from "../../src/models/model.js";

type Builder = (opts?: applications.ApplicationOptions) => Promise<Model>;

/** [model, builder, default size, output side at that size, features] */
const CASES: [string, Builder, number, number, number][] = [
  ["VGG16", applications.VGG16, 224, 7, 512],
  ["VGG19", applications.VGG19, 224, 7, 512],
  ["ResNet50", applications.ResNet50, 224, 7, 2048],
  ["ResNet101", applications.ResNet101, 224, 7, 2048],
  ["ResNet152", applications.ResNet152, 224, 7, 2048],
  ["ResNet50V2", applications.ResNet50V2, 224, 7, 2048],
  ["ResNet101V2", applications.ResNet101V2, 224, 7, 2048],
  ["ResNet152V2", applications.ResNet152V2, 224, 7, 2048],
  ["MobileNet", applications.MobileNet, 224, 7, 1024],
  ["MobileNetV2", applications.MobileNetV2, 224, 7, 1280],
  ["MobileNetV3Small", applications.MobileNetV3Small, 224, 7, 576],
  ["MobileNetV3Large", applications.MobileNetV3Large, 224, 7, 960],
  ["DenseNet121", applications.DenseNet121, 224, 7, 1024],
  ["DenseNet169", applications.DenseNet169, 224, 7, 1664],
  ["DenseNet201", applications.DenseNet201, 224, 7, 1920],
  ["Xception", applications.Xception, 299, 10, 2048],
  ["InceptionV3", applications.InceptionV3, 299, 8, 2048],
  ["InceptionResNetV2", applications.InceptionResNetV2, 299, 8, 1536],
  ["NASNetMobile", applications.NASNetMobile, 224, 7, 1056],
  ["NASNetLarge", applications.NASNetLarge, 331, 11, 4032],
  ["EfficientNetB0", applications.EfficientNetB0, 224, 7, 1280],
  ["EfficientNetB1", applications.EfficientNetB1, 240, 8, 1280],
  ["EfficientNetB2", applications.EfficientNetB2, 260, 9, 1408],
  ["EfficientNetB3", applications.EfficientNetB3, 300, 10, 1536],
  ["EfficientNetB4", applications.EfficientNetB4, 380, 12, 1792],
  ["EfficientNetB5", applications.EfficientNetB5, 456, 15, 2048],
  ["EfficientNetB6", applications.EfficientNetB6, 528, 17, 2304],
  ["EfficientNetB7", applications.EfficientNetB7, 600, 19, 2560],
  ["EfficientNetV2B0", applications.EfficientNetV2B0, 224, 7, 1280],
  ["EfficientNetV2B1", applications.EfficientNetV2B1, 240, 8, 1280],
  ["EfficientNetV2B2", applications.EfficientNetV2B2, 260, 9, 1408],
  ["EfficientNetV2B3", applications.EfficientNetV2B3, 300, 10, 1536],
  ["EfficientNetV2S", applications.EfficientNetV2S, 384, 12, 1280],
  ["EfficientNetV2M", applications.EfficientNetV2M, 480, 15, 1280],
  ["EfficientNetV2L", applications.EfficientNetV2L, 480, 15, 1280],
  ["ConvNeXtTiny", applications.ConvNeXtTiny, 224, 7, 768],
  ["ConvNeXtSmall", applications.ConvNeXtSmall, 224, 7, 768],
  ["ConvNeXtBase", applications.ConvNeXtBase, 224, 7, 1024],
  ["ConvNeXtLarge", applications.ConvNeXtLarge, 224, 7, 1536],
  ["ConvNeXtXLarge", applications.ConvNeXtXLarge, 224, 7, 2048],
];

describe("applications: a forward pass at each model's default input size", () => {
  it("covers every model st.applications exports", () => {
    const exported = Object.entries(applications)
      .filter(([k, v]) => typeof v === "function" && /^[A-Z]/.test(k))
      .map(([k]) => k)
      .sort();
    assert.deepEqual(exported, CASES.map(([name]) => name).sort());
  });

  // The forward passes run on the native backend. On the others (the opaque proof backend of
  // `npm run test:opaque` computes with the plain TypeScript kernels) forty ImageNet-size passes
  // would take most of an hour, so there the built graph's output shape is checked instead.
  const forward = st.getBackend() === "native";
  for (const [name, build, size, side, features] of CASES) {
    it(`${name} at ${size}×${size}: one image to a ${side}×${side}×${features} feature map`, async () => {
      const m = await build({ weights: null, includeTop: false, inputShape: [size, size, 3] });
      if (!forward) {
        assert.deepEqual((m.output as st.layers.SymbolicTensor).shape, [
          null,
          side,
          side,
          features,
        ]);
        return;
      }
      const image = st.random.uniform([1, size, size, 3], { maxval: 255, seed: 7 });
      const y = m.predictOnBatch(image) as st.Tensor;
      assert.deepEqual(y.shape, [1, side, side, features]);
      const values = y.dataSync() as Float32Array;
      assert.ok(values.every(Number.isFinite), `${name}: finite features`);
    });
  }
});
