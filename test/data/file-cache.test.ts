// Dataset.cache(filename): tf.data's file cache — written atomically by the first complete pass,
// read by later passes and by other Datasets over the same file without running the upstream.
import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as st from "../../src/index.js";

const { Dataset } = st.data;

async function values(ds: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const e of ds) out.push(plain(e));
  return out;
}

function plain(x: unknown): unknown {
  if (x instanceof st.Tensor) return [x.dtype, x.shape, x.toArray()];
  if (Array.isArray(x)) return x.map(plain);
  if (typeof x === "object" && x !== null)
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, plain(v)]));
  return x;
}

let dir = "";
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "strata-cache-"));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Elements of several dtypes and shapes in a nested structure, counting upstream calls. */
function counted() {
  const calls = { n: 0 };
  const ds = Dataset.fromGenerator(function* () {
    for (let i = 0; i < 3; i++) {
      calls.n++;
      yield {
        image: st.tensor([i, i + 0.5, -i, 2], [2, 2]),
        pair: [st.tensor([i * 10], [1], "int32"), st.tensor([i % 2 === 0], [1], "bool")],
        scalar: st.tensor(i / 3, [], "float64"),
      };
    }
  });
  return { ds, calls };
}

describe("Dataset.cache(filename)", () => {
  it("writes the first pass, then serves every pass and a new Dataset from the file", async () => {
    const file = join(dir, "cache.bin");
    const { ds, calls } = counted();
    const cached = ds.cache(file);
    const first = await values(cached);
    assert.equal(calls.n, 3);
    assert.equal(first.length, 3);
    assert.deepEqual(await readdir(dir), ["cache.bin"]); // no temporary left behind
    assert.deepEqual(await values(cached), first);
    assert.equal(calls.n, 3);
    // A new pipeline over the same file (as in a new process) never calls its upstream.
    const other = counted();
    assert.deepEqual(await values(other.ds.cache(file)), first);
    assert.equal(other.calls.n, 0);
    // dtypes, shapes, values and structure survive the file.
    assert.deepEqual(first[1], {
      image: [
        "float32",
        [2, 2],
        [
          [1, 1.5],
          [-1, 2],
        ],
      ],
      pair: [
        ["int32", [1], [10]],
        ["bool", [1], [false]],
      ],
      scalar: ["float64", [], 1 / 3],
    });
    assert.equal(cached.cardinality(), UNKNOWN);
  });

  it("a pass left early leaves no file; the next complete pass writes it", async () => {
    const file = join(dir, "partial.bin");
    const cached = Dataset.range(5).cache(file);
    assert.equal(cached.cardinality(), 5);
    assert.deepEqual(await values(cached.take(2)), [
      ["int32", [], 0],
      ["int32", [], 1],
    ]);
    assert.ok(!(await readdir(dir)).some((f) => f.includes("partial")));
    await values(cached);
    assert.ok((await readdir(dir)).includes("partial.bin"));
    assert.deepEqual(await values(Dataset.range(0).cache(file).batch(5)), [
      ["int32", [5], [0, 1, 2, 3, 4]],
    ]);
  });

  it("errors: a missing directory, a file that is not a cache", async () => {
    await assert.rejects(values(Dataset.range(2).cache(join(dir, "no", "such.bin"))), {
      name: "StrataError",
      message: /the directory ".*no" does not exist/,
    });
    const bogus = join(dir, "bogus.bin");
    await writeFile(bogus, "hello");
    await assert.rejects(
      values(Dataset.range(2).cache(bogus)),
      /is not a Strata dataset cache file/,
    );
  });
});

const UNKNOWN = st.data.UNKNOWN_CARDINALITY;
