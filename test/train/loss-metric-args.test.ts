// Loss and metric arguments audited against Keras 3.16's signatures and unit tests: label
// smoothing over a non-last `axis`, SparseCategoricalCrossentropy's `axis` (loss) and
// `ignoreClass` (metric), SparseTopKCategoricalAccuracy's `fromSortedIds`.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as losses from "../../src/train/losses/index.js";
import * as M from "../../src/train/metrics/index.js";
import { assertClose } from "../helpers.js";

describe("CategoricalCrossentropy's label smoothing over `axis`", () => {
  it("divides the smoothing by the size of the class axis it is given (Keras's unit test)", () => {
    const yt = [
      [
        [1, 0],
        [0, 1],
        [0, 0],
      ],
      [
        [0, 1],
        [1, 0],
        [0, 0],
      ],
    ];
    const yp = [
      [
        [0.8, 0.1],
        [0.1, 0.8],
        [0.1, 0.1],
      ],
      [
        [0.1, 0.8],
        [0.8, 0.1],
        [0.1, 0.1],
      ],
    ];
    // classes on axis 1 (3 of them), 2 spatial positions: −Σ_c z log p with z = y·0.9 + 0.1/3.
    let total = 0;
    for (let b = 0; b < 2; b++) {
      for (let j = 0; j < 2; j++) {
        for (let c = 0; c < 3; c++)
          total -= (yt[b]![c]![j]! * 0.9 + 0.1 / 3) * Math.log(yp[b]![c]![j]!);
      }
    }
    const loss = new losses.CategoricalCrossentropy({ labelSmoothing: 0.1, axis: 1 });
    assertClose(loss.apply(yt, yp), total / 4, { atol: 1e-6 });
    const metric = new M.CategoricalCrossentropy({ labelSmoothing: 0.1, axis: 1 });
    metric.updateState(yt, yp);
    assertClose(metric.result(), total / 4, { atol: 1e-6 });
  });
});

describe("SparseCategoricalCrossentropy's axis and ignoreClass", () => {
  it("takes `axis` on the loss class and keeps it in the config", () => {
    // [batch=1, classes=3, positions=2]; labels [1, 2] at axis 1.
    const p = [
      [
        [0.2, 0.1],
        [0.5, 0.3],
        [0.3, 0.6],
      ],
    ];
    const loss = new losses.SparseCategoricalCrossentropy({ axis: 1, reduction: null });
    assertClose(loss.apply([[1, 2]], p), [[-Math.log(0.5), -Math.log(0.6)]], { rtol: 1e-6 });
    // y_true with a size-1 class axis at `axis` loses it (Keras's unit test: shape (2, 4, 4)).
    assertClose(loss.apply([[[1, 2]]], p), [[-Math.log(0.5), -Math.log(0.6)]], { rtol: 1e-6 });
    assert.deepEqual(
      losses.sparseCategoricalCrossentropy(
        new Array(2).fill(new Array(1).fill(new Array(4).fill(new Array(4).fill(1)))),
        new Array(2).fill(new Array(2).fill(new Array(4).fill(new Array(4).fill(0.5)))),
        { axis: 1 },
      ).shape,
      [2, 4, 4],
    );
    assert.deepEqual(loss.getConfig(), {
      name: "sparse_categorical_crossentropy",
      reduction: null,
      from_logits: false,
      ignore_class: null,
      axis: 1,
    });
  });
  it("metric: ignoreClass as Keras's unit tests (masked only with sample weights)", () => {
    const yt = [0, 1, 2];
    const yp = [
      [0.8, 0.1, 0.1],
      [0.05, 0.95, 0],
      [0.1, 0.8, 0.1],
    ];
    const m = new M.SparseCategoricalCrossentropy({ ignoreClass: 0 });
    m.updateState(yt, yp);
    assertClose(m.result(), 0.78462, { atol: 1e-4 });
    const w = new M.SparseCategoricalCrossentropy({ ignoreClass: 0 });
    w.updateState(yt, yp, [0.5, 1.5, 2.0]);
    assertClose(w.result(), 1.33774646, { atol: 1e-4 });
    const l = new M.SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: 0 });
    l.updateState(yt, [
      [10, 1, 1],
      [1, 9, 0],
      [1, 8, 1],
    ]);
    assertClose(l.result(), 2.33409, { atol: 1e-4 });
    assert.deepEqual(w.getConfig(), {
      name: "sparse_categorical_crossentropy",
      dtype: "float32",
      from_logits: false,
      ignore_class: 0,
      axis: -1,
    });
    const back = M.deserialize(JSON.parse(JSON.stringify(w.serialize())));
    assert.deepEqual(back.getConfig(), w.getConfig());
  });
});

