import assert from "node:assert/strict";
import { it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { averagePool, maxPool } from "../../src/ops/pool.js";
import { assertClose, eachBackend, gradcheck, randn, valuesOf } from "../helpers.js";

const three = (v: readonly number[], fill: number): number[] => [
  ...Array(3 - v.length).fill(fill),
  ...v,
];

/** Naive pooling from TF's definition: windows clipped to the input, padding never counted. */
function refPool(
  kind: "max" | "avg",
  x: Tensor,
  k: number[],
  s: number[],
  padding: "valid" | "same",
): Tensor {
  const n = x.rank - 2;
  const [N, C] = [x.shape[0]!, x.shape[n + 1]!];
  const ins = x.shape.slice(1, n + 1);
  const outs = ins.map((len, i) =>
    padding === "valid" ? Math.floor((len - k[i]!) / s[i]!) + 1 : Math.ceil(len / s[i]!),
  );
  const pads = ins.map((len, i) =>
    padding === "valid" ? 0 : Math.floor(Math.max((outs[i]! - 1) * s[i]! + k[i]! - len, 0) / 2),
  );
  const [I, O, K, S, P] = [three(ins, 1), three(outs, 1), three(k, 1), three(s, 1), three(pads, 0)];
  const y: number[] = [];
  for (let b = 0; b < N; b++)
    for (let o0 = 0; o0 < O[0]!; o0++)
      for (let o1 = 0; o1 < O[1]!; o1++)
        for (let o2 = 0; o2 < O[2]!; o2++)
          for (let c = 0; c < C; c++) {
            let best = -Infinity;
            let sum = 0;
            let count = 0;
            for (let k0 = 0; k0 < K[0]!; k0++)
              for (let k1 = 0; k1 < K[1]!; k1++)
                for (let k2 = 0; k2 < K[2]!; k2++) {
                  const i0 = o0 * S[0]! - P[0]! + k0;
                  const i1 = o1 * S[1]! - P[1]! + k1;
                  const i2 = o2 * S[2]! - P[2]! + k2;
                  if (i0 < 0 || i0 >= I[0]! || i1 < 0 || i1 >= I[1]! || i2 < 0 || i2 >= I[2]!)
                    continue;
                  const v = Number(
                    valuesOf(x)[(((b * I[0]! + i0) * I[1]! + i1) * I[2]! + i2) * C + c],
                  );
                  best = Math.max(best, v);
                  sum += v;
                  count++;
                }
            y.push(kind === "max" ? best : sum / count);
          }
  return st.tensor(Float64Array.from(y), [N, ...outs, C]);
}

const CASES: { x: number[]; k: number[] }[] = [
  { x: [2, 9, 3], k: [3] },
  { x: [2, 7, 6, 3], k: [3, 2] },
  { x: [2, 5, 6, 5, 2], k: [2, 3, 2] },
];

eachBackend("pool", () => {
  it("matches the direct loop for every padding and stride in 1-D, 2-D and 3-D", () => {
    let seed = 1;
    for (const { x: xs, k } of CASES)
      for (const padding of ["valid", "same"] as const)
        for (const stride of [1, 2, null]) {
          const x = randn(xs, seed++);
          const s = stride === null ? k : k.map(() => stride);
          assertClose(maxPool(x, k, stride, padding), refPool("max", x, k, s, padding), {
            rtol: 1e-12,
          });
          assertClose(averagePool(x, k, stride, padding), refPool("avg", x, k, s, padding), {
            rtol: 1e-12,
          });
        }
  });

  it("takes Keras's positional signature: strides default to poolSize, padding to valid", () => {
    const x = st.tensor([[[1], [5], [2], [4], [3]]]);
    assertClose(maxPool(x, 2), [[[5], [4]]]);
    assertClose(averagePool(x, 2), [[[3], [3]]]);
    // same: out = ⌈5/2⌉ = 3, total pad 1 goes after; the last window holds only [3].
    assertClose(maxPool(x, 2, 2, "same"), [[[5], [4], [3]]]);
    assertClose(averagePool(x, 2, 2, "same"), [[[3], [3], [3]]]);
    assertClose(averagePool(x, 3, 1, "same"), [[[3], [8 / 3], [11 / 3], [3], [3.5]]]);
    const y = maxPool(
      st.tensor([
        [
          [[-1], [-2]],
          [[-3], [-4]],
        ],
      ]),
      [3, 3],
      1,
      "same",
    );
    assertClose(
      y,
      [
        [
          [[-1], [-1]],
          [[-1], [-1]],
        ],
      ],
      { rtol: 0, atol: 0 },
    ); // padding never wins
    const x2 = randn([2, 8, 7, 3], 40);
    assertClose(maxPool(x2, [2, 3], [1, 2], "same"), refPool("max", x2, [2, 3], [1, 2], "same"));
    assert.equal(maxPool(st.ops.cast(x2, "float32"), 2).dtype, "float32");
    assert.equal(
      averagePool(st.tensor(new Int32Array([1, 2, 3, 4]), [1, 4, 1]), 2).dtype,
      "float32",
    );
  });

  it("checks maxPool and averagePool gradients against finite differences", () => {
    for (const [xs, k, stride, padding] of [
      [[2, 7, 3], [3], 2, "same"],
      [[2, 5, 4, 2], [2, 2], 1, "valid"],
      [[1, 4, 5, 3, 2], [2, 3, 2], 2, "same"],
      [[1, 5, 5, 2], [3, 3], 1, "same"],
    ] as [number[], number[], number, "valid" | "same"][]) {
      gradcheck((x) => maxPool(x, k, stride, padding), [randn(xs, 20)]);
      gradcheck((x) => averagePool(x, k, stride, padding), [randn(xs, 21)]);
    }
  });

  it("routes the max gradient to the first winner and supports second derivatives", () => {
    const x = st.tensor([[[1], [3], [3], [0]]], undefined, "float64");
    const g = st.grad((t: Tensor) => st.ops.sum(maxPool(t, 2, 1)))(x) as Tensor;
    assertClose(g, [[[0], [2], [1], [0]]]);
    // d/dx Σ pool(x)² = poolᵀ(2·pool(x)): gradcheck of that exercises the recorded backward.
    for (const pool of [maxPool, averagePool]) {
      const inner = st.grad((t: Tensor) => st.ops.sum(st.ops.square(pool(t, [2, 2], 1, "same"))));
      gradcheck((t) => inner(t) as Tensor, [randn([1, 4, 3, 2], 30)]);
    }
  });

  it("rejects bad inputs with the op, the argument and the shapes", () => {
    assert.throws(() => maxPool(st.zeros([4, 3]), 2), {
      name: "ShapeError",
      message: /^maxPool: inputs must have rank 3, 4 or 5.*\[4,3\]/,
    });
    assert.throws(() => averagePool(st.zeros([1, 3, 3, 1]), [4, 2]), {
      name: "ShapeError",
      message: /^averagePool: poolSize \[4,2\] is larger than inputs \[1,3,3,1\] on spatial axis 0/,
    });
    assert.throws(() => maxPool(st.zeros([1, 3, 3, 1]), [2, 2, 2]), {
      name: "ValueError",
      message: /^maxPool: poolSize must be/,
    });
    assert.throws(() => maxPool(st.zeros([1, 3, 3, 1]), 2, 0), {
      name: "ValueError",
      message: /^maxPool: strides/,
    });
    assert.throws(() => maxPool(st.zeros([1, 3, 3, 1]), 2, 1, "causal" as never), {
      name: "ValueError",
      message: /maxPool: padding/,
    });
  });
});
