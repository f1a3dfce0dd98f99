// st.utils.makeCsvDataset as tf.data's make_csv_dataset: name-keyed column batches with inferred
// types, labels, selected columns, defaults for missing fields, epochs and shuffling, errors that
// name the file and line.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as st from "../../src/index.js";

const { makeCsvDataset } = st.utils;

let dir = "";
before(() => {
  dir = mkdtempSync(join(tmpdir(), "strata-csv-"));
  writeFileSync(
    join(dir, "a.csv"),
    'age,fare,name,survived\n22,7.25,"Braund, Mr. Owen",0\n38,71.2833,Cumings,1\n26,,Heikkinen,1\n',
  );
  writeFileSync(join(dir, "b.csv"), "age,fare,name,survived\n35,53.1,Futrelle,1\n,8.05,Allen,0\n");
  writeFileSync(join(dir, "notes.txt"), "not csv");
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function collect<T>(ds: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const e of ds) out.push(e);
  return out;
}

const plain = (t: st.Tensor): unknown[] =>
  t.dtype === "string" ? t.stringValues() : Array.from(t.dataSync());

describe("makeCsvDataset", () => {
  it("batches of columns by name from a glob, types inferred, label apart", async () => {
    const ds = await makeCsvDataset(join(dir, "*.csv"), 3, {
      labelName: "survived",
      numEpochs: 1,
      shuffle: false,
    });
    const batches = await collect(ds);
    assert.equal(batches.length, 2);
    const [features, label] = batches[0]!;
    assert.deepEqual(Object.keys(features), ["age", "fare", "name"]);
    assert.equal(features["age"]!.dtype, "int32");
    assert.equal(features["fare"]!.dtype, "float32");
    assert.equal(features["name"]!.dtype, "string");
    assert.equal(label.dtype, "int32");
    assert.deepEqual(plain(features["age"]!), [22, 38, 26]);
    assert.deepEqual(plain(features["name"]!), ["Braund, Mr. Owen", "Cumings", "Heikkinen"]);
    assert.deepEqual(plain(label), [0, 1, 1]);
    // A missing field takes the inferred default, 0 (fare of Heikkinen, age of Allen).
    assert.equal(plain(features["fare"]!)[2], 0);
    const [f2, l2] = batches[1]!;
    assert.deepEqual(plain(f2["age"]!), [35, 0]);
    assert.ok(Math.abs((plain(f2["fare"]!)[0] as number) - 53.1) < 1e-5);
    assert.deepEqual(plain(l2), [1, 0]);
  });

  it("selectColumns, columnDefaults, a file list, no header with columnNames", async () => {
    const ds = await makeCsvDataset([join(dir, "a.csv")], 10, {
      selectColumns: ["name", "fare"],
      columnDefaults: [-1, "?"],
      numEpochs: 1,
      shuffle: false,
    });
    const [batch] = await collect(ds);
    assert.deepEqual(Object.keys(batch!), ["fare", "name"]);
    // Defaults follow the selected columns in file order: fare -1, name "?".
    assert.deepEqual(
      plain(batch!["fare"]!).map((v) => Math.round((v as number) * 100) / 100),
      [7.25, 71.28, -1],
    );
    const raw = join(dir, "raw.txt");
    writeFileSync(raw, "1;x\n2;y\n3;z\n");
    const noHeader = await makeCsvDataset(raw, 2, {
      header: false,
      columnNames: ["id", "tag"],
      fieldDelim: ";",
      numEpochs: 2,
      shuffle: false,
    });
    const ids = (await collect(noHeader)).map((b) => plain(b["id"]!));
    assert.deepEqual(ids, [
      [1, 2],
      [3, 1],
      [2, 3],
    ]);
  });

  it("numEpochs null repeats forever with full batches; shuffle is seeded", async () => {
    const forever = await makeCsvDataset(join(dir, "a.csv"), 2, { shuffle: false });
    const first = await collect(forever.take(5));
    assert.ok(first.every((b) => b["age"]!.shape[0] === 2));
    assert.deepEqual(
      first.flatMap((b) => plain(b["age"]!)),
      [22, 38, 26, 22, 38, 26, 22, 38, 26, 22],
    );
    const make = (): Promise<st.data.Dataset<Record<string, st.Tensor>>> =>
      makeCsvDataset(join(dir, "*.csv"), 5, { numEpochs: 1, shuffleSeed: 4 });
    const a = (await collect(await make())).flatMap((b) => plain(b["name"]!));
    const b = (await collect(await make())).flatMap((b) => plain(b["name"]!));
    assert.deepEqual(a, b);
    assert.deepEqual([...a].sort(), [
      "Allen",
      "Braund, Mr. Owen",
      "Cumings",
      "Futrelle",
      "Heikkinen",
    ]);
  });

  it("errors name the file, the line and what was received", async () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, "x,y\n1,2\n3,4\n5,abc\n");
    const ds = await makeCsvDataset(bad, 10, {
      columnDefaults: ["int32", "int32"],
      numEpochs: 1,
      shuffle: false,
    });
    await assert.rejects(collect(ds), (err: Error) => {
      assert.ok(err instanceof st.StrataError);
      assert.match(err.message, /bad\.csv, line 4: column "y" holds int32 values; received "abc"/);
      return true;
    });
    const skipped = await makeCsvDataset(bad, 10, {
      columnDefaults: ["int32", "int32"],
      numEpochs: 1,
      shuffle: false,
      ignoreErrors: true,
    });
    const [ok] = await collect(skipped);
    assert.deepEqual(plain(ok!["x"]!), [1, 3]);
    const ragged = join(dir, "ragged.csv");
    writeFileSync(ragged, "x,y\n1,2\n3\n");
    await assert.rejects(
      collect(await makeCsvDataset(ragged, 2, { numEpochs: 1, shuffle: false })),
      /ragged\.csv, line 3: expected 2 fields; received 1/,
    );
    const missing = join(dir, "missing.csv");
    writeFileSync(missing, "x,y\n1,\n");
    await assert.rejects(
      collect(
        await makeCsvDataset(missing, 2, { columnDefaults: ["int32", "int32"], numEpochs: 1 }),
      ),
      /column "y" is required/,
    );
    await assert.rejects(makeCsvDataset(join(dir, "*.nope"), 2), /no files match/);
    await assert.rejects(
      makeCsvDataset(join(dir, "a.csv"), 2, { labelName: "class" }),
      /labelName "class" is not among the columns/,
    );
    await assert.rejects(
      makeCsvDataset(join(dir, "a.csv"), 2, { delimiter: ";" } as never),
      /unknown option delimiter/,
    );
  });
});
