/*
 * The dtypes data needs (API.md rule 5): uint8 end to end, int64 accepted and stored as int32
 * (values that do not fit are errors), and the host-only string dtype with the ops that move
 * values. Expected values are NumPy's / JAX's conversions, written out by hand.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { eachBackend } from "../helpers.js";

const { ops } = st;

describe("uint8", () => {
  eachBackend("uint8 tensors", () => {
    it("come from a Uint8Array (a Buffer of bytes) or numbers with dtype uint8", () => {
      const bytes = st.tensor(new Uint8Array([0, 7, 255]));
      assert.equal(bytes.dtype, "uint8");
      assert.deepEqual(bytes.toArray(), [0, 7, 255]);
      assert.ok(bytes.dataSync() instanceof Uint8ClampedArray);
      const fromNumbers = st.tensor(
        [
          [1, 2],
          [3, 4],
        ],
        undefined,
        "uint8",
      );
      assert.equal(fromNumbers.dtype, "uint8");
      assert.equal(String(fromNumbers).includes("dtype=uint8"), true);
    });

    it("convert as JAX converts: floats truncate and saturate, integers wrap", () => {
      const fromFloat = ops.cast(st.tensor([1.9, -0.9, 254.99, 300, -5, NaN]), "uint8");
      assert.deepEqual(Array.from(fromFloat.dataSync()), [1, 0, 254, 255, 0, 0]);
      const fromInt = ops.cast(st.tensor([257, -1, 255, 512], undefined, "int32"), "uint8");
      assert.deepEqual(Array.from(fromInt.dataSync()), [1, 255, 255, 0]);
      const back = ops.cast(st.tensor(new Uint8Array([0, 128, 255])), "float32");
      assert.deepEqual(Array.from(back.dataSync()), [0, 128, 255]);
      assert.deepEqual(ops.cast(st.tensor(new Uint8Array([0, 3])), "bool").toArray(), [
        false,
        true,
      ]);
    });

    it("promote as JAX does: uint8 with int32 is int32, with a float is that float", () => {
      const u = st.tensor(new Uint8Array([10, 200]));
      assert.equal(ops.add(u, st.tensor([1, 1], undefined, "int32")).dtype, "int32");
      assert.equal(ops.add(u, st.tensor([1, 1])).dtype, "float32");
      const plusOne = ops.add(u, 1); // a weak Python-style scalar keeps uint8
      assert.equal(plusOne.dtype, "uint8");
      assert.deepEqual(plusOne.toArray(), [11, 201]);
      assert.deepEqual(Array.from(u.div(255).dataSync()), [10 / 255, 200 / 255].map(Math.fround));
      assert.equal(ops.add(u, st.tensor([true, false])).dtype, "uint8");
    });

    it("sum into int32 (no overflow at 255) and keep uint8 through movement ops", () => {
      const u = st.tensor(new Uint8Array([200, 100, 250, 5]), [2, 2]);
      const total = ops.sum(u);
      assert.equal(total.dtype, "int32");
      assert.equal(total.item(), 555);
      assert.deepEqual(ops.sum(u, 0).toArray(), [450, 105]);
      const moved = ops.transpose(ops.concatenate([u, u], 0));
      assert.equal(moved.dtype, "uint8");
      assert.deepEqual(moved.toArray(), [
        [200, 250, 200, 250],
        [100, 5, 100, 5],
      ]);
      assert.deepEqual(ops.take(u, [1], 0).toArray(), [[250, 5]]);
      assert.equal(ops.max(u).item(), 250);
    });
  });

  it("feed a model: an Input of dtype uint8 into Dense computes in float32", async () => {
    const input = st.Input({ shape: [4], dtype: "uint8" });
    const dense = new st.layers.Dense(1, { kernelInitializer: "ones", useBias: false });
    const model = new st.Model({ inputs: input, outputs: dense.apply(input) as never });
    const x = st.tensor(new Uint8Array([1, 2, 3, 250, 255, 255, 255, 255]), [2, 4]);
    const y = (await model.predict(x, { verbose: 0 })) as st.Tensor;
    assert.deepEqual(Array.from(y.dataSync()), [256, 1020]);
  });
});

describe("int64", () => {
  it("is accepted and stored as int32", () => {
    const t = st.tensor([1, -2, 2147483647], undefined, "int64");
    assert.equal(t.dtype, "int32");
    assert.deepEqual(t.toArray(), [1, -2, 2147483647]);
    assert.equal(ops.cast(st.tensor([2.7, -2.7]), "int64").dtype, "int32");
    assert.deepEqual(ops.cast(st.tensor([2.7, -2.7]), "int64").toArray(), [2, -2]);
    assert.equal(st.zeros([2], "int64").dtype, "int32");
    assert.equal(new st.Variable(st.tensor([1]), { dtype: "int32" }).dtype, "int32");
  });

  it("rejects values that do not fit in int32 instead of wrapping them", () => {
    assert.throws(
      () => st.tensor([1, 3e9], undefined, "int64"),
      /int64 is stored as int32.*value 3000000000 at index 1 does not fit/,
    );
    assert.throws(
      () => ops.cast(st.tensor([0, -3e9]), "int64"),
      /cast: int64 is stored as int32.*value -3000000000 at index 1/,
    );
    assert.throws(() => st.tensor(new Float64Array([2 ** 40]), undefined, "int64"), /does not fit/);
  });

  it("keeps the declared int64 in an Input's Keras config", () => {
    const input = st.Input({ shape: [3], dtype: "int64", name: "ids" });
    assert.equal(input.dtype, "int32");
    const model = new st.Model({ inputs: input, outputs: input });
    const config = model.getConfig() as { layers: { config: { dtype: string } }[] };
    assert.equal(config.layers[0]!.config.dtype, "int64");
  });
});

describe("string", () => {
  const grid = () =>
    st.tensor([
      ["a", "b", "c"],
      ["d", "e", "f"],
    ]);

  it("is inferred from nested strings and read back with stringValues and toArray", () => {
    const t = grid();
    assert.equal(t.dtype, "string");
    assert.deepEqual(t.shape, [2, 3]);
    assert.deepEqual(t.stringValues(), ["a", "b", "c", "d", "e", "f"]);
    assert.deepEqual(t.toArray(), [
      ["a", "b", "c"],
      ["d", "e", "f"],
    ]);
    assert.deepEqual(st.tensor(["x", "y"], [2, 1]).toArray(), [["x"], ["y"]]);
    assert.equal(st.tensor("solo").shape.length, 0);
    assert.match(String(st.tensor(['say "hi"'])), /\["say \\"hi\\""\], shape=\[1\], dtype=string/);
    assert.equal(st.tensor(["a"], undefined, "string").dtype, "string");
  });

  it("moves through reshape, transpose, take, slice, split, concatenate, stack, tile", () => {
    const t = grid();
    assert.deepEqual(ops.reshape(t, [3, 2]).toArray(), [
      ["a", "b"],
      ["c", "d"],
      ["e", "f"],
    ]);
    assert.deepEqual(ops.transpose(t).toArray(), [
      ["a", "d"],
      ["b", "e"],
      ["c", "f"],
    ]);
    assert.deepEqual(ops.take(t, [2, 0], 1).toArray(), [
      ["c", "a"],
      ["f", "d"],
    ]);
    assert.deepEqual(ops.take(t, [-1]).toArray(), ["f"]);
    assert.deepEqual(ops.slice(t, [1, 1], [1, 2]).toArray(), [["e", "f"]]);
    assert.deepEqual(
      ops.split(t, [1], 1).map((p) => p.toArray()),
      [
        [["a"], ["d"]],
        [
          ["b", "c"],
          ["e", "f"],
        ],
      ],
    );
    assert.deepEqual(ops.concatenate([t, st.tensor([["g", "h", "i"]])]).shape, [3, 3]);
    assert.deepEqual(ops.stack([st.tensor(["a", "b"]), st.tensor(["c", "d"])], 1).toArray(), [
      ["a", "c"],
      ["b", "d"],
    ]);
    assert.deepEqual(ops.tile(st.tensor(["p", "q"]), 2).toArray(), ["p", "q", "p", "q"]);
    assert.deepEqual(ops.broadcastTo(st.tensor(["z"]), [2, 2]).toArray(), [
      ["z", "z"],
      ["z", "z"],
    ]);
    assert.deepEqual(ops.squeeze(ops.expandDims(t, 0)).shape, [2, 3]);
  });

  it("compares with equal and notEqual, broadcasting", () => {
    const t = grid();
    assert.deepEqual(ops.equal(t, "e").toArray(), [
      [false, false, false],
      [false, true, false],
    ]);
    assert.deepEqual(ops.notEqual(t, st.tensor(["a", "x", "c"])).toArray(), [
      [false, true, false],
      [true, true, true],
    ]);
  });

  it("refuses arithmetic, numeric reads, casts and mixing with numbers, saying why", () => {
    const t = grid();
    assert.throws(() => ops.add(t, t), /string tensor of shape \[2,3\] reached an op on numbers/);
    assert.throws(() => ops.less(t, t), /string tensor/);
    assert.throws(() => t.dataSync(), /dataSync: this tensor has dtype string.*stringValues/);
    assert.throws(() => st.tensor("one").item(), /item: this tensor has dtype string/);
    assert.throws(() => ops.cast(t, "float32"), /cannot convert between string and float32/);
    assert.throws(() => ops.concatenate([t, st.ones([1, 3])]), /cannot combine a string tensor/);
    assert.throws(() => st.tensor(["a", 1] as never), /must be strings for dtype string/);
    assert.throws(() => st.tensor(["a", "b"], [3]), /2 values cannot take shape \[3\]/);
    assert.throws(() => st.zeros([2], "string"), /dtype "string" is not allowed here/);
    assert.throws(() => st.tensor([1, 2]).stringValues(), /only a string tensor has strings/);
  });

  it("stays on the host whichever backend is current", () => {
    const t = grid();
    const moved = t.to("reference");
    assert.deepEqual(moved.toArray(), t.toArray());
    st.setBackend("reference");
    try {
      assert.deepEqual(ops.take(t, [1], 0).toArray(), [["d", "e", "f"]]);
    } finally {
      st.setBackend(st.listBackends().includes("native") ? "native" : "ts");
    }
  });

  it("is a Dataset column: slices, batches, shuffles, unbatches and caches to a file", async () => {
    const ds = st.data.Dataset.fromTensorSlices({ text: ["a b", "c", "d e f"], label: [1, 0, 1] });
    const batches: { text: string[]; label: number[] }[] = [];
    for await (const b of ds.batch(2)) {
      const { text, label } = b as { text: st.Tensor; label: st.Tensor };
      assert.equal(text.dtype, "string");
      batches.push({ text: text.stringValues(), label: Array.from(label.dataSync()) });
    }
    assert.deepEqual(batches, [
      { text: ["a b", "c"], label: [1, 0] },
      { text: ["d e f"], label: [1] },
    ]);
    const shuffled: string[] = [];
    for await (const s of st.data.Dataset.fromTensorSlices(["p", "q", "r", "s"])
      .shuffle(4, { seed: 3 })
      .batch(3)
      .unbatch())
      shuffled.push((s as st.Tensor).stringValues()[0]!);
    assert.deepEqual([...shuffled].sort(), ["p", "q", "r", "s"]);

    const { mkdtemp, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const dir = await mkdtemp(join(tmpdir(), "strata-strings-"));
    try {
      const file = join(dir, "cache.rec");
      const cached = st.data.Dataset.fromTensorSlices(["ü", "", "line\nbreak"]).cache(file);
      const read = async (d: st.data.Dataset) => {
        const out: string[] = [];
        for await (const s of d) out.push((s as st.Tensor).stringValues()[0]!);
        return out;
      };
      assert.deepEqual(await read(cached), ["ü", "", "line\nbreak"]);
      const again = st.data.Dataset.fromTensorSlices(["not", "read"]).cache(file);
      assert.deepEqual(await read(again), ["ü", "", "line\nbreak"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("is an Input dtype: a model predicts on raw strings", async () => {
    const input = st.Input({ shape: [1], dtype: "string" });
    assert.equal(input.dtype, "string");
    const isYes = new st.layers.Lambda((x) =>
      ops.cast(ops.equal(x as st.Tensor, "yes"), "float32"),
    );
    const model = new st.Model({ inputs: input, outputs: isYes.apply(input) as never });
    const y = (await model.predict(st.tensor([["yes"], ["no"], ["yes"]]), {
      verbose: 0,
    })) as st.Tensor;
    assert.deepEqual(y.toArray(), [[1], [0], [1]]);
    const fromArrays = (await model.predict([["no"], ["yes"]] as never, {
      verbose: 0,
    })) as st.Tensor;
    assert.deepEqual(fromArrays.toArray(), [[0], [1]]);
  });
});
