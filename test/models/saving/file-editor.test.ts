// saving.KerasFileEditor: Keras's own editing session (keras/src/saving/file_editor_test.py) on
// files Strata saves, the Keras 3.16 fixtures (shipped, and ../shared's when present), files that
// round-trip every weight and dtype, and Keras's error conditions. References are the models'
// own weights and predictions, Keras's recorded predictions, and libhdf5 (h5py) when installed.
import assert from "node:assert/strict";
import { copyFileSync, readFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../../src/index.js";
import { ValueError } from "../../../src/errors.js";
import { Hdf5WriteGroup, encodeHdf5 } from "../../../src/io/hdf5-write.js";
import { type Hdf5Group, readHdf5 } from "../../../src/io/hdf5.js";
import { ZipReader } from "../../../src/io/zip.js";
import { h5pyDump, skipWithoutH5py } from "../../io/h5py.js";
import {
  FIXTURES,
  haveFixtures,
  inTempDir,
  kerasPredictionError,
  NAMES,
  SHIPPED,
} from "../../keras-fixtures.js";

const { layers, Input, Model, Sequential } = st;
const { KerasFileEditor } = st.saving;
type WeightsDict = st.saving.WeightsDict;

/** An editor whose printed lines are collected in `lines`. */
function open(path: string): { editor: st.saving.KerasFileEditor; lines: string[] } {
  const lines: string[] = [];
  const editor = new KerasFileEditor(path, { printFn: (l) => lines.push(l) });
  return { editor, lines };
}

function sourceModel(): st.Model {
  const inputs = Input({ shape: [2] });
  const x = new layers.Dense(3, { name: "mydense" }).apply(inputs);
  return new Model(inputs, new layers.Dense(3, { name: "output_layer" }).apply(x));
}

function targetModel(): st.Model {
  const inputs = Input({ shape: [2] });
  let x = new layers.Dense(3, { name: "mydense" }).apply(inputs);
  x = new layers.Dense(3, { name: "myotherdense" }).apply(x);
  return new Model(inputs, new layers.Dense(3, { name: "output_layer" }).apply(x));
}

const values = (t: st.Tensor) => Array.from(t.dataSync() as ArrayLike<number>);

/** Every weight of a tree as path → shape, for comparisons. */
function shapes(dict: WeightsDict, base = ""): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(dict)) {
    const path = base === "" ? k : `${base}/${k}`;
    if (v instanceof st.Tensor) out[path] = [...v.shape];
    else Object.assign(out, shapes(v, path));
  }
  return out;
}

/** Every dataset of an HDF5 file as path → dtype and shape, read group by group. */
function datasets(group: Hdf5Group, out: Record<string, string> = {}): Record<string, string> {
  for (const key of group.keys()) {
    const node = group.get(key);
    if (node.kind === "group") datasets(node, out);
    else out[node.path.slice(1)] = `${node.dtype} [${node.shape.join(",")}]`;
  }
  return out;
}

