import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { setSeed } from "../../src/tensor/random.js";
import { dropout, shuffle } from "../../src/ops/nn.js";
import { assertClose, eachBackend, gradcheck, randn, valuesOf } from "../helpers.js";

const values = (t: Tensor): number[] => Array.from(t.dataSync(), Number);

eachBackend("nn random ops", () => {
  it("dropout zeroes about `rate` of the entries and preserves the mean", () => {
    const n = 100_000;
    for (const rate of [0.1, 0.5, 0.8]) {
      const y = dropout(st.ones([n]), rate, { seed: 1 });
      const v = values(y);
      const zeros = v.filter((e) => e === 0).length / n;
      // Binomial standard deviation is at most 0.0016 here; 0.01 is over six of them.
      assert.ok(Math.abs(zeros - rate) < 0.01, `rate ${rate}: zero fraction ${zeros}`);
      const mean = v.reduce((a, b) => a + b, 0) / n;
      assert.ok(Math.abs(mean - 1) < 0.03, `rate ${rate}: mean ${mean}`);
      const kept = new Set(v.filter((e) => e !== 0));
      assert.deepEqual([...kept], [Math.fround(1 / (1 - rate))]);
    }
  });

  it("dropout keeps dtype and shape, and rate 0 is the identity", () => {
    const x = randn([3, 4], 1);
    const y = dropout(x, 0.5, { seed: 2 });
    assert.equal(y.dtype, "float64");
    assert.deepEqual(y.shape, [3, 4]);
    values(y).forEach((e, i) => assert.ok(e === 0 || Math.abs(e - 2 * valuesOf(x)[i]!) < 1e-12));
    assert.equal(dropout(x, 0), x);
    assert.equal(dropout(st.tensor(new Int32Array([1, 2])), 0.5, { seed: 1 }).dtype, "float32");
  });

  it("dropout is reproducible with a seed and with setSeed", () => {
    const x = st.ones([1000]);
    assert.deepEqual(values(dropout(x, 0.3, { seed: 42 })), values(dropout(x, 0.3, { seed: 42 })));
    assert.notDeepEqual(
      values(dropout(x, 0.3, { seed: 42 })),
      values(dropout(x, 0.3, { seed: 43 })),
    );
    setSeed(7);
    const a = values(dropout(x, 0.3));
    const b = values(dropout(x, 0.3));
    assert.notDeepEqual(a, b, "successive unseeded masks differ");
    setSeed(7);
    assert.deepEqual(values(dropout(x, 0.3)), a);
    assert.deepEqual(values(dropout(x, 0.3)), b);
    st.random.setSeed(7);
    assert.deepEqual(values(dropout(x, 0.3)), a, "st.random.setSeed drives the same generator");
  });

  it("dropout shares decisions along noiseShape's size-1 axes", () => {
    const x = st.ones([50, 8]);
    for (const noiseShape of [
      [50, 1],
      [null, 1],
    ]) {
      const y = st.ops
        .cast(dropout(x, 0.5, { noiseShape, seed: 3 }), "float64")
        .toArray() as number[][];
      for (const row of y)
        assert.ok(
          row.every((e) => e === row[0]),
          `rows are all kept or all dropped`,
        );
      const dropped = y.filter((row) => row[0] === 0).length;
      assert.ok(dropped > 10 && dropped < 40, `${dropped} of 50 rows dropped`);
    }
    const cols = dropout(x, 0.5, { noiseShape: [1, 8], seed: 4 }).toArray() as number[][];
    for (const row of cols) assert.deepEqual(row, cols[0]);
  });

  it("dropout passes the gradient through the kept entries, scaled", () => {
    gradcheck((t) => dropout(t, 0.4, { seed: 5 }), [randn([4, 5], 6)]);
    gradcheck((t) => dropout(t, 0.5, { seed: 6, noiseShape: [1, 3, 1] }), [randn([2, 3, 2], 7)]);
    const g = st.grad((t: Tensor) => st.ops.sum(dropout(t, 0.75, { seed: 8 })))(
      st.ones([100], "float64"),
    );
    const y = dropout(st.ones([100], "float64"), 0.75, { seed: 8 });
    assertClose(g as Tensor, y);
  });

  it("dropout rejects a bad rate, noiseShape or seed", () => {
    const x = st.zeros([2, 3]);
    for (const rate of [1, -0.1, NaN, 1.5]) {
      assert.throws(() => dropout(x, rate), {
        name: "ValueError",
        message: `dropout: rate must be a number in [0, 1); received ${rate}`,
      });
    }
    assert.throws(() => dropout(x, 0.5, { noiseShape: [2, 2] }), {
      name: "ShapeError",
      message:
        "dropout: noiseShape [2,2] does not broadcast to the input shape [2,3] (each entry must be 1, null or the input's size)",
    });
    assert.throws(() => dropout(x, 0.5, { noiseShape: [3] }), { name: "ShapeError" });
    assert.throws(() => dropout(x, 0.5, { seed: 1.5 }), {
      name: "ValueError",
      message: "dropout: seed must be an integer; received 1.5",
    });
  });

  it("shuffle permutes along an axis, reproducibly with a seed", () => {
    const x = st.ops.reshape(st.arange(0, 40, 1, "float64"), [10, 4]);
    const y = shuffle(x, { seed: 1 });
    const rowsOf = (t: Tensor): number[][] => t.toArray() as number[][];
    // Each output row is an input row, and every input row appears once.
    const starts = rowsOf(y).map((r) => {
      assert.deepEqual(r, [r[0]!, r[0]! + 1, r[0]! + 2, r[0]! + 3]);
      return r[0]!;
    });
    assert.deepEqual(
      [...starts].sort((a, b) => a - b),
      [0, 4, 8, 12, 16, 20, 24, 28, 32, 36],
    );
    assert.notDeepEqual(starts, [0, 4, 8, 12, 16, 20, 24, 28, 32, 36]);
    assert.deepEqual(values(shuffle(x, { seed: 1 })), values(y));
    setSeed(3);
    const a = values(shuffle(x));
    setSeed(3);
    assert.deepEqual(values(shuffle(x)), a);

    const cols = rowsOf(shuffle(x, { axis: 1, seed: 2 }));
    const perm = cols[0]!;
    cols.forEach((r, i) =>
      assert.deepEqual(
        r,
        perm.map((c) => c + 4 * i),
      ),
    );
    assert.deepEqual([...perm].sort(), [0, 1, 2, 3]);
    assert.equal(shuffle(st.tensor(new Int32Array([1, 2, 3])), { seed: 1 }).dtype, "int32");
  });

  it("shuffle routes gradients back through the permutation", () => {
    gradcheck((t) => shuffle(t, { seed: 4 }), [randn([5, 3], 9)]);
    gradcheck((t) => shuffle(t, { axis: -1, seed: 5 }), [randn([2, 6], 10)]);
  });

  it("shuffle rejects scalars and bad axes", () => {
    assert.throws(() => shuffle(st.tensor(1)), {
      name: "ValueError",
      message: "shuffle: x must have at least one axis; received a scalar",
    });
    assert.throws(() => shuffle(st.zeros([2]), { axis: 1 }), {
      name: "ValueError",
      message: "shuffle: axis 1 is out of range for a tensor of rank 1",
    });
  });
});
