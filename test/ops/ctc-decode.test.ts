/**
 * ops.ctcDecode (keras.ops.ctc_decode): Keras's literal cases from nn_test.py, and beam search
 * with a beam wide enough to be exact against brute force in the test — every alignment of
 * classes to frames enumerated in float64, collapsed (repeats merged, the mask dropped) and
 * summed per label sequence.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { assertClose } from "../helpers.js";

const KERAS_INPUTS = [
  [
    [0.1, 0.4, 0.2, 0.4],
    [0.3, -0.3, 0.4, 0.2],
    [0.3, 0.2, 0.4, 0.3],
  ],
  [
    [0.7, 0.4, 0.3, 0.2],
    [0.3, 0.3, 0.4, 0.1],
    [0.6, -0.1, 0.1, 0.5],
  ],
  [
    [0.1, 0.4, 0.2, 0.7],
    [0.3, 0.3, -0.2, 0.7],
    [0.3, 0.2, 0.4, 0.1],
  ],
];

/** log P(labels) for every label sequence of one sample's first `length` frames, best first. */
function bruteForce(logits: number[][], length: number, mask: number): [string, number][] {
  const classes = logits[0]!.length;
  const logp = logits.slice(0, length).map((row) => {
    const m = Math.max(...row);
    const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
    return row.map((v) => v - lse);
  });
  const totals = new Map<string, number>();
  const walk = (t: number, prev: number, labels: number[], lp: number): void => {
    if (t === length) {
      const key = labels.join(",");
      totals.set(key, (totals.get(key) ?? 0) + Math.exp(lp));
      return;
    }
    for (let k = 0; k < classes; k++) {
      const next = k !== mask && k !== prev ? [...labels, k] : labels;
      walk(t + 1, k, next, lp + logp[t]![k]!);
    }
  };
  walk(0, -1, [], 0);
  return [...totals.entries()]
    .map(([k, p]): [string, number] => [k, Math.log(p)])
    .sort((a, b) => b[1] - a[1]);
}

describe("ops.ctcDecode", () => {
  it("decodes Keras's nn_test.py case greedily, with and without merging", () => {
    const [d1, s1] = st.ops.ctcDecode(KERAS_INPUTS, [3, 3, 1], {
      strategy: "greedy",
      maskIndex: 0,
    });
    assert.deepEqual(d1.shape, [1, 3, 3]);
    assert.equal(d1.dtype, "int32");
    assert.deepEqual([...d1.dataSync()], [1, 2, -1, 2, -1, -1, 3, -1, -1]);
    assertClose(s1, [[-1.2], [-1.7], [-0.7]]);
    const [d2, s2] = st.ops.ctcDecode(KERAS_INPUTS, [3, 3, 1], { mergeRepeated: false });
    assert.deepEqual([...d2.dataSync()], [1, 2, 2, 2, -1, -1, 3, -1, -1]);
    assertClose(s2, [[-1.2], [-1.7], [-0.7]]);
  });

  it("decodes Keras's nn_test.py case by beam search", () => {
    const [d, s] = st.ops.ctcDecode(KERAS_INPUTS, [3, 3, 1], {
      strategy: "beam_search",
      beamWidth: 4,
      topPaths: 2,
      maskIndex: 0,
    });
    assert.deepEqual(d.shape, [2, 3, 3]);
    assert.deepEqual(
      [...d.dataSync()],
      [1, 2, -1, 2, -1, -1, 3, -1, -1, 2, -1, -1, 3, -1, -1, 1, -1, -1],
    );
    assertClose(s, [
      [-2.426537, -2.435596],
      [-2.127681, -2.182338],
      [-1.063386, -1.363386],
    ]);
  });

  it("finds the exact best label sequences with a wide beam", () => {
    const batch = 3;
    const frames = 5;
    const classes = 3;
    const x = st.random.normal([batch, frames, classes], {
      seed: 9,
      stddev: 1.5,
      dtype: "float64",
    });
    const v = Array.from(x.dataSync());
    const lengths = [5, 3, 1];
    for (const maskIndex of [0, 2, null]) {
      const mask = maskIndex ?? classes - 1;
      const [d, s] = st.ops.ctcDecode(x, lengths, {
        strategy: "beam_search",
        beamWidth: 100,
        topPaths: 3,
        maskIndex,
      });
      for (let b = 0; b < batch; b++) {
        const logits = Array.from({ length: frames }, (_, t) =>
          v.slice((b * frames + t) * classes, (b * frames + t + 1) * classes),
        );
        const expected = bruteForce(logits, lengths[b]!, mask);
        for (let p = 0; p < Math.min(3, expected.length); p++) {
          const row = [...d.dataSync()].slice(
            (p * batch + b) * frames,
            (p * batch + b + 1) * frames,
          );
          const labels = row.filter((k) => k !== -1).join(",");
          assert.equal(labels, expected[p]![0], `sample ${b} path ${p} (mask ${mask})`);
          assert.ok(Math.abs(s.dataSync()[b * 3 + p]! - expected[p]![1]) < 1e-9);
        }
      }
    }
  });

  it("greedy takes each frame's first best class and the last class as mask when null", () => {
    const x = st.random.normal([2, 6, 4], { seed: 4 });
    const v = Array.from(x.dataSync());
    const [d, s] = st.ops.ctcDecode(x, [6, 4], { maskIndex: null });
    for (let b = 0; b < 2; b++) {
      const best = Array.from({ length: [6, 4][b]! }, (_, t) => {
        const row = v.slice((b * 6 + t) * 4, (b * 6 + t + 1) * 4);
        return row.indexOf(Math.max(...row));
      });
      const labels = best.filter((k, t) => k !== 3 && (t === 0 || best[t - 1] !== k));
      const row = [...d.dataSync()].slice(b * 6, b * 6 + 6);
      assert.deepEqual(row, [...labels, ...new Array<number>(6 - labels.length).fill(-1)]);
      const sum = best.reduce((acc, k, t) => acc + v[(b * 6 + t) * 4 + k]!, 0);
      assertClose([s.dataSync()[b]!], [-sum]);
    }
  });

  it("refuses what Keras refuses", () => {
    const x = st.zeros([1, 2, 3]);
    assert.throws(() => st.ops.ctcDecode(x, [2], { strategy: "best" as never }), /strategy/);
    assert.throws(() => st.ops.ctcDecode(st.zeros([2, 3]), [2]), st.ShapeError);
    assert.throws(() => st.ops.ctcDecode(x, [2, 2]), st.ShapeError);
    assert.throws(
      () => st.ops.ctcDecode(x, [2], { strategy: "beam_search", beamWidth: 2, topPaths: 3 }),
      /topPaths/,
    );
    assert.throws(() => st.ops.ctcDecode(x, [2], { maskIndex: 3 }), /maskIndex/);
  });
});