describe("KerasFileEditor: Keras's editing session", () => {
  it("compares, adds, renames, deletes and resaves as file_editor_test.test_basics", async () => {
    await inTempDir(async (dir) => {
      st.random.setSeed(5);
      const model = sourceModel();
      const path = join(dir, "my_model.keras");
      await model.save(path);
      const { editor, lines } = open(path);
      assert.match(lines[0]!, /^Keras model file '.*my_model\.keras'$/);
      assert.match(lines[1]!, /^Saved with Keras 3\.16\.0 - date: \d{4}-\d\d-\d\d@/);
      assert.deepEqual(shapes(editor.weightsDict), {
        "layers/dense/0": [2, 3],
        "layers/dense/1": [3],
        "layers/dense_1/0": [3, 3],
        "layers/dense_1/1": [3],
      });

      const target = targetModel();
      assert.deepEqual(editor.compare(model), { status: "success", errorCount: 0, matchCount: 4 });
      // The file lacks layers/dense_2 (the target's third Dense): one object missing.
      assert.deepEqual(editor.compare(target), { status: "error", errorCount: 1, matchCount: 4 });

      const kernel = st.random.uniform([3, 3], { seed: 1 });
      editor.addObject("layers/dense_3", { "0": kernel });
      lines.length = 0;
      let out = editor.compare(target);
      assert.deepEqual(out, { status: "error", errorCount: 2, matchCount: 4 });
      assert.ok(
        lines.includes(
          "...Object layers/dense_2 present in reference model, missing from saved file",
        ),
      );
      assert.ok(
        lines.includes(
          "    In reference model, layers/dense_2 contains the following keys: ['0', '1']",
        ),
      );
      assert.ok(
        lines.includes(
          "...Object layers/dense_3 present in saved file, missing from reference model",
        ),
      );
      assert.equal(
        lines.at(-1),
        "Found 2 errors: saved file is not compatible with the reference model",
      );

      editor.renameObject("dense_3", "dense_4");
      editor.renameObject("layers/dense_4", "dense_2");
      const bias = st.tensor([0.5, -1, 2]);
      editor.addWeights("dense_2", { "1": bias });
      assert.deepEqual(editor.compare(target), { status: "success", errorCount: 0, matchCount: 6 });

      editor.addObject("layers/dense_3", { "0": st.random.uniform([3, 3], { seed: 2 }) });
      assert.deepEqual(editor.compare(target), { status: "error", errorCount: 1, matchCount: 6 });
      editor.deleteObject("layers/dense_3");
      lines.length = 0;
      out = editor.compare(target);
      assert.deepEqual(out, { status: "success", errorCount: 0, matchCount: 6 });
      assert.deepEqual(lines.slice(-2), [
        "Comparison successful: saved file is compatible with the reference model",
        "    Found 6 matching weights",
      ]);

      const resaved = join(dir, "resaved.weights.h5");
      await editor.save(resaved);
      await target.loadWeights(resaved);
      // The target now holds the source's two layers and the weights added by hand.
      const w = target.weights;
      assert.deepEqual(values(w[0]!.value), values(model.weights[0]!.value));
      assert.deepEqual(values(w[2]!.value), values(model.weights[2]!.value));
      assert.deepEqual(values(w[3]!.value), values(model.weights[3]!.value));
      assert.deepEqual(values(w[4]!.value), values(kernel));
      assert.deepEqual(values(w[5]!.value), [0.5, -1, 2]);

      const again = open(resaved).editor;
      assert.equal(again.metadata, null);
      assert.equal(again.config, null);
      assert.deepEqual(again.compare(target).status, "success");
      again.deleteWeight("dense_2", "1");
      assert.deepEqual(again.compare(target), { status: "error", errorCount: 1, matchCount: 5 });
      again.addWeights("dense_2", { "1": st.zeros([7]) });
      lines.length = 0;
      const mismatch = again.compare(target);
      assert.deepEqual(mismatch, { status: "error", errorCount: 1, matchCount: 5 });
      again.deleteWeight("dense_2", "1");
      again.addWeights("dense_2", { "1": [0, 0, 0] });
      assert.deepEqual(again.compare(target), { status: "success", errorCount: 0, matchCount: 6 });
    });
  });

  it("reports a shape mismatch with both shapes", async () => {
    await inTempDir(async (dir) => {
      const model = sourceModel();
      const path = join(dir, "m.weights.h5");
      await model.saveWeights(path);
      const { editor, lines } = open(path);
      editor.addWeights("layers/dense_1", { "1": st.zeros([7]) });
      lines.length = 0;
      assert.deepEqual(editor.compare(model), { status: "error", errorCount: 1, matchCount: 3 });
      assert.deepEqual(lines.slice(1, 4), [
        "...Weight shape mismatch for layers/dense_1/1",
        "    In reference model: shape=[3]",
        "    In saved file: shape=[7]",
      ]);
      assert.equal(
        lines.at(-1),
        "Found 1 error: saved file is not compatible with the reference model",
      );
      // A weight where the model has an object is one error, reported once.
      editor.deleteObject("layers/dense_1");
      editor.addWeights("layers", { dense_1: st.zeros([3]) });
      lines.length = 0;
      assert.deepEqual(editor.compare(model), { status: "error", errorCount: 1, matchCount: 2 });
      assert.deepEqual(lines.slice(1, 4), [
        "...Kind mismatch for layers/dense_1",
        "    In reference model: an object",
        "    In saved file: a weight",
      ]);
    });
  });

  it("counts a trained model's weights and optimizer state as test_scalar_weight", async () => {
    await inTempDir(async (dir) => {
      st.random.setSeed(2);
      const model = new Sequential([
        Input({ shape: [1] }),
        new layers.Dense(1, { activation: "sigmoid" }),
      ]);
      model.compile({ optimizer: "adam", loss: "mse", metrics: ["mae"] });
      await model.fit(st.tensor([[1]]), st.tensor([[1]]), { verbose: 0 });
      await model.save(join(dir, "model.keras"));
      await model.saveWeights(join(dir, "model.weights.h5"));
      for (const name of ["model.keras", "model.weights.h5"]) {
        const { editor } = open(join(dir, name));
        // Kernel and bias, then Adam's iteration, learning rate and two moments per variable.
        assert.equal(Object.keys(shapes(editor.weightsDict)).length, 8, name);
        const opt = editor.weightsDict.optimizer as WeightsDict;
        assert.deepEqual(values(opt["0"] as st.Tensor), [1]);
        assert.deepEqual(editor.compare(model), {
          status: "success",
          errorCount: 0,
          matchCount: 8,
        });
      }
    });
  });
});

