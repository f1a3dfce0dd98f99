// Lookup layers in .keras files: an adapted vocabulary is written as Keras 3 writes it
// (`assets/<layer path>/vocabulary.txt`, special tokens first, one a line), tf_idf weights as the
// named entry `vars/idf_weights`, a given vocabulary stays in the config; loading restores the
// same outputs. A hand-built archive in Keras's layout (no Keras-written lookup fixture exists)
// checks reading Keras's files.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { layers } from "../../src/index.js";
import { readHdf5 } from "../../src/io/hdf5.js";
import { Hdf5WriteGroup, encodeHdf5 } from "../../src/io/hdf5-write.js";
import { encodeZip } from "../../src/io/zip-write.js";
import { ZipReader } from "../../src/io/zip.js";
import { assertClose } from "../helpers.js";
import { kerasRoundTrip } from "./preprocessing-text-helpers.js";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const docs = [
  ["the", "cat", "sat"],
  ["the", "dog", "ran"],
  ["a", "cat", "ran"],
];

describe("lookup layers in .keras files", () => {
  it("an adapted StringLookup: vocabulary.txt at Keras's asset path, same outputs after loading", async () => {
    const layer = new layers.StringLookup({ maskToken: "" });
    await layer.adapt(docs);
    const x = st.tensor([
      ["the", "cat", ""],
      ["zebra", "ran", "a"],
    ]);
    const { before, after, zip, loaded } = await kerasRoundTrip(layer, [3], "string", x);
    assert.deepEqual(after.toArray(), before.toArray());
    // the, ran, cat (2 each, high to low), then sat, dog, a (1 each)
    assert.deepEqual(before.toArray(), [
      [2, 4, 0],
      [1, 3, 7],
    ]);
    const names = zip.names();
    assert.ok(names.includes("assets/layers/string_lookup/vocabulary.txt"), names.join(", "));
    assert.ok(
      names.indexOf("assets/layers/string_lookup/vocabulary.txt") <
        names.indexOf("model.weights.h5"),
    );
    assert.equal(
      text(zip.read("assets/layers/string_lookup/vocabulary.txt")),
      ["", "[UNK]", "the", "ran", "cat", "sat", "dog", "a"].join("\n"),
    );
    const config = JSON.parse(text(zip.read("config.json"))) as {
      config: { layers: { class_name: string; config: Record<string, unknown> }[] };
    };
    const saved = config.config.layers.find((l) => l.class_name === "StringLookup")!.config;
    assert.equal(saved.vocabulary, null);
    assert.equal(saved.vocabulary_size, 8);
    const restored = loaded.layers.find(
      (l) => l instanceof layers.StringLookup,
    ) as layers.StringLookup;
    assert.deepEqual(restored.getVocabulary(), layer.getVocabulary());
  });

  it("tokens holding line breaks other than \\n (U+0085, U+2028) read back as one token", async () => {
    const layer = new layers.StringLookup();
    await layer.adapt([["wait\u0085what", "a\u2028b", "x\ry"]]);
    const x = st.tensor([["a\u2028b", "wait\u0085what", "x\ry"]]);
    const { before, after } = await kerasRoundTrip(layer, [3], "string", x);
    assert.deepEqual(after.toArray(), before.toArray());
    assert.ok(Array.from(before.dataSync()).every((id) => id !== 0));
  });

  it("a StringLookup with a given vocabulary keeps it in the config and writes no asset", async () => {
    const layer = new layers.StringLookup({ vocabulary: ["a", "b", "c"], outputMode: "count" });
    const x = st.tensor([["a", "a", "q"]]);
    const { before, after, zip } = await kerasRoundTrip(layer, [3], "string", x);
    assert.deepEqual(after.toArray(), before.toArray());
    assert.ok(!zip.names().some((n) => n.startsWith("assets/")));
  });

  it("an adapted tf_idf StringLookup saves idf_weights as a named entry", async () => {
    const layer = new layers.StringLookup({ outputMode: "tf_idf" });
    await layer.adapt(docs);
    const x = st.tensor([["the", "cat", "cat", "zzz"]]);
    const { before, after, zip } = await kerasRoundTrip(layer, [4], "string", x);
    assertClose(after, before);
    const h5 = readHdf5(zip.read("model.weights.h5"), "model.weights.h5");
    const ds = h5.dataset("layers/string_lookup/vars/idf_weights");
    assert.deepEqual([...ds.shape], [layer.vocabularySize()]);
    assertClose([...(ds.read() as Float32Array)], [...layer.getIdfWeights()!]);
  });

  it("an adapted IntegerLookup and an inverting StringLookup from a file vocabulary", async () => {
    const ints = new layers.IntegerLookup({ outputMode: "multi_hot" });
    await ints.adapt(
      st.tensor(
        [
          [5, 5, 9],
          [7, 9, 5],
        ],
        undefined,
        "int32",
      ),
    );
    const x = st.tensor([[5, 7, 100]], undefined, "int32");
    const r1 = await kerasRoundTrip(ints, [3], "int32", x);
    assert.deepEqual(r1.after.toArray(), r1.before.toArray());
    assert.equal(text(r1.zip.read("assets/layers/integer_lookup/vocabulary.txt")), "-1\n5\n9\n7");

    const dir = mkdtempSync(join(tmpdir(), "strata-vocab-"));
    try {
      const file = join(dir, "v.txt");
      writeFileSync(file, "x\ny\nz\n");
      const inv = new layers.StringLookup({ vocabulary: file, invert: true });
      const ids = st.tensor([[1, 3, 0]], undefined, "int32");
      const r2 = await kerasRoundTrip(inv, [3], "int32", ids);
      assert.deepEqual(r2.after.toArray(), [["x", "z", "[UNK]"]]);
      assert.deepEqual(r2.after.toArray(), r2.before.toArray());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads an archive in Keras's layout (config, assets/…/vocabulary.txt, empty vars group)", async () => {
    // What Keras 3.16 writes for Input(shape=(2,), dtype="string") → StringLookup adapted on
    // [["b", "b", "c"], ["a", "c", "b"]] (vocabulary ["[UNK]", "b", "c", "a"]).
    const policy = (name: string) => ({
      module: "keras",
      class_name: "DTypePolicy",
      config: { name },
      registered_name: null,
    });
    const config = {
      module: "keras",
      class_name: "Functional",
      config: {
        name: "functional",
        trainable: true,
        layers: [
          {
            module: "keras.layers",
            class_name: "InputLayer",
            config: {
              batch_shape: [null, 2],
              dtype: "string",
              sparse: false,
              ragged: false,
              name: "input_layer",
              optional: false,
            },
            registered_name: null,
            name: "input_layer",
            inbound_nodes: [],
          },
          {
            module: "keras.layers",
            class_name: "StringLookup",
            config: {
              name: "string_lookup",
              trainable: true,
              dtype: policy("float32"),
              invert: false,
              max_tokens: null,
              num_oov_indices: 1,
              oov_token: "[UNK]",
              mask_token: null,
              output_mode: "int",
              sparse: false,
              pad_to_max_tokens: false,
              idf_weights: null,
              vocabulary: null,
              vocabulary_size: 4,
              oov_method: "floormod",
              salt: null,
              encoding: "utf-8",
            },
            registered_name: null,
            build_config: {},
            name: "string_lookup",
            inbound_nodes: [
              {
                args: [
                  {
                    class_name: "__keras_tensor__",
                    config: {
                      shape: [null, 2],
                      dtype: "string",
                      keras_history: ["input_layer", 0, 0],
                    },
                  },
                ],
                kwargs: {},
              },
            ],
          },
        ],
        input_layers: ["input_layer", 0, 0],
        output_layers: ["string_lookup", 0, 0],
      },
      registered_name: "Functional",
      build_config: { input_shape: null },
    };
    const weights = new Hdf5WriteGroup();
    weights.group("layers/input_layer/vars");
    weights.group("layers/string_lookup/vars");
    weights.group("optimizer/vars");
    const enc = (s: string) => new TextEncoder().encode(s);
    const archive = encodeZip([
      [
        "metadata.json",
        enc(JSON.stringify({ keras_version: "3.16.0", date_saved: "2026-12-01@10:00:00" })),
      ],
      ["config.json", enc(JSON.stringify(config))],
      ["assets/layers/string_lookup/vocabulary.txt", enc("[UNK]\nb\nc\na")],
      ["model.weights.h5", encodeHdf5(weights)],
    ]);
    const dir = mkdtempSync(join(tmpdir(), "strata-keras-"));
    try {
      const path = join(dir, "lookup.keras");
      writeFileSync(path, archive);
      const model = await st.models.loadModel(path);
      const out = model.predictOnBatch(
        st.tensor([
          ["a", "b"],
          ["c", "q"],
        ]),
      ) as st.Tensor;
      assert.deepEqual(out.toArray(), [
        [3, 1],
        [2, 0],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("lookup layers inside a nested model", () => {
  it("the asset goes under the nested model's path and loads back", async () => {
    const lookup = new layers.StringLookup();
    await lookup.adapt(docs);
    const innerIn = st.Input({ shape: [3], dtype: "string" });
    const inner = new st.Model({ inputs: innerIn, outputs: lookup.apply(innerIn), name: "prep" });
    const outerIn = st.Input({ shape: [3], dtype: "string" });
    const outer = new st.Model({ inputs: outerIn, outputs: inner.apply(outerIn) });
    const dir = mkdtempSync(join(tmpdir(), "strata-nested-"));
    try {
      const path = join(dir, "nested.keras");
      await outer.save(path);
      const zip = new ZipReader(readFileSync(path), path);
      assert.ok(
        zip.names().includes("assets/layers/functional/layers/string_lookup/vocabulary.txt"),
        zip.names().join(", "),
      );
      const loaded = await st.models.loadModel(path);
      const x = st.tensor([["the", "zebra", "a"]]);
      assert.deepEqual(
        (loaded.predictOnBatch(x) as st.Tensor).toArray(),
        (outer.predictOnBatch(x) as st.Tensor).toArray(),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
