// FeatureSpace's own .keras file (Keras's `feature_space.save` / `load_model`): Keras's
// test_saving (save, load, save again, same outputs, a model from the loaded space), string
// vocabularies through the archive's assets, and the archive's layout.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { FeatureSpace } from "../../src/layers/preprocessing/feature-space/index.js";
import { readHdf5 } from "../../src/io/hdf5.js";
import { ZipReader } from "../../src/io/zip.js";
import { assertClose, heartData } from "./feature-space-fixtures.js";

const digits = Array.from({ length: 10 }, (_, i) => i);
const data = () => ({
  float_1: digits.map((i) => i / 10),
  float_2: digits.map((i) => i / 10),
  float_3: digits.map((i) => i / 10),
  int_1: digits,
  int_2: digits,
  int_3: digits,
});
const first = () => Object.fromEntries(Object.entries(data()).map(([k, v]) => [k, v[0]!]));

async function inTmp<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "strata-feature-space-"));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("FeatureSpace .keras files", () => {
  it("Keras's test_saving: save, load, save again, same outputs", async () => {
    const fs = new FeatureSpace(
      {
        float_1: FeatureSpace.float(),
        float_2: FeatureSpace.floatNormalized(),
        float_3: FeatureSpace.floatDiscretized(3),
        int_1: FeatureSpace.integerCategorical({ maxTokens: 5, numOovIndices: 2 }),
        int_2: FeatureSpace.integerHashed(32),
        int_3: FeatureSpace.integerCategorical({ maxTokens: 5 }),
      },
      {
        crosses: [
          FeatureSpace.cross(["float_3", "int_1"], 32),
          FeatureSpace.cross(["int_1", "int_2"], 32),
        ],
      },
    );
    await fs.adapt(st.data.Dataset.fromTensorSlices(data()));
    const refOut = Array.from(fs.apply(first()).dataSync());
    await inTmp(async (dir) => {
      await fs.save(join(dir, "fs.keras"));
      const loaded = await FeatureSpace.load(join(dir, "fs.keras"));
      await loaded.save(join(dir, "fs2.keras")); // idempotent
      assertClose(Array.from((loaded.apply(first()) as st.Tensor).dataSync()), refOut, 1e-6);

      const model = new st.Model({
        inputs: loaded.getInputs(),
        outputs: loaded.getEncodedFeatures() as st.layers.SymbolicTensor,
      });
      const columns = Object.fromEntries(
        Object.entries(data()).map(([k, v]) => [k, st.tensor(v.map((e) => [e]))]),
      );
      const out = (await model.predict(columns)) as st.Tensor;
      assertClose((out.toArray() as number[][])[0]!, refOut, 1e-6);

      const again = await FeatureSpace.load(join(dir, "fs2.keras"));
      assertClose(Array.from((again.apply(first()) as st.Tensor).dataSync()), refOut, 1e-6);
    });
  });

  it("keeps the lookups' vocabularies and Normalization's statistics where Keras puts them", async () => {
    const { x } = heartData();
    const fs = new FeatureSpace(
      {
        chol: "float_normalized",
        thal: "string_categorical",
        ca: FeatureSpace.integerCategorical({ numOovIndices: 0 }),
      },
      { crosses: [["thal", "ca"]], outputMode: "dict" },
    );
    const columns = { chol: x.chol, thal: x.thal, ca: x.ca };
    await fs.adapt(columns);
    const before = fs.apply(columns);
    await inTmp(async (dir) => {
      const path = join(dir, "fs.keras");
      await fs.save(path);
      const zip = new ZipReader(readFileSync(path), path);
      const names = zip.names();
      assert.deepEqual(names.slice(0, 2), ["metadata.json", "config.json"]);
      assert.ok(
        names.includes("assets/features/feature_1/preprocessor/vocabulary.txt"),
        `${names}`,
      );
      assert.deepEqual(
        new TextDecoder()
          .decode(zip.read("assets/features/feature_1/preprocessor/vocabulary.txt"))
          .split("\n")
          .filter((l) => l.length > 0),
        ["[UNK]", "normal", "reversible", "fixed"], // get_vocabulary(), OOV token first
      );
      const h5 = readHdf5(zip.read("model.weights.h5"));
      assert.deepEqual(h5.group("features/feature/preprocessor/vars").keys().sort(), [
        "0",
        "1",
        "2",
      ]);
      // dict mode: no concat layer
      for (const group of ["crossers/hashed_crossing", "one_hot_encoders/category_encoding"]) {
        assert.ok(h5.has(`${group}/vars`), group);
      }
      const config = JSON.parse(new TextDecoder().decode(zip.read("config.json"))) as {
        module: string;
        class_name: string;
        build_config: Record<string, unknown>;
      };
      assert.equal(config.module, "keras.utils");
      assert.equal(config.class_name, "FeatureSpace");
      assert.deepEqual(Object.keys(config.build_config), ["chol", "thal", "ca"]);

      const loaded = (await FeatureSpace.load(path)) as FeatureSpace<"dict">;
      const after = loaded.apply(columns);
      assert.deepEqual(Object.keys(after), Object.keys(before));
      for (const name of Object.keys(before)) {
        assertClose(
          Array.from(after[name]!.dataSync()),
          Array.from(before[name]!.dataSync()),
          1e-6,
        );
      }
    });
  });

  it("refuses a path that is not .keras and a file that holds a model", async () => {
    const fs = new FeatureSpace({ a: "float" });
    await assert.rejects(fs.save("fs.h5"), /ending in ".keras"/);
    await inTmp(async (dir) => {
      const input = st.layers.Input({ shape: [1] });
      const model = new st.Model({ inputs: input, outputs: new st.layers.Dense(1).apply(input) });
      await model.save(join(dir, "m.keras"));
      await assert.rejects(FeatureSpace.load(join(dir, "m.keras")), /not a FeatureSpace/);
    });
  });
});
