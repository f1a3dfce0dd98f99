import assert from "node:assert/strict";
import { test } from "node:test";
import * as st from "../../../src/index.js";
import { kerasWeightPaths } from "../../../src/tools/tensorboard/keras-weight-paths.js";

// The expected paths are what Keras 3.15 prints (`[w.path for l in model.layers for w in
// l.weights]`) for the same models built in Python.
test("weight paths follow Keras's build scopes: Sequential prefixes its name, functional not", () => {
  const innerSeq = new st.Sequential(
    [st.Input({ shape: [3] }), new st.layers.Dense(2, { name: "d1" })],
    { name: "inner_seq" },
  );
  const i2 = st.Input({ shape: [2] });
  const innerFn = new st.Model({
    inputs: i2,
    outputs: new st.layers.Dense(2, { name: "d2" }).apply(i2),
    name: "inner_fn",
  });
  const lazySeq = new st.Sequential([new st.layers.Dense(2, { name: "d3" })], { name: "lazy_seq" });
  const x = st.Input({ shape: [3] });
  const h = lazySeq.apply(innerFn.apply(innerSeq.apply(x)));
  const outer = new st.Model({
    inputs: x,
    outputs: new st.layers.Dense(1, { name: "top" }).apply(h),
    name: "outer",
  });
  assert.deepEqual(
    kerasWeightPaths(outer).map((w) => w.path),
    [
      "inner_seq/d1/kernel",
      "inner_seq/d1/bias",
      "d2/kernel",
      "d2/bias",
      "lazy_seq/d3/kernel",
      "lazy_seq/d3/bias",
      "top/kernel",
      "top/bias",
    ],
  );
  const seq = new st.Sequential(
    [
      st.Input({ shape: [3] }),
      new st.layers.Dense(2, { name: "a" }),
      innerFn,
      new st.Sequential([new st.layers.Dense(2, { name: "b" })], { name: "sub" }),
    ],
    { name: "outer_seq" },
  );
  assert.deepEqual(
    kerasWeightPaths(seq).map((w) => w.path),
    [
      "outer_seq/a/kernel",
      "outer_seq/a/bias",
      "d2/kernel",
      "d2/bias",
      "outer_seq/sub/b/kernel",
      "outer_seq/sub/b/bias",
    ],
  );
});
