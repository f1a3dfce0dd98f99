// Weights for DenseNet, Xception, InceptionV3 and InceptionResNetV2 as Keras's applications get
// them: a legacy .h5 in the layout of Keras's published files (root `layer_names`, each layer's
// `weight_names`: a bias-free Conv2D's kernel, a SeparableConv2D's depthwise and pointwise
// kernels, a BN's four vectors), written here for Xception without the top in the layer order
// of Keras's summary (unnamed shortcut layers under Keras 2's automatic names), loads through
// `weights: path`, layer by layer in order; `weights: "imagenet"` asks getFile for each family's
// file at Keras's URL in the "models" cache (the network stubbed: nothing is downloaded).
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { StrataError } from "../../src/errors.js";
import { Hdf5WriteGroup, encodeHdf5 } from "../../src/io/hdf5-write.js";
import * as applications from "../../src/applications/index.js";
import { xceptionNames } from "./keras-layer-names.js";
import { useTempHome } from "./app-helpers.js";

/** Xception's layers without the top, named as Keras 2 wrote them in the published file. */
function xceptionFileLayers(): string[] {
  const counts = new Map<string, number>();
  return xceptionNames()
    .slice(0, -2)
    .map((n) => {
      if (!n.endsWith("*")) return n;
      const base = n.slice(0, -1);
      const k = (counts.get(base) ?? 0) + 1;
      counts.set(base, k);
      return `${base}_${k}`;
    });
}

/** Keras 2's weight names of a layer, by its kind. */
function weightNames(layer: string): string[] {
  const names = /sepconv\d$/.test(layer)
    ? ["depthwise_kernel:0", "pointwise_kernel:0"]
    : /_bn$|^batch_normalization_\d+$/.test(layer)
      ? ["gamma:0", "beta:0", "moving_mean:0", "moving_variance:0"]
      : /conv\d$|^conv2d_\d+$/.test(layer)
        ? ["kernel:0"]
        : [];
  return names.map((w) => `${layer}/${w}`);
}

/** A recognisable value for element k of weight j of the layer at position i. */
const valueAt = (i: number, j: number, k: number): number => i + j / 10 + (k % 101) / 1e4;

const BASE = "https://storage.googleapis.com/tensorflow/keras-applications/";

