// Keras 3's files through the public API: st.models.loadModel and model.loadWeights.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { StrataError } from "../../src/errors.js";
import { readHdf5 } from "../../src/io/hdf5.js";
import { ZipReader } from "../../src/io/zip.js";
import { assertClose } from "../helpers.js";
import { FIXTURES, haveFixtures, inTempDir, NAMES, SHIPPED } from "../keras-fixtures.js";

interface Io {
  inputs: Record<string, { shape: number[]; data: number[] }>;
  outputs: { shape: number[]; data: number[] }[];
}
const seqIo = JSON.parse(readFileSync(`${SHIPPED}/seq.io.json`, "utf8")) as Io;
const seqInput = st.tensor(seqIo.inputs.input!.data, seqIo.inputs.input!.shape, "int32");

describe("models.loadModel", () => {
  it("loads a .keras archive Keras wrote: its config, weights and compile settings", async () => {
    const model = await st.models.loadModel(`${SHIPPED}/seq.keras`);
    const y = model.predictOnBatch(seqInput) as st.Tensor;
    assertClose(y, seqIo.outputs[0]!.data, { atol: 1e-5, rtol: 1e-4 });
    assert.ok(model.compiled, "compiled from compile_config");
    const bare = await st.models.loadModel(`${SHIPPED}/seq.keras`, { compile: false });
    assert.equal(bare.compiled, null);
  });

  it("refuses what is not a .keras archive, naming the file", async () => {
    await assert.rejects(
      st.models.loadModel(`${SHIPPED}/seq.io.json`),
      /loadModel: expected a Keras 3 ".keras" archive \(a zip\) or a legacy HDF5 ".h5" model; ".*seq\.io\.json" is neither/,
    );
    await assert.rejects(
      st.models.loadModel(`${SHIPPED}/none.keras`),
      /loadModel: no file found at/,
    );
    await inTempDir(async (dir) => {
      const cut = join(dir, "cut.keras");
      await writeFile(cut, readFileSync(`${SHIPPED}/seq.keras`).subarray(0, 5000));
      await assert.rejects(st.models.loadModel(cut), StrataError);
    });
  });
});

describe("model.loadWeights with Keras's files", () => {
  it("reads the weights inside a .keras archive, and leaves the model as it was on a bad file", async () => {
    const model = await st.models.loadModel(`${SHIPPED}/seq.keras`, { compile: false });
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    model.setWeights(model.getWeights().map((w) => st.zerosLike(w)));
    await model.loadWeights(`${SHIPPED}/seq.keras`);
    assert.deepEqual(
      model.getWeights().map((w) => Array.from(w.dataSync())),
      before,
    );

    // A file whose first Dense is wider than this model's: refused before any weight changes.
    const other = st.models.modelFromConfig(
      JSON.parse(
        new TextDecoder().decode(
          new ZipReader(readFileSync(`${SHIPPED}/seq.keras`)).read("config.json"),
        ),
      ) as Record<string, unknown>,
    );
    await inTempDir(async (dir) => {
      const h5 = join(dir, "seq.weights.h5");
      await writeFile(
        h5,
        new ZipReader(readFileSync(`${SHIPPED}/seq.keras`)).read("model.weights.h5"),
      );
      const narrow = st.models.modelFromConfig(
        JSON.parse(
          new TextDecoder()
            .decode(new ZipReader(readFileSync(`${SHIPPED}/seq.keras`)).read("config.json"))
            .replace(/"units": 1,/, '"units": 2,'),
        ) as Record<string, unknown>,
      );
      const kept = narrow.getWeights().map((w) => Array.from(w.dataSync()));
      await assert.rejects(
        narrow.loadWeights(h5),
        /expected shape \[\d+,2\]; the weights file has/,
      );
      assert.deepEqual(
        narrow.getWeights().map((w) => Array.from(w.dataSync())),
        kept,
      );
      // The same file loads into the model it belongs to, under any name.
      await other.loadWeights(h5);
      assertClose(other.predictOnBatch(seqInput) as st.Tensor, seqIo.outputs[0]!.data, {
        atol: 1e-5,
        rtol: 1e-4,
      });
    });
  });

  it("keeps reading Strata's own saveWeights files", async () => {
    await inTempDir(async (dir) => {
      const model = await st.models.loadModel(`${SHIPPED}/seq.keras`, { compile: false });
      const path = join(dir, "mine.weights.json");
      await model.saveWeights(path);
      const copy = await st.models.loadModel(`${SHIPPED}/seq.keras`, { compile: false });
      copy.setWeights(copy.getWeights().map((w) => st.zerosLike(w)));
      await copy.loadWeights(path);
      assert.deepEqual(
        copy.getWeights().map((w) => Array.from(w.dataSync())),
        model.getWeights().map((w) => Array.from(w.dataSync())),
      );
    });
  });
});

describe(
  "Keras's files: the Keras 3.16 fixtures",
  { skip: haveFixtures ? false : `no fixtures at ${FIXTURES}` },
  () => {
    it("restores the optimizer's state Keras saved, and training goes on from it", async () => {
      // mlp was trained for one epoch with RMSprop: its file holds the step count and velocities.
      const model = await st.models.loadModel(`${FIXTURES}/mlp.keras`);
      const opt = model.optimizer!;
      assert.equal(opt.constructor.name, "RMSprop");
      const saved = readHdf5(
        new ZipReader(readFileSync(`${FIXTURES}/mlp.keras`)).read("model.weights.h5"),
      );
      assert.equal(opt.iterations, Number(saved.dataset("optimizer/vars/0").read()[0]));
      opt.variables.forEach((v, i) => {
        const ds = saved.dataset(`optimizer/vars/${i}`);
        assert.deepEqual(v.shape, ds.shape);
        assertClose(v.value, Array.from(ds.read() as ArrayLike<number>));
      });
      const x = st.random.normal([8, 784], { seed: 1 });
      model.trainOnBatch(x, st.random.randint([8], 0, 10, { seed: 2 }));
      assert.equal(opt.iterations, Number(saved.dataset("optimizer/vars/0").read()[0]) + 1);
    });

    it("restores every fixture's optimizer state in Keras's order (Adam's interleaved too)", async () => {
      for (const name of NAMES) {
        const model = await st.models.loadModel(`${FIXTURES}/${name}.keras`);
        const saved = readHdf5(
          new ZipReader(readFileSync(`${FIXTURES}/${name}.keras`)).read("model.weights.h5"),
        );
        if (!saved.has("optimizer/vars")) continue;
        const opt = model.optimizer!;
        assert.equal(opt.variables.length, saved.group("optimizer/vars").keys().length, name);
        opt.variables.forEach((v, i) => {
          const ds = saved.dataset(`optimizer/vars/${i}`);
          assert.deepEqual(v.shape, ds.shape, `${name}: ${v.name}`);
          assertClose(v.value, Array.from(ds.read() as ArrayLike<number>));
        });
      }
    });

    it("loads save_weights' .weights.h5 into the model rebuilt from its config", async () => {
      for (const name of ["convnet", "conv_zoo", "attn"]) {
        const model = await st.models.loadModel(`${FIXTURES}/${name}.keras`, { compile: false });
        const expected = model.getWeights().map((w) => Array.from(w.dataSync()));
        model.setWeights(model.getWeights().map((w) => st.zerosLike(w)));
        await model.loadWeights(`${FIXTURES}/${name}.weights.h5`);
        assert.deepEqual(
          model.getWeights().map((w) => Array.from(w.dataSync())),
          expected,
          name,
        );
      }
    });
  },
);
