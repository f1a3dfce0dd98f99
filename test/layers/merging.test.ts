import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { Input } from "../../src/layers/core/input.js";
import { maskOf, type SymbolicTensor } from "../../src/layers/layer.js";
import {
  Add,
  Average,
  Maximum,
  Minimum,
  Multiply,
  Subtract,
  add,
  average,
  maximum,
  minimum,
  multiply,
  subtract,
} from "../../src/layers/merging/arithmetic.js";
import type { Merge } from "../../src/layers/merging/base-merge.js";
import { Concatenate, concatenate } from "../../src/layers/merging/concatenate.js";
import { Dot, dot } from "../../src/layers/merging/dot.js";
import { assertClose, randn } from "../helpers.js";
import { runLayerTest } from "./layer-test.js";

const flat = (t: Tensor): number[] => Array.from(t.dataSync(), Number);

/** Elementwise references over flattened same-shaped inputs. */
const REFS: [string, (dtype: st.DType) => Merge, (vs: number[]) => number][] = [
  ["Add", (dtype) => new Add({ dtype }), (vs) => vs.reduce((a, b) => a + b)],
  ["Multiply", (dtype) => new Multiply({ dtype }), (vs) => vs.reduce((a, b) => a * b)],
  ["Average", (dtype) => new Average({ dtype }), (vs) => vs.reduce((a, b) => a + b) / vs.length],
  ["Maximum", (dtype) => new Maximum({ dtype }), (vs) => Math.max(...vs)],
  ["Minimum", (dtype) => new Minimum({ dtype }), (vs) => Math.min(...vs)],
];

describe("elementwise merges", () => {
  for (const [name, make, ref] of REFS) {
    it(`${name} passes the layer test and matches a reference`, () => {
      runLayerTest(make, {
        inputShape: [2, 3],
        inputShapes: [
          [2, 3, 4],
          [2, 3, 4],
        ],
        expectedOutputShape: [2, 3, 4],
      });
      runLayerTest(make, {
        inputShape: [2, 3],
        inputShapes: [
          [2, 5],
          [2, 5],
          [2, 5],
        ],
        expectedOutputShape: [2, 5],
      });
      const xs = [randn([2, 3], 1), randn([2, 3], 2), randn([2, 3], 3)];
      const cols = xs.map(flat);
      assertClose(
        make("float64").apply(xs),
        cols[0]!.map((_, i) => ref(cols.map((c) => c[i]!))),
        {
          rtol: 1e-12,
          atol: 1e-12,
        },
      );
    });
  }

  it("Subtract passes the layer test and computes a - b", () => {
    runLayerTest((dtype) => new Subtract({ dtype }), {
      inputShape: [2, 3],
      inputShapes: [
        [2, 3, 4],
        [2, 3, 4],
      ],
      expectedOutputShape: [2, 3, 4],
    });
    const a = randn([2, 3], 1);
    const b = randn([2, 3], 2);
    assertClose(
      new Subtract().apply([a, b]),
      flat(a).map((v, i) => v - flat(b)[i]!),
    );
  });

  it("broadcasts as Keras does: a lower-rank input gets axes after its batch axis", () => {
    runLayerTest((dtype) => new Add({ dtype }), {
      inputShape: [2, 3],
      inputShapes: [
        [2, 3, 4],
        [2, 4],
      ],
      expectedOutputShape: [2, 3, 4],
    });
    runLayerTest((dtype) => new Multiply({ dtype }), {
      inputShape: [2, 3],
      inputShapes: [
        [2, 3, 1],
        [2, 1, 4],
      ],
      expectedOutputShape: [2, 3, 4],
    });
    const a = randn([2, 3, 4], 1);
    const b = randn([2, 4], 2);
    const as = flat(a);
    const bs = flat(b);
    const ref = as.map((v, i) => v + bs[Math.floor(i / 12) * 4 + (i % 4)]!);
    assertClose(new Add().apply([a, b]), ref, { rtol: 1e-12, atol: 1e-12 });
    const sym = new Add().apply([Input({ shape: [null, 4] }), Input({ shape: [4] })]);
    assert.deepEqual(sym.shape, [null, null, 4]);
  });

  it("fails at declaration naming the layer and every input shape", () => {
    assert.throws(
      () => new Add({ name: "sum" }).apply([Input({ shape: [3] }), Input({ shape: [4] })]),
      {
        message:
          'Layer "sum" (Add): inputs have incompatible shapes (they must be equal or broadcast); ' +
          "received shapes (None, 3), (None, 4)",
      },
    );
    assert.throws(
      () =>
        new Subtract({ name: "sub" }).apply([
          Input({ shape: [3] }),
          Input({ shape: [3] }),
          Input({ shape: [3] }),
        ]),
      {
        message:
          'Layer "sub" (Subtract): a Subtract layer must be called on exactly 2 inputs; received 3: (None, 3), (None, 3), (None, 3)',
      },
    );
    assert.throws(() => new Add({ name: "one" }).apply(Input({ shape: [3] })), {
      message: /^Layer "one" \(Add\): a Add layer must be called on a list of inputs/,
    });
    assert.throws(
      () => new Add().apply([st.zeros([2, 3]), st.zeros([3, 3])]),
      /different batch sizes/,
    );
    const a = new Add({ name: "later" });
    a.apply([st.zeros([2, 3]), st.zeros([2, 3])]);
    assert.throws(
      () => a.apply([st.zeros([2, 3]), st.zeros([2, 5])]),
      /^.*Layer "later" \(Add\): inputs have incompatible shapes/,
    );
  });

  it("ORs the input masks, none if an input has none (Keras Merge.compute_mask)", () => {
    const m1 = st.tensor([[true, false, false]]);
    const m2 = st.tensor([[false, false, true]]);
    const x = st.ones([1, 3, 2]);
    assert.deepEqual(maskOf(new Add().apply([x, x], { mask: [m1, m2] }))?.toArray(), [
      [true, false, true],
    ]);
    assert.equal(maskOf(new Add().apply([x, x], { mask: [m1, null] })), null);
  });

  it("keeps the input dtype (Average of ints is float)", () => {
    const i = Input({ shape: [3], dtype: "int32" });
    assert.equal(new Add().apply([i, i]).dtype, "int32");
    assert.equal(new Average().apply([i, i]).dtype, "float32");
    const ints = st.tensor([[1, 2]], undefined, "int32");
    assert.equal(new Add().apply([ints, ints]).dtype, "int32");
  });

  it("has function forms for symbolic and eager inputs", () => {
    const a = st.tensor([[1, 5]]);
    const b = st.tensor([[3, 2]]);
    assertClose(add([a, b]), [[4, 7]]);
    assertClose(subtract([a, b]), [[-2, 3]]);
    assertClose(multiply([a, b]), [[3, 10]]);
    assertClose(average([a, b]), [[2, 3.5]]);
    assertClose(maximum([a, b]), [[3, 5]]);
    assertClose(minimum([a, b]), [[1, 2]]);
    const s: SymbolicTensor = add([Input({ shape: [2] }), Input({ shape: [2] })], {
      name: "added",
    });
    assert.deepEqual(s.shape, [null, 2]);
    assert.equal(s.node?.layer.name, "added");
  });
});