describe("KerasFileEditor: files from Keras", () => {
  it("shows a Keras 3.16 file's nested objects with their layer names, and resaves it whole", async () => {
    const path = join(SHIPPED, "seq.keras");
    const { editor, lines } = open(path);
    lines.length = 0;
    editor.summary();
    assert.equal(lines[0], "Weights structure");
    const at = lines.indexOf("    ├─ bidirectional ('bidirectional')");
    assert.ok(at > 0, lines.join("\n"));
    assert.deepEqual(lines.slice(at + 1, at + 3), [
      "    │   ├─ backward_layer ('backward_lstm_1')",
      "    │   │   └─ cell ('lstm_cell')",
    ]);
    assert.ok(lines.includes("    │       ├─ 0: shape=[8, 24], dtype=float32"));
    assert.ok(lines.includes("  > optimizer ('rm_sprop_1')"));
    assert.ok(lines.includes("    ├─ 0: shape=[], dtype=int32"));
    assert.equal(editor.objectMetadata["layers/dense"]?.name, "dense_4");
    assert.equal(editor.metadata?.keras_version, "3.16.0");
    assert.equal((editor.config as { class_name?: string }).class_name, "Functional");

    const model = await st.saving.loadModel(path);
    assert.deepEqual(editor.compare(model), { status: "success", errorCount: 0, matchCount: 48 });
    // Without compile, the model has no optimizer state: the file's optimizer is one extra object.
    const bare = await st.saving.loadModel(path, { compile: false });
    assert.deepEqual(editor.compare(bare), { status: "error", errorCount: 1, matchCount: 23 });

    await inTempDir(async (dir) => {
      const keras = join(dir, "seq.keras");
      await editor.save(keras);
      const zip = new ZipReader(await readFile(keras), keras);
      assert.deepEqual(zip.names(), ["metadata.json", "config.json", "model.weights.h5"]);
      const reloaded = await st.saving.loadModel(keras);
      assert.ok(kerasPredictionError(reloaded, SHIPPED, "seq") < 1e-5);
      const original = new ZipReader(readFileSync(path), path).read("model.weights.h5");
      const datasetsOf = (b: Uint8Array) => datasets(readHdf5(b, "w"));
      assert.deepEqual(datasetsOf(zip.read("model.weights.h5")), datasetsOf(original));

      const weights = join(dir, "seq.weights.h5");
      await editor.resaveWeights(weights);
      const fresh = await st.saving.loadModel(path);
      for (const v of fresh.weights) v.assign(st.zerosLike(v.value));
      await fresh.loadWeights(weights);
      assert.ok(kerasPredictionError(fresh, SHIPPED, "seq") < 1e-5);
    });
  });

  it("keeps a tf.keras 2.14 archive's int64 step counter and metadata on resave", async () => {
    const path = new URL("../../fixtures/keras-versions/tfkeras214_nested.keras", import.meta.url)
      .pathname;
    const { editor, lines } = open(path);
    assert.equal(lines[1], "Saved with Keras 2.14.0 - date: 2023-10-02@12:00:00");
    lines.length = 0;
    editor.summary();
    assert.ok(lines.includes("    ├─ 0: shape=[], dtype=int64"));
    const step = (editor.weightsDict.optimizer as WeightsDict)["0"] as st.Tensor;
    assert.equal(step.dtype, "int32");
    await inTempDir(async (dir) => {
      const out = join(dir, "edited.keras");
      await editor.save(out);
      const zip = new ZipReader(await readFile(out), out);
      const meta = JSON.parse(new TextDecoder().decode(zip.read("metadata.json"))) as {
        keras_version: string;
      };
      assert.equal(meta.keras_version, "2.14.0");
      const root = readHdf5(zip.read("model.weights.h5"), "w");
      assert.equal(root.dataset("optimizer/vars/0").dtype, "int64");
      assert.deepEqual(Array.from(root.dataset("optimizer/vars/0").read() as BigInt64Array), [9n]);
      // Strata loads the edited archive as it loads the original.
      const a = await st.saving.loadModel(path);
      const b = await st.saving.loadModel(out);
      a.weights.forEach((v, i) => assert.deepEqual(values(b.weights[i]!.value), values(v.value)));
    });
  });

  it(
    "opens each Keras 3.16 model of ../shared/fixtures/keras, which compares equal and resaves",
    { skip: !haveFixtures && "the Keras fixtures are not present" },
    async () => {
      await inTempDir(async (dir) => {
        for (const name of NAMES) {
          const model = await st.saving.loadModel(join(FIXTURES, `${name}.keras`));
          for (const file of [`${name}.keras`, `${name}.weights.h5`]) {
            const { editor } = open(join(FIXTURES, file));
            const out = editor.compare(model);
            assert.equal(out.status, "success", `${file}: ${JSON.stringify(out)}`);
          }
          const { editor } = open(join(FIXTURES, `${name}.keras`));
          const out = join(dir, `${name}.keras`);
          await editor.save(out);
          const reloaded = await st.saving.loadModel(out);
          assert.ok(kerasPredictionError(reloaded, FIXTURES, name) < 1e-4, name);
        }
      });
    },
  );
});

