// Loading weights as Keras's applications do: a legacy .h5 weights file in the layout of Keras's
// published ImageNet files (root `layer_names` listing every layer, each layer's group listing
// `weight_names`, the datasets beneath), written here with the layer order taken from Keras's
// ResNet50 summary (not from the builder), loads through `weights: path` into the layers of the
// same names; `weights: "imagenet"` asks getFile for Keras's file at Keras's URL in the "models"
// cache, and without network fails saying so. Nothing is downloaded.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { StrataError } from "../../src/errors.js";
import { Hdf5WriteGroup, encodeHdf5 } from "../../src/io/hdf5-write.js";
import * as applications from "../../src/applications/index.js";
import { useTempHome } from "./app-helpers.js";

/** ResNet50's layers without the top, in Keras's summary order (after the input). */
function resnet50Layers(): string[] {
  const out = ["conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad", "pool1_pool"];
  [3, 4, 6, 3].forEach((n, s) => {
    for (let b = 1; b <= n; b++) {
      const p = `conv${s + 2}_block${b}_`;
      const rest = b === 1 ? ["0_conv", "3_conv", "0_bn", "3_bn"] : ["3_conv", "3_bn"];
      out.push(
        ...["1_conv", "1_bn", "1_relu", "2_conv", "2_bn", "2_relu", ...rest, "add", "out"].map(
          (x) => p + x,
        ),
      );
    }
  });
  return out;
}

/** Keras 2's weight names: a convolution's kernel and bias, a BN's four vectors. */
function weightNames(layer: string): string[] {
  if (layer.endsWith("_conv")) return ["kernel:0", "bias:0"].map((w) => `${layer}/${w}`);
  if (layer.endsWith("_bn")) {
    return ["gamma:0", "beta:0", "moving_mean:0", "moving_variance:0"].map((w) => `${layer}/${w}`);
  }
  return [];
}

/** A recognisable value for element k of weight j of the layer at position i. */
const valueAt = (i: number, j: number, k: number): number => i + j / 10 + (k % 101) / 1e4;

describe("applications: weights", () => {
  // the "models" cache: ~/.strata/models
  const home = useTempHome("strata-apps-weights-");

  it("weights: a path loads a legacy .h5 in Keras's published layout, layer by layer", async () => {
    // Weight shapes are looked up on a model of the same architecture; names and order are Keras's.
    const shapes = await applications.ResNet50({
      weights: null,
      includeTop: false,
      inputShape: [32, 32, 3],
    });
    const layers = ["input_1", ...resnet50Layers()];
    const root = new Hdf5WriteGroup();
    root.attr("layer_names", layers);
    root.attr("backend", "tensorflow");
    root.attr("keras_version", "2.2.4");
    layers.forEach((layer, i) => {
      const names = weightNames(layer);
      root.group(layer).attr("weight_names", names);
      const vars = names.length > 0 ? shapes.getLayer(layer).weights : [];
      // BN's moving statistics are its non-trainable weights: Keras lists them last.
      names.forEach((name, j) => {
        const shape = vars[j]!.shape;
        const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
        for (let k = 0; k < data.length; k++) data[k] = valueAt(i, j, k);
        root.dataset(`${layer}/${name}`, data, shape);
      });
    });
    const file = join(home(), "resnet50_notop.h5");
    writeFileSync(file, encodeHdf5(root));

    const model = await applications.ResNet50({ weights: file, includeTop: false });
    layers.forEach((layer, i) => {
      if (weightNames(layer).length === 0) return;
      const l = model.getLayer(layer);
      const vars = [...l.trainableWeights, ...l.nonTrainableWeights];
      vars.forEach((v, j) => {
        const got = v.value.dataSync() as Float32Array;
        for (const k of [0, 1, 50, got.length - 1]) {
          assert.equal(got[k], Math.fround(valueAt(i, j, k)), `${layer} weight ${j} [${k}]`);
        }
      });
    });
    // The same-shaped projection and third convolution of conv2_block1 kept their own values.
    const first = (name: string): number => model.getLayer(name).weights[0]!.value.dataSync()[0]!;
    assert.notEqual(first("conv2_block1_0_conv"), first("conv2_block1_3_conv"));

    // A file for another architecture is refused with both layer counts.
    await assert.rejects(
      applications.ResNet101({ weights: file, includeTop: false }),
      (e: Error) =>
        e instanceof StrataError &&
        /the file has weights for 106 layers .*model "resnet101" has 208 layers with weights/.test(
          e.message,
        ),
    );
  });

  it('weights: "imagenet" fetches Keras\'s file into ~/.strata/models; offline it says what to do', async () => {
    const urls: string[] = [];
    globalThis.fetch = ((url: string) => {
      urls.push(String(url));
      return Promise.reject(
        new TypeError("fetch failed", { cause: { code: "ENOTFOUND", message: "no network" } }),
      );
    }) as typeof fetch;
    const cached = join(
      home(),
      ".strata",
      "models",
      "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
    );
    await assert.rejects(applications.ResNet50({ includeTop: false }), (e: Error) => {
      assert.ok(e instanceof StrataError);
      assert.match(
        e.message,
        /^ResNet50: could not get the ImageNet weights resnet50_weights_tf_dim_ordering_tf_kernels_notop\.h5 \(.*URL fetch failure.*ENOTFOUND/,
      );
      assert.ok(e.message.includes(cached), e.message);
      assert.match(e.message, /pass its path as weights; weights: null builds the model untrained/);
      return true;
    });
    await assert.rejects(applications.VGG16({ includeTop: false }), /VGG16: could not get/);
    await assert.rejects(
      applications.ResNet50V2({ includeTop: false }),
      /ResNet50V2: could not get/,
    );
    assert.deepEqual(urls, [
      "https://storage.googleapis.com/tensorflow/keras-applications/resnet/resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5",
      "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
      "https://storage.googleapis.com/tensorflow/keras-applications/resnet/resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5",
    ]);
  });
});