describe("Concatenate", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new Concatenate({ dtype }), {
      inputShape: [2, 3],
      inputShapes: [
        [2, 3, 4],
        [2, 3, 2],
      ],
      expectedOutputShape: [2, 3, 6],
    });
    runLayerTest((dtype) => new Concatenate({ dtype, axis: 1 }), {
      inputShape: [2, 3],
      inputShapes: [
        [2, 3, 4],
        [2, 1, 4],
        [2, 2, 4],
      ],
      expectedOutputShape: [2, 6, 4],
    });
  });

  it("joins like a reference loop", () => {
    const a = randn([2, 2], 1);
    const b = randn([2, 3], 2);
    const ref = [0, 1].flatMap((r) => [
      ...flat(a).slice(r * 2, r * 2 + 2),
      ...flat(b).slice(r * 3, r * 3 + 3),
    ]);
    assertClose(concatenate([a, b]), ref, { rtol: 0, atol: 0 });
    assert.deepEqual(new Concatenate().getConfig().axis, -1);
    const sym = concatenate([Input({ shape: [null, 3] }), Input({ shape: [4, 3] })], { axis: 1 });
    assert.deepEqual(sym.shape, [null, null, 3]);
  });

  it("infers unknown axes and rejects mismatches at declaration", () => {
    const y = concatenate([Input({ shape: [null, 3] }), Input({ shape: [5, 2] })]);
    assert.deepEqual(y.shape, [null, 5, 5]);
    assert.throws(
      () =>
        new Concatenate({ name: "cat" }).apply([
          Input({ shape: [4, 3] }),
          Input({ shape: [5, 2] }),
        ]),
      {
        message:
          'Layer "cat" (Concatenate): a Concatenate layer needs inputs with matching shapes except on the ' +
          "concatenation axis (axis=-1); axis 1 differs; received shapes (None, 4, 3), (None, 5, 2)",
      },
    );
    assert.throws(
      () => concatenate([Input({ shape: [4, 3] }), Input({ shape: [3] })]),
      /their ranks differ/,
    );
    assert.throws(
      () => concatenate([Input({ shape: [3] }), Input({ shape: [3] })], { axis: 2 }),
      /out of range/,
    );
    assert.throws(() => new Concatenate({ axis: 0.5 }), /axis must be an integer/);
  });

  it("concatenates masks as Keras does", () => {
    const a = st.ones([1, 3, 2]);
    const b = st.ones([1, 3, 4]);
    const m = st.tensor([[true, false, false]]);
    // Features joined: a position is unmasked if either side is; b has no mask (all true).
    const joined = new Concatenate().apply([a, b], { mask: [m, null] });
    assert.deepEqual(maskOf(joined)?.toArray(), [[true, true, true]]);
    const both = new Concatenate().apply([a, b], { mask: [m, st.tensor([[false, false, true]])] });
    assert.deepEqual(maskOf(both)?.toArray(), [[true, false, true]]);
    // Steps joined: the masks line up one after the other.
    const c = st.ones([1, 2, 2]);
    const mc = st.tensor([[false, true]]);
    const y = new Concatenate({ axis: 1 }).apply([a, c], { mask: [m, mc] });
    assert.deepEqual(maskOf(y)?.toArray(), [[true, false, false, false, true]]);
    assert.equal(maskOf(new Concatenate().apply([a, b], { mask: [null, null] })), null);
  });
});

