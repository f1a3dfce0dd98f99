// Preprocessing layers adapted and saved by Python Keras (3.15.1; test/fixtures/
// make_keras_preprocessing.py) load in Strata with their vocabularies, idf weights, statistics
// and bins, and predict what Keras predicted: TextVectorization (multi_hot bigrams, int, tf_idf),
// StringLookup, IntegerLookup, Normalization, Discretization and Hashing.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { assertClose } from "../helpers.js";

const DIR = join(import.meta.dirname, "..", "fixtures", "keras-preprocessing");
const expected = JSON.parse(readFileSync(join(DIR, "expected.json"), "utf8")) as {
  inputs: { text: string[]; lookup: [string[], number[]]; numeric: [number[][], number[][]] };
  outputs: Record<string, st.NestedArray[]>;
};

async function predicted(file: string, inputs: st.Tensor[]): Promise<st.Tensor[]> {
  const model = await st.models.loadModel(join(DIR, file));
  return (await model.predict(inputs.length === 1 ? inputs[0]! : inputs, {
    verbose: 0,
  })) as st.Tensor[];
}

function same(got: st.Tensor[], want: st.NestedArray[]): void {
  assert.equal(got.length, want.length);
  got.forEach((t, i) => assertClose(t, want[i]!));
}

describe("preprocessing layers saved by Keras", () => {
  it("TextVectorization: multi_hot with bigrams, int with a sequence length, tf_idf", async () => {
    const got = await predicted("text.keras", [st.tensor(expected.inputs.text)]);
    assert.deepEqual(
      got.map((t) => t.shape),
      [
        [3, 20],
        [3, 6],
        [3, 12],
      ],
    );
    same(got, expected.outputs["text"]!);
  });

  it("StringLookup (one_hot, unknown strings to the OOV index) and IntegerLookup", async () => {
    const [colors, codes] = expected.inputs.lookup;
    const got = await predicted("lookup.keras", [
      st.tensor(colors),
      st.tensor(codes, undefined, "int32"),
    ]);
    same(got, expected.outputs["lookup"]!);
  });

  it("Normalization, Discretization and Hashing", async () => {
    const [nums, d] = expected.inputs.numeric;
    const got = await predicted("numeric.keras", [st.tensor(nums), st.tensor(d)]);
    same(got, expected.outputs["numeric"]!);
  });
});
