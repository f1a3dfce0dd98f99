// Keras 3's Pipeline: layers applied in order, training on by default, masks passed along,
// Keras's config and a .keras round trip with a stateful layer inside.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { Masking, Normalization, Pipeline, RandomFlip, Rescaling } from "../../src/layers/index.js";
import { Input } from "../../src/layers/core/input.js";
import { type SymbolicTensor, maskOf } from "../../src/layers/layer.js";
import { deserializeLayer, serializeLayer } from "../../src/layers/registry.js";
import { ZipReader } from "../../src/io/zip.js";
import { readHdf5 } from "../../src/io/hdf5.js";
import { assertClose } from "../helpers.js";

describe("Pipeline", () => {
  it("applies its layers in order", () => {
    const p = new Pipeline([new Rescaling(2), new Rescaling(1, { offset: 3 })]);
    assertClose(p.apply(st.tensor([[1, 2]])) as Tensor, [[5, 7]]);
  });

  it("is in training mode unless told otherwise (random layers apply), as Keras's", () => {
    const x = st.tensor([[[[1], [2]]]]); // [1, 1, 2, 1]
    const flip = () => new Pipeline([new RandomFlip("horizontal", { seed: 1 })]);
    // over several draws a default call flips at least once; training false never does
    let flipped = false;
    const p = flip();
    for (let i = 0; i < 20 && !flipped; i++) {
      const y = Array.from((p.apply(x) as Tensor).dataSync() as Float32Array);
      if (y[0] === 2) flipped = true;
    }
    assert.ok(flipped);
    for (let i = 0; i < 5; i++)
      assertClose(flip().apply(x, { training: false }) as Tensor, [[[[1], [2]]]]);
  });

  it("passes masks from layer to layer", () => {
    const x = st.tensor([
      [
        [0, 0],
        [1, 2],
      ],
    ]);
    const y = new Pipeline([new Masking(), new Rescaling(2)]).apply(x) as Tensor;
    assert.deepEqual(Array.from(maskOf(y)!.dataSync() as Uint8Array, Number), [0, 1]);
  });

  it("has Keras's config (layers and name only) and rebuilds from it", () => {
    const p = new Pipeline([new Rescaling(0.5), new Rescaling(1, { offset: -1 })], { name: "pre" });
    const s = serializeLayer(p);
    assert.equal(s.class_name, "Pipeline");
    assert.deepEqual(Object.keys(s.config), ["layers", "name"]);
    const back = deserializeLayer(s) as Pipeline;
    assertClose(back.apply(st.tensor([4])) as Tensor, [1]);
    assert.throws(() => Pipeline.fromConfig({ name: "x" }), /layers/);
  });

  it("round-trips through a .keras file, its layers' state under _pipeline_layers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "strata-pipeline-"));
    try {
      const norm = new Normalization();
      await norm.adapt(
        st.tensor([
          [1, 10],
          [3, 30],
        ]),
      );
      const input = Input({ shape: [2] });
      const p = new Pipeline([new Rescaling(2), norm]);
      const out = p.apply(input) as SymbolicTensor;
      assert.deepEqual(out.shape, [null, 2]);
      const model = new st.Model({ inputs: input, outputs: out });
      const path = join(dir, "m.keras");
      await model.save(path);
      const zip = new ZipReader(readFileSync(path), path);
      const root = readHdf5(zip.read("model.weights.h5"), "model.weights.h5");
      assert.ok(root.has("layers/pipeline/_pipeline_layers/normalization/vars"));
      const x = st.tensor([
        [2, 20],
        [5, 5],
      ]);
      const loaded = await st.models.loadModel(path, { compile: false });
      assertClose(loaded.predictOnBatch(x) as Tensor, model.predictOnBatch(x) as Tensor);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