/** Reference batch dot: out[n, i…, j…] = Σ_k x[n, …k…] y[n, …k…] over the chosen axes. */
function refDot(x: number[][][], y: number[][][]): number[][][] {
  // x: [n, k, p] (axis 1), y: [n, q, k] (axis 2) → out [n, p, q]
  return x.map((xs, n) =>
    xs[0]!.map((_, p) => y[n]!.map((yrow) => yrow.reduce((s, v, k) => s + xs[k]![p]! * v, 0))),
  );
}

describe("Dot", () => {
  it("passes the layer test", () => {
    runLayerTest((dtype) => new Dot(1, { dtype }), {
      inputShape: [2, 3],
      inputShapes: [
        [2, 4],
        [2, 4],
      ],
      expectedOutputShape: [2, 1],
    });
    runLayerTest((dtype) => new Dot([1, 2], { dtype }), {
      inputShape: [2, 3],
      inputShapes: [
        [2, 3, 5],
        [2, 4, 3],
      ],
      expectedOutputShape: [2, 5, 4],
    });
    runLayerTest((dtype) => new Dot(-1, { dtype, normalize: true }), {
      inputShape: [2, 3],
      inputShapes: [
        [2, 3, 4],
        [2, 4],
      ],
      expectedOutputShape: [2, 3],
    });
  });

  it("sums over the chosen axes per sample", () => {
    const x = randn([2, 3, 5], 1);
    const y = randn([2, 4, 3], 2);
    const out = new Dot([1, 2]).apply([x, y]);
    assertClose(out, refDot(x.toArray() as number[][][], y.toArray() as number[][][]), {
      rtol: 1e-12,
      atol: 1e-12,
    });
    const a = st.tensor([
      [1, 2],
      [3, 4],
    ]);
    const b = st.tensor([
      [5, 6],
      [7, 8],
    ]);
    assertClose(dot([a, b], 1), [[17], [53]]);
  });

  it("gives cosine similarities with normalize", () => {
    const a = randn([3, 4], 1);
    const b = randn([3, 4], 2);
    const as = a.toArray() as number[][];
    const bs = b.toArray() as number[][];
    const ref = as.map((r, i) => {
      const d = r.reduce((s, v, k) => s + v * bs[i]![k]!, 0);
      const n = (v: number[]) => Math.sqrt(v.reduce((s, e) => s + e * e, 0));
      return [d / (n(r) * n(bs[i]!))];
    });
    assertClose(dot([a, b], -1, { normalize: true }), ref, { rtol: 1e-10 });
  });

  it("writes Keras's config and rejects bad axes and shapes", () => {
    const c = new Dot([1, 2], { normalize: true }).getConfig();
    assert.deepEqual([c.axes, c.normalize], [[1, 2], true]);
    assert.throws(() => new Dot([1, 2, 3] as never, { name: "d" }), {
      message:
        'Layer "d" (Dot): axes must be an integer or a list of two integers; received axes=[1,2,3]',
    });
    assert.throws(
      () => new Dot(1, { name: "d2" }).apply([Input({ shape: [3] }), Input({ shape: [4] })]),
      {
        message:
          'Layer "d2" (Dot): incompatible input shapes: axis 1 of the first input has size 3 but axis 1 of ' +
          "the second has size 4; received shapes (None, 3), (None, 4)",
      },
    );
    assert.throws(
      () => new Dot(0).apply([Input({ shape: [3] }), Input({ shape: [3] })]),
      /non-batch axis/,
    );
    assert.throws(() => new Dot(1).apply([Input({ shape: [3] })]), /exactly 2 inputs/);
    assert.equal(
      maskOf(
        new Dot(1).apply([st.ones([1, 2]), st.ones([1, 2])], {
          mask: [st.tensor([true]), st.tensor([true])],
        }),
      ),
      null,
    );
  });
});