describe("applications: DenseNet / Xception / Inception weights", () => {
  // the "models" cache: ~/.strata/models
  const home = useTempHome("strata-apps-family-weights-");

  it("weights: a path loads Xception's legacy .h5 in Keras's published layout, in order", async () => {
    // Shapes come from a model of the same architecture, matched by name or, for the unnamed
    // shortcut layers, by their place among the layers with weights.
    const shapes = await applications.Xception({
      weights: null,
      includeTop: false,
      inputShape: [71, 71, 3],
    });
    const withWeights = shapes.layers.filter((l) => l.weights.length > 0);
    const layers = ["input_1", ...xceptionFileLayers()];
    const fileWithWeights = layers.filter((l) => weightNames(l).length > 0);
    assert.equal(fileWithWeights.length, withWeights.length);
    const root = new Hdf5WriteGroup();
    root.attr("layer_names", layers);
    root.attr("backend", "tensorflow");
    root.attr("keras_version", "2.0.8");
    layers.forEach((layer, i) => {
      const names = weightNames(layer);
      root.group(layer).attr("weight_names", names);
      if (names.length === 0) return;
      const twin = withWeights[fileWithWeights.indexOf(layer)]!;
      if (!/^(conv2d|batch_normalization)_\d+$/.test(layer)) assert.equal(twin.name, layer);
      const vars = [...twin.trainableWeights, ...twin.nonTrainableWeights];
      names.forEach((name, j) => {
        const shape = vars[j]!.shape;
        const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
        for (let k = 0; k < data.length; k++) data[k] = valueAt(i, j, k);
        root.dataset(`${layer}/${name}`, data, shape);
      });
    });
    const file = join(home(), "xception_notop.h5");
    writeFileSync(file, encodeHdf5(root));

    const model = await applications.Xception({ weights: file, includeTop: false });
    const loaded = model.layers.filter((l) => l.weights.length > 0);
    fileWithWeights.forEach((layer, n) => {
      const i = layers.indexOf(layer);
      const l = /^(conv2d|batch_normalization)_\d+$/.test(layer)
        ? loaded[n]!
        : model.getLayer(layer);
      const vars = [...l.trainableWeights, ...l.nonTrainableWeights];
      vars.forEach((v, j) => {
        const got = v.value.dataSync() as Float32Array;
        for (const k of [0, 1, got.length - 1]) {
          assert.equal(got[k], Math.fround(valueAt(i, j, k)), `${layer} weight ${j} [${k}]`);
        }
      });
    });
    // The first shortcut got the file's conv2d_1: a 1×1 projection from 64 to 128 channels.
    const shortcut = loaded.find((l) => /^conv2d(_\d+)?$/.test(l.name))!;
    assert.deepEqual(shortcut.weights[0]!.shape, [1, 1, 64, 128]);
    assert.equal(
      shortcut.weights[0]!.value.dataSync()[0],
      Math.fround(valueAt(layers.indexOf("conv2d_1"), 0, 0)),
    );
    // A file for another architecture is refused.
    await assert.rejects(
      applications.InceptionV3({ weights: file, includeTop: false }),
      (e: Error) =>
        e instanceof StrataError &&
        /the file has weights for 80 layers .*model "inception_v3" has 188 layers with weights/.test(
          e.message,
        ),
    );
  });

  it("weights: \"imagenet\" asks for each family's file at Keras's URL; offline it says so", async () => {
    const urls: string[] = [];
    globalThis.fetch = ((url: string) => {
      urls.push(String(url));
      return Promise.reject(
        new TypeError("fetch failed", { cause: { code: "ENOTFOUND", message: "no network" } }),
      );
    }) as typeof fetch;
    const cases: [string, () => Promise<unknown>][] = [
      [
        "DenseNet121",
        () => applications.DenseNet121({ includeTop: false, inputShape: [32, 32, 3] }),
      ],
      ["DenseNet121", () => applications.DenseNet121()],
      [
        "DenseNet169",
        () => applications.DenseNet169({ includeTop: false, inputShape: [32, 32, 3] }),
      ],
      [
        "DenseNet201",
        () => applications.DenseNet201({ includeTop: false, inputShape: [32, 32, 3] }),
      ],
      ["Xception", () => applications.Xception({ includeTop: false, inputShape: [71, 71, 3] })],
      [
        "InceptionV3",
        () => applications.InceptionV3({ includeTop: false, inputShape: [75, 75, 3] }),
      ],
      [
        "InceptionResNetV2",
        () => applications.InceptionResNetV2({ includeTop: false, inputShape: [75, 75, 3] }),
      ],
    ];
    for (const [where, build] of cases) {
      await assert.rejects(build(), (e: Error) => {
        assert.ok(e instanceof StrataError, e.message);
        assert.match(
          e.message,
          new RegExp(`^${where}: could not get the ImageNet weights .*ENOTFOUND`),
        );
        assert.ok(e.message.includes(join(home(), ".strata", "models")), e.message);
        return true;
      });
    }
    assert.deepEqual(urls, [
      `${BASE}densenet/densenet121_weights_tf_dim_ordering_tf_kernels_notop.h5`,
      `${BASE}densenet/densenet121_weights_tf_dim_ordering_tf_kernels.h5`,
      `${BASE}densenet/densenet169_weights_tf_dim_ordering_tf_kernels_notop.h5`,
      `${BASE}densenet/densenet201_weights_tf_dim_ordering_tf_kernels_notop.h5`,
      `${BASE}xception/xception_weights_tf_dim_ordering_tf_kernels_notop.h5`,
      `${BASE}inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5`,
      `${BASE}inception_resnet_v2/inception_resnet_v2_weights_tf_dim_ordering_tf_kernels_notop.h5`,
    ]);
  });
});