describe("SparseTopKCategoricalAccuracy's fromSortedIds", () => {
  it("reads y_pred as sorted class ids (Keras's unit tests)", () => {
    const m = new M.SparseTopKCategoricalAccuracy({ k: 1, fromSortedIds: true });
    m.updateState(
      [2, 1],
      [
        [1, 0, 3],
        [1, 2, 3],
      ],
    );
    assertClose(m.result(), 0.5);
    const w = new M.SparseTopKCategoricalAccuracy({ k: 1, fromSortedIds: true });
    w.updateState(
      [2, 1],
      [
        [1, 0, 3],
        [1, 2, 3],
      ],
      [0.7, 0.3],
    );
    assertClose(w.result(), 0.3, { atol: 1e-6 });
    const scores = new M.SparseTopKCategoricalAccuracy({ k: 1 });
    scores.updateState(
      [2, 1],
      [
        [0.1, 0.9, 0.8],
        [0.05, 0.95, 0],
      ],
    );
    assertClose(scores.result(), 0.5);
    assert.equal(w.getConfig().from_sorted_ids, true);
    assert.equal("from_sorted_ids" in scores.getConfig(), false);
    const back = M.deserialize(JSON.parse(JSON.stringify(w.serialize())));
    assert.equal((back as M.SparseTopKCategoricalAccuracy).fromSortedIds, true);
  });
});

describe("Accuracy and BinaryAccuracy as Keras 3.16 (elementwise values, any threshold)", () => {
  const run = (m: M.Metric, ...args: unknown[]): number => {
    (m.updateState as (...a: unknown[]) => void)(...args);
    return Number(m.result().item());
  };
  it("gives Keras's unit-test values, per-element and broadcast weights included", () => {
    const t = [[1], [1], [0], [0]];
    const p = [[0.98], [1], [0], [0.6]];
    assertClose(run(new M.BinaryAccuracy(), t, p), 0.75);
    assertClose(run(new M.BinaryAccuracy(), [1, 1, 0, 0], p), 0.75);
    assertClose(run(new M.BinaryAccuracy(), t, p, [1, 0, 0, 1]), 0.5);
    assertClose(run(new M.BinaryAccuracy(), [1, 1, 0, 0], [0.98, 1, 0, 0.6], [1, 0, 0, 1]), 0.5);
    const t2 = [
      [1, 1],
      [0, 0],
    ];
    const p2 = [
      [0.98, 1],
      [0, 0.6],
    ];
    assertClose(
      run(new M.BinaryAccuracy(), t2, p2, [
        [1, 0],
        [0, 1],
      ]),
      0.5,
    );
    assertClose(run(new M.BinaryAccuracy(), t2, p2, [[1, 0]]), 1);
    assertClose(run(new M.BinaryAccuracy({ threshold: 0.3 }), t, [[0.98], [0.5], [0.1], [0.2]]), 1);
    assertClose(
      run(new M.BinaryAccuracy({ threshold: 0.9 }), t, [[0.98], [0.5], [0.1], [0.2]]),
      0.75,
    );
    // threshold 0 on logits, which Keras allows.
    assertClose(run(new M.BinaryAccuracy({ threshold: 0 }), [1, 0, 1], [2.5, -1, -0.3]), 2 / 3);
    assertClose(run(new M.Accuracy(), [[1], [2], [3], [4]], [[0], [2], [3], [4]]), 0.75);
    assertClose(
      run(new M.Accuracy(), [[1], [2], [3], [4]], [[0], [2], [3], [4]], [1, 1, 0, 0]),
      0.5,
    );
    assert.deepEqual(M.binaryAccuracy([[1, 0]], [[0.7, 0.9]]).toArray(), [[1, 0]]);
  });
});