describe("KerasFileEditor: trees", () => {
  /** A file in Keras's layout by hand: model-level vars, an object with empty vars and children. */
  function handFile(): Uint8Array {
    const root = new Hdf5WriteGroup();
    root.dataset("vars/0", Float32Array.of(1.5), []);
    root.group("layers/input_layer/vars");
    root.group("layers/lstm/vars");
    root.dataset("layers/lstm/cell/vars/0", Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
    root.dataset("layers/lookup/vars/counts", Uint16Array.of(7, 65535), [2]);
    root.dataset("layers/lookup/vars/big", BigInt64Array.of(2n ** 40n, -3n), [2]);
    root.dataset("optimizer/vars/0", BigInt64Array.of(12n), []);
    root.dataset("optimizer/vars/1", Float64Array.of(0.25), []);
    return encodeHdf5(root);
  }

  it("keeps model-level weights, sub-objects of empty objects, and every dtype through a resave", async () => {
    await inTempDir(async (dir) => {
      const path = join(dir, "hand.weights.h5");
      await writeFile(path, handFile());
      const { editor } = open(path);
      assert.deepEqual(shapes(editor.weightsDict), {
        "0": [],
        "layers/lstm/cell/0": [2, 3],
        "layers/lookup/counts": [2],
        "layers/lookup/big": [2],
        "optimizer/0": [],
        "optimizer/1": [],
      });
      const lookup = (editor.weightsDict.layers as WeightsDict).lookup as WeightsDict;
      assert.deepEqual(values(lookup.counts as st.Tensor), [7, 65535]);
      // 2^40 is past int32: the tensor is float64, and the file's int64 is what gets written.
      assert.equal((lookup.big as st.Tensor).dtype, "float64");
      assert.deepEqual(values(lookup.big as st.Tensor), [2 ** 40, -3]);
      const out = join(dir, "out.weights.h5");
      await editor.save(out);
      const expected = {
        "vars/0": "float32 []",
        "layers/lstm/cell/vars/0": "float32 [2,3]",
        "layers/lookup/vars/counts": "uint16 [2]",
        "layers/lookup/vars/big": "int64 [2]",
        "optimizer/vars/0": "int64 []",
        "optimizer/vars/1": "float64 []",
      };
      const written = readHdf5(await readFile(out), out);
      assert.deepEqual(datasets(written), expected);
      assert.deepEqual(
        Array.from(written.dataset("layers/lookup/vars/big").read() as BigInt64Array),
        [2n ** 40n, -3n],
      );
      // The same file read again gives the same tree.
      assert.deepEqual(shapes(open(out).editor.weightsDict), shapes(editor.weightsDict));
    });
  });

  it(
    "writes what libhdf5 reads: groups, dtypes and values",
    { skip: skipWithoutH5py },
    async () => {
      await inTempDir(async (dir) => {
        const path = join(dir, "hand.weights.h5");
        await writeFile(path, handFile());
        const { editor } = open(path);
        editor.addObject("layers/dense", {
          "0": st.tensor([[1, 2]]),
          "1": st.tensor([3], [1], "float64"),
        });
        const out = join(dir, "out.weights.h5");
        await editor.save(out);
        const seen = h5pyDump(out);
        const data = Object.fromEntries(
          Object.entries(seen)
            .filter(([, v]) => v.kind === "dataset")
            .map(([k, v]) => [
              k,
              v.kind === "dataset" ? `${v.dtype} [${v.shape.join(",")}] ${v.values.join(" ")}` : "",
            ]),
        );
        assert.deepEqual(data, {
          "vars/0": "float32 [] 1.5",
          "layers/dense/vars/0": "float32 [1,2] 1 2",
          "layers/dense/vars/1": "float64 [1] 3",
          "layers/lstm/cell/vars/0": "float32 [2,3] 1 2 3 4 5 6",
          "layers/lookup/vars/counts": "uint16 [2] 7 65535",
          "layers/lookup/vars/big": `int64 [2] ${2 ** 40} -3`,
          "optimizer/vars/0": "int64 [] 12",
          "optimizer/vars/1": "float64 [] 0.25",
        });
      });
    },
  );

  it("edits by bare name in a file that also holds optimizer state", async () => {
    await inTempDir(async (dir) => {
      const path = join(dir, "hand.weights.h5");
      await writeFile(path, handFile());
      const { editor } = open(path);
      // Keras 3.16 miscounts a name found once when more objects follow it, and refuses these.
      editor.renameObject("lstm", "recurrent");
      editor.deleteWeight("lookup", "counts");
      editor.deleteObject("cell");
      assert.deepEqual(Object.keys(shapes(editor.weightsDict)), [
        "0",
        "layers/lookup/big",
        "optimizer/0",
        "optimizer/1",
      ]);
      // An emptied object is not written; renaming onto a sibling replaces it, as in Keras.
      editor.addObject("layers/a", { "0": [1] });
      editor.renameObject("layers/a", "lookup");
      const lookup = (editor.weightsDict.layers as WeightsDict).lookup as WeightsDict;
      assert.deepEqual(values(lookup["0"] as st.Tensor), [1]);
      editor.renameObject("layers/lookup", "lookup");
      const out = join(dir, "out.weights.h5");
      await editor.save(out);
      assert.deepEqual(Object.keys(datasets(readHdf5(await readFile(out), out))).sort(), [
        "layers/lookup/vars/0",
        "optimizer/vars/0",
        "optimizer/vars/1",
        "vars/0",
      ]);
    });
  });
});

describe("KerasFileEditor: errors as Keras raises them", () => {
  it("refuses other files and unreadable paths", async () => {
    assert.throws(() => new KerasFileEditor("model.h5"), {
      name: "ValueError",
      message: /expected a "\.keras" or "\.weights\.h5" extension; received filepath="model\.h5"/,
    });
    await inTempDir(async (dir) => {
      assert.throws(() => open(join(dir, "none.keras")), {
        message: /no file found at ".*none\.keras"/,
      });
      const fake = join(dir, "fake.weights.h5");
      await writeFile(fake, "not hdf5");
      assert.throws(() => open(fake), {
        name: "StrataError",
        message: /fake\.weights\.h5: not an HDF5 file/,
      });
    });
  });

  it("refuses soft links, external links and virtual datasets, as Keras does", async () => {
    await inTempDir(async (dir) => {
      const fixture = (name: string) => {
        const to = join(dir, name.replace(/\.h5$/, ".weights.h5"));
        copyFileSync(new URL(`../../fixtures/io/${name}`, import.meta.url).pathname, to);
        return to;
      };
      assert.throws(() => open(fixture("links_soft.h5")), {
        name: "ValueError",
        message: /not allowed: H5 file with SoftLink at "\/layers"/,
      });
      assert.throws(() => open(fixture("links_external.h5")), {
        name: "ValueError",
        message: /not allowed: H5 file with ExternalLink at "\/layers"/,
      });
      assert.throws(() => open(fixture("links_virtual.h5")), {
        message: /virtual storage is not supported/,
      });
    });
  });

  it("names what was expected and received for each edit", async () => {
    await inTempDir(async (dir) => {
      const model = sourceModel();
      const path = join(dir, "m.weights.h5");
      await model.saveWeights(path);
      const { editor } = open(path);
      const err = (fn: () => unknown, re: RegExp) =>
        assert.throws(fn, (e: unknown) => e instanceof ValueError && re.test(e.message));
      err(
        () => editor.renameObject("dense", "layers/x"),
        /newName should be a leaf name, not a full path name; received newName="layers\/x"/,
      );
      err(() => editor.renameObject("layers/nope", "x"), /path 'layers\/nope' not found in model/);
      err(
        () => editor.deleteObject("nope"),
        /source name 'nope' does not appear in the model\. Use editor\.summary\(\)/,
      );
      err(
        () => editor.deleteObject("0"),
        /name '0' occurs more than once in the model \(2 times\); try passing a complete path/,
      );
      err(
        () => editor.addObject("layers/x", st.zeros([2]) as never),
        /argument weights should be an object .*; received Tensor/,
      );
      err(
        () => editor.addObject("nope/x", { "0": [1] }),
        /addObject: path 'nope' not found in model/,
      );
      err(
        () => editor.addObject("layers/", { "0": [1] }),
        /expected objectPath to end in the new object's name; received "layers\/"/,
      );
      err(
        () => editor.addWeights("dense", { "0": "text" as never }),
        /expected weights\["0"\] to be a tensor .*; received string/,
      );
      err(
        () => editor.deleteWeight("dense", "7"),
        /weight 7 not found in object dense\. Weights found: \['0', '1'\]/,
      );
      err(
        () => editor.addWeights("layers/dense/0", { "1": [1] }),
        /expected 'layers\/dense\/0' to be an object holding weights; it is a weight of shape \[2,3\]/,
      );
      err(
        () => editor.compare({} as never),
        /expected referenceModel to be a Model; received Object/,
      );
      await assert.rejects(editor.save(join(dir, "x.h5")), {
        name: "ValueError",
        message: /expected a "\.weights\.h5" extension .*received filepath=".*x\.h5"/,
      });
      await assert.rejects(editor.save(join(dir, "x.keras")), {
        name: "ValueError",
        message: /a "\.keras" archive needs the model's config/,
      });
    });
  });

  it("refuses to write a weight that is not numbers, leaving the previous file whole", async () => {
    await inTempDir(async (dir) => {
      const model = sourceModel();
      const path = join(dir, "m.weights.h5");
      await model.saveWeights(path);
      const before = await readFile(path);
      const { editor } = open(path);
      editor.addWeights("dense", { "2": st.tensor(["a", "b"]) });
      await assert.rejects(editor.save(path), {
        name: "ValueError",
        message: /"layers\/dense\/2" holds strings; expected numbers/,
      });
      assert.deepEqual(await readFile(path), before);
      editor.deleteWeight("dense", "2");
      (editor.weightsDict.layers as Record<string, unknown>).bad = 3;
      await assert.rejects(editor.save(path), {
        message: /expected "layers\/bad" to be a tensor or an object of weights; received number/,
      });
      assert.deepEqual(await readFile(path), before);
    });
  });
});
