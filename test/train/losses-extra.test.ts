// Keras 3.16's newer losses (CategoricalFocalCrossentropy, CategoricalGeneralizedCrossEntropy,
// Dice, Tversky, Circle, CTC): Keras's docstring and unit-test values, float64 loops written from
// the formulas, finite-difference gradients, configs and the string identifiers.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import * as losses from "../../src/train/losses/index.js";
import { ctcLoss } from "../../src/ops/ctc.js";
import { assertClose, gradcheck, randn, randu } from "../helpers.js";

const num = (t: st.Tensor): number[] => Array.from(t.dataSync(), Number);

describe("CategoricalFocalCrossentropy", () => {
  const yTrue = [
    [0, 1, 0],
    [0, 0, 1],
  ];
  const yPred = [
    [0.05, 0.95, 0],
    [0.1, 0.8, 0.1],
  ];
  it("gives Keras's docstring values", () => {
    assertClose(new losses.CategoricalFocalCrossentropy().apply(yTrue, yPred), 0.23315276);
    assertClose(new losses.CategoricalFocalCrossentropy().apply(yTrue, yPred, [0.3, 0.7]), 0.1632, {
      atol: 1e-4,
    });
    assertClose(
      new losses.CategoricalFocalCrossentropy({ reduction: "sum" }).apply(yTrue, yPred),
      0.46631,
      { atol: 1e-5 },
    );
    assertClose(
      new losses.CategoricalFocalCrossentropy({ reduction: null }).apply(yTrue, yPred),
      [3.2058331e-5, 4.6627346e-1],
    );
    assertClose(
      losses.categoricalFocalCrossentropy(yTrue, [
        [0.05, 0.9, 0.05],
        [0.1, 0.85, 0.05],
      ]),
      [2.63401289e-4, 6.75912094e-1],
    );
  });
  it("gives Keras's unit-test values (logits, weights, label smoothing)", () => {
    const eye = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    const probs = [
      [0.9, 0.05, 0.05],
      [0.5, 0.89, 0.6],
      [0.05, 0.01, 0.94],
    ];
    const logits = [
      [8, 1, 1],
      [0, 9, 1],
      [2, 3, 5],
    ];
    const fromLogits = new losses.CategoricalFocalCrossentropy({ fromLogits: true });
    assertClose(new losses.CategoricalFocalCrossentropy().apply(eye, probs), 0.02059, {
      atol: 1e-4,
    });
    assertClose(fromLogits.apply(eye, logits), 0.000345, { atol: 1e-5 });
    assertClose(new losses.CategoricalFocalCrossentropy().apply(eye, probs, 2.3), 0.047368, {
      atol: 1e-5,
    });
    assertClose(fromLogits.apply(eye, logits, 2.3), 0.000794, { atol: 1e-5 });
    assertClose(
      new losses.CategoricalFocalCrossentropy().apply(eye, probs, [[1.2], [3.4], [5.6]]),
      0.06987,
      { atol: 1e-4 },
    );
    assertClose(fromLogits.apply(eye, logits, [[1.2], [3.4], [5.6]]), 0.001933, { atol: 1e-5 });
    assertClose(
      new losses.CategoricalFocalCrossentropy({ fromLogits: true, reduction: null }).apply(
        eye,
        logits,
      ),
      [1.5096224e-9, 2.4136547e-11, 1.0360638e-3],
      { rtol: 1e-4, atol: 0 },
    );
    assertClose(
      new losses.CategoricalFocalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }).apply(
        [[1, 0, 0]],
        [[4.9, -0.5, 2.05]],
      ),
      0.06685,
      { atol: 1e-4 },
    );
  });
  it("smooths labels over the class axis it is given (axis=1)", () => {
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
    // Keras's test: smoothed labels z(1 − s) + s/3 over axis 1, α(1 − p)^γ·(−z log p) summed.
    let total = 0;
    for (let b = 0; b < 2; b++) {
      for (let j = 0; j < 2; j++) {
        for (let c = 0; c < 3; c++) {
          const z = yt[b]![c]![j]! * 0.9 + 0.1 / 3;
          const p = yp[b]![c]![j]!;
          total += 0.25 * (1 - p) ** 2 * -z * Math.log(p);
        }
      }
    }
    const loss = new losses.CategoricalFocalCrossentropy({ labelSmoothing: 0.1, axis: 1 });
    assertClose(loss.apply(yt, yp), total / 4, { atol: 1e-6 });
  });
  it("matches a float64 loop on a random case with per-class alpha and logits", () => {
    const x = randn([4, 5], 3, 2);
    const t = st.ops.oneHot([0, 3, 4, 1], 5, -1, "float64");
    const alpha = [0.1, 0.2, 0.3, 0.4, 0.5];
    const got = num(
      losses.categoricalFocalCrossentropy(t, x, {
        fromLogits: true,
        alpha,
        gamma: 1.5,
        labelSmoothing: 0.2,
      }),
    );
    const xs = x.toArray() as number[][];
    const ts = t.toArray() as number[][];
    const want = xs.map((row, b) => {
      const m = Math.max(...row);
      const e = row.map((v) => Math.exp(v - m));
      const s = e.reduce((a, c) => a + c, 0);
      return row.reduce((acc, _, c) => {
        const p = Math.min(Math.max(e[c]! / s, 1e-7), 1 - 1e-7);
        const z = ts[b]![c]! * 0.8 + 0.2 / 5;
        return acc + alpha[c]! * (1 - p) ** 1.5 * -z * Math.log(p);
      }, 0);
    });
    assertClose(got, want, { rtol: 1e-10, atol: 1e-12 });
  });
  it("gradchecks (probabilities and logits)", () => {
    const t = st.ops.oneHot([2, 0, 1], 3, -1, "float64");
    gradcheck(
      (p) => new losses.CategoricalFocalCrossentropy().apply(t, p),
      [randu([3, 3], 4, 0.1, 0.9)],
    );
    gradcheck(
      (p) =>
        new losses.CategoricalFocalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }).apply(
          t,
          p,
        ),
      [randn([3, 3], 5)],
    );
  });
});

describe("CategoricalGeneralizedCrossEntropy", () => {
  it("gives Keras's unit-test values", () => {
    const yTrue = [0, 1, 0, 1];
    const two = [
      [0.7, 0.3],
      [0.2, 0.8],
      [0.6, 0.4],
      [0.4, 0.6],
    ];
    const three = [
      [0.7, 0.3, 0],
      [0.2, 0.2, 0.6],
      [0.6, 0.4, 0],
      [0.2, 0.2, 0.6],
    ];
    const gce = (ps: number[], q: number): number =>
      ps.reduce((a, p) => a + (1 - p ** q) / q, 0) / ps.length;
    assertClose(
      new losses.CategoricalGeneralizedCrossEntropy().apply(yTrue, two),
      gce([0.7, 0.8, 0.6, 0.6], 0.5),
    );
    assertClose(
      new losses.CategoricalGeneralizedCrossEntropy({ q: 0.8 }).apply(yTrue, two),
      gce([0.7, 0.8, 0.6, 0.6], 0.8),
    );
    assertClose(
      new losses.CategoricalGeneralizedCrossEntropy().apply(yTrue, three),
      gce([0.7, 0.2, 0.6, 0.2], 0.5),
    );
    assertClose(
      losses.categoricalGeneralizedCrossEntropy(
        [[0], [1]],
        [
          [0.7, 0.3],
          [0.2, 0.8],
        ],
        0.5,
      ),
      [(1 - Math.sqrt(0.7)) * 2, (1 - Math.sqrt(0.8)) * 2],
    );
  });
  it("refuses q outside (0, 1) and gradchecks", () => {
    assert.throws(
      () => new losses.CategoricalGeneralizedCrossEntropy({ q: 1 }),
      /q must be in the interval \(0, 1\)/,
    );
    gradcheck(
      (p) => new losses.CategoricalGeneralizedCrossEntropy({ q: 0.3 }).apply([2, 0, 1], p),
      [randu([3, 3], 6, 0.1, 0.9)],
    );
  });
});

describe("Dice and Tversky", () => {
  const yt = [
    [
      [[1], [1]],
      [[0], [0]],
    ],
    [
      [[1], [1]],
      [[0], [0]],
    ],
  ];
  const yp = [
    [
      [[0], [1]],
      [[0], [1]],
    ],
    [
      [[0.4], [0]],
      [[0], [0.9]],
    ],
  ];
  const seg = [
    [1, 0, 1, 0],
    [0, 1, 0, 1],
    [1, 0, 1, 0],
    [0, 1, 0, 1],
  ];
  const segPred = [
    [0, 1, 0, 1],
    [1, 0, 1, 1],
    [0, 1, 0, 1],
    [1, 0, 1, 1],
  ];
  it("gives Keras's docstring and unit-test values", () => {
    assertClose(
      new losses.Dice({ axis: [1, 2, 3], reduction: null }).apply(yt, yp),
      [0.5, 0.75757575],
    );
    assertClose(losses.dice(yt, yp, [1, 2, 3]), [0.5, 0.75757575]);
    assertClose(new losses.Dice().apply(yt, yp), 0.6164384);
    assertClose(
      new losses.Dice().apply(
        [
          [1, 2],
          [1, 2],
        ],
        [
          [4, 1],
          [6, 1],
        ],
      ),
      -0.55555546,
    );
    assertClose(new losses.Dice().apply(seg, segPred), 0.77777773);
    assertClose(
      new losses.Tversky().apply(
        [
          [1, 2],
          [1, 2],
        ],
        [
          [4, 1],
          [6, 1],
        ],
      ),
      -0.55555558,
    );
    assertClose(
      new losses.Tversky({ alpha: 0.2, beta: 0.8 }).apply(
        [
          [1, 2],
          [1, 2],
        ],
        [
          [4, 1],
          [6, 1],
        ],
      ),
      -0.94444442,
    );
    assertClose(new losses.Tversky().apply(seg, segPred), 0.77777779);
    assertClose(
      new losses.Tversky({ axis: [1, 2, 3], reduction: null }).apply(yt, yp),
      [0.5, 0.75757575],
    );
    assertClose(new losses.Tversky({ alpha: 0.2, beta: 0.8 }).apply(seg, segPred), 0.76190472);
    assertClose(
      new losses.Tversky({ alpha: 0.2, beta: 0.8, axis: [1, 2, 3], reduction: null }).apply(yt, yp),
      [0.5, 0.78494626],
    );
  });
  it("matches float64 loops and gradchecks", () => {
    const t = randu([3, 4], 8, 0, 1);
    const p = randu([3, 4], 9, 0, 1);
    const ts = t.toArray() as number[][];
    const ps = p.toArray() as number[][];
    const tv = ts.map((row, b) => {
      let tp = 0,
        fp = 0,
        fn = 0;
      row.forEach((z, i) => {
        const q = ps[b]![i]!;
        tp += q * z;
        fp += q * (1 - z);
        fn += (1 - q) * z;
      });
      return 1 - tp / (tp + 0.3 * fp + 0.7 * fn + 1e-7);
    });
    assertClose(losses.tversky(t, p, { alpha: 0.3, beta: 0.7, axis: 1 }), tv, { rtol: 1e-12 });
    gradcheck((x) => new losses.Dice({ axis: 1 }).apply(t, x), [p]);
    gradcheck((x) => new losses.Tversky({ alpha: 0.3, beta: 0.7 }).apply(t, x), [p]);
  });
});

describe("Circle", () => {
  const yTrue = [1, 1, 2, 2, 3];
  const yPred = [
    [0.70014004, -0.42008403, 0.14002801, 0.56011203],
    [0.17609018, 0.70436073, -0.52827054, 0.44022545],
    [-0.34050261, 0.25537696, -0.68100522, 0.59587957],
    [0.32163376, -0.75047877, 0.53605627, -0.21442251],
    [0.51261459, -0.34174306, 0.17087153, 0.76892189],
  ];
  const refLabels = [1, 1, 2, 2, 3, 4];
  const refEmbeddings = [
    [0.40824829, -0.54433105, 0.27216553, 0.68041382],
    [0.76376261, 0.10910895, -0.54554473, 0.32732684],
    [-0.74420841, 0.24806947, 0.49613894, -0.3721042],
    [0.52981294, -0.13245324, 0.79471941, -0.26490647],
    [0.54554473, -0.32732684, 0.10910895, 0.76376261],
    [-0.27216553, 0.68041382, 0.40824829, -0.54433105],
  ];
  it("gives Keras's unit-test values", () => {
    assertClose(new losses.Circle({ gamma: 80, margin: 0.4 }).apply(yTrue, yPred), 188.3883, {
      rtol: 1e-5,
    });
    assertClose(new losses.Circle({ gamma: 256, margin: 0.25 }).apply(yTrue, yPred), 652.7617, {
      rtol: 1e-5,
    });
    assertClose(
      losses.circle(yTrue, yPred, {
        refLabels,
        refEmbeddings,
        gamma: 80,
        margin: 0.4,
        removeDiagonal: false,
      }),
      [61.5844, 94.3465, 276.9344, 90.9873, 48.8963],
      { rtol: 1e-5 },
    );
    const w = [2, 2, 1, 1, 0.5];
    assertClose(new losses.Circle().apply(yTrue, yPred, w), 244.91918, { rtol: 1e-5 });
    assertClose(
      new losses.Circle({ reduction: null }).apply(refLabels, refEmbeddings),
      [82.9116, 36.7942, 92.459, 52.6798, 0, 0],
      { rtol: 1e-5 },
    );
    assertClose(new losses.Circle({ reduction: "sum" }).apply(refLabels, refEmbeddings), 264.845, {
      rtol: 1e-5,
    });
    assertClose(
      new losses.Circle({ reduction: "mean_with_sample_weight" }).apply(yTrue, yPred, w),
      163.27948,
      { rtol: 1e-5 },
    );
  });
  it("gradchecks on random unit embeddings", () => {
    const e = randn([5, 3], 11);
    const unit = st.ops.divide(e, st.ops.sqrt(st.ops.sum(st.ops.square(e), -1, true)));
    gradcheck(
      (x) => new losses.Circle({ gamma: 4, margin: 0.25 }).apply([0, 0, 1, 1, 2], x),
      [unit],
      { rtol: 1e-4 },
    );
  });
});

/** −log Σ over every frame labelling that collapses (merge repeats, drop blanks) to the labels. */
function bruteCtc(logits: number[][], labels: number[], blank: number): number {
  const T = logits.length;
  const C = logits[0]!.length;
  const lp = logits.map((row) => {
    const m = Math.max(...row);
    const s = Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) + m;
    return row.map((v) => v - s);
  });
  let total = 0;
  const path = new Array<number>(T).fill(0);
  const visit = (t: number): void => {
    if (t === T) {
      const out: number[] = [];
      path.forEach((k, i) => {
        if (k !== blank && (i === 0 || path[i - 1] !== k)) out.push(k);
      });
      if (out.length === labels.length && out.every((k, i) => k === labels[i])) {
        total += Math.exp(path.reduce((a, k, i) => a + lp[i]![k]!, 0));
      }
      return;
    }
    for (let k = 0; k < C; k++) {
      path[t] = k;
      visit(t + 1);
    }
  };
  visit(0);
  return -Math.log(total);
}

describe("CTC and ops.ctcLoss", () => {
  it("gives Keras's unit-test value", () => {
    const logits = st.tensor(
      Array.from({ length: 24 }, (_, i) => (i - 12) / 100),
      [2, 4, 3],
    );
    assertClose(
      new losses.CTC().apply(
        [
          [1, 2, 1, 0],
          [1, 2, 0, 2],
        ],
        logits,
      ),
      2.448645,
      { rtol: 1e-6 },
    );
  });
  it("matches a brute-force sum over alignments (repeats, lengths, another blank)", () => {
    const x = randn([3, 5, 3], 21);
    const xs = x.toArray() as number[][][];
    const got = num(
      ctcLoss(
        [
          [1, 1, 0],
          [2, 1, 2],
          [1, 2, 2],
        ],
        x,
        [2, 3, 1],
        [5, 4, 3],
        0,
      ),
    );
    const want = [
      bruteCtc(xs[0]!, [1, 1], 0),
      bruteCtc(xs[1]!.slice(0, 4), [2, 1, 2], 0),
      bruteCtc(xs[2]!.slice(0, 3), [1], 0),
    ];
    assertClose(got, want, { rtol: 1e-10 });
    const other = num(ctcLoss([[0, 1]], st.ops.slice(x, [0, 0, 0], [1, 5, 3]), [2], [5], 2));
    assertClose(other, [bruteCtc(xs[0]!, [0, 1], 2)], { rtol: 1e-10 });
    assert.equal(
      num(ctcLoss([[1, 1]], st.ops.slice(x, [0, 0, 0], [1, 2, 3]), [2], [2]))[0],
      Infinity,
    );
  });
  it("gradchecks w.r.t. the logits (frames past output_length get no gradient)", () => {
    const x = randn([2, 5, 4], 22);
    gradcheck(
      (v) =>
        ctcLoss(
          [
            [1, 2, 2],
            [3, 1, 0],
          ],
          v,
          [3, 2],
          [5, 4],
        ),
      [x],
    );
    gradcheck(
      (v) =>
        new losses.CTC({ reduction: "sum" }).apply(
          [
            [1, 3, 0],
            [2, 0, 0],
          ],
          v,
        ),
      [x],
    );
  });
  it("refuses bad shapes with Keras's message", () => {
    assert.throws(
      () => losses.ctc([1, 2], randn([1, 2, 3], 1)),
      /shape \(batch_size, max_length\)/,
    );
  });
});

describe("the new losses' configs and identifiers", () => {
  it("round-trips configs with Keras's keys and resolves Keras's strings", () => {
    const made = [
      new losses.CategoricalFocalCrossentropy({ alpha: [0.2, 0.8], gamma: 3, name: "cfce" }),
      new losses.CategoricalGeneralizedCrossEntropy({ q: 0.1, name: "gce" }),
      new losses.Dice({ axis: [1, 2], name: "mydice" }),
      new losses.Tversky({ alpha: 0.2, beta: 0.8, name: "tv" }),
      new losses.Circle({ gamma: 60, margin: 0.3, removeDiagonal: false }),
      new losses.CTC({ name: "myctc", reduction: "sum" }),
    ];
    for (const l of made) {
      const back = losses.deserialize(JSON.parse(JSON.stringify(l.serialize())));
      assert.equal(back.constructor, l.constructor);
      assert.deepEqual(back.getConfig(), l.getConfig());
    }
    assert.deepEqual(Object.keys(made[0]!.getConfig()).sort(), [
      "alpha",
      "axis",
      "from_logits",
      "gamma",
      "label_smoothing",
      "name",
      "reduction",
    ]);
    assert.deepEqual(made[4]!.getConfig(), {
      name: "circle",
      reduction: "sum_over_batch_size",
      gamma: 60,
      margin: 0.3,
      remove_diagonal: false,
    });
    for (const [s, cls] of [
      ["categorical_focal_crossentropy", losses.CategoricalFocalCrossentropy],
      ["categorical_generalized_cross_entropy", losses.CategoricalGeneralizedCrossEntropy],
      ["dice", losses.Dice],
      ["tversky", losses.Tversky],
      ["circle", losses.Circle],
      ["ctc", losses.CTC],
      ["Dice", losses.Dice],
    ] as const) {
      assert.ok(losses.getLoss(s) instanceof cls, s);
    }
  });
});

describe("the new losses in fit / evaluate", () => {
  it('trains a per-frame model with the "ctc" string loss; evaluate equals CTC on its predictions', async () => {
    st.random.setSeed(4);
    const model = new st.Sequential([st.Input({ shape: [6, 3] }), new st.layers.Dense(4)]);
    model.compile({ optimizer: new st.optimizers.Adam({ learningRate: 0.05 }), loss: "ctc" });
    const x = st.random.normal([8, 6, 3], { seed: 1 });
    const labels = [
      [1, 2, 0],
      [3, 3, 0],
      [1, 0, 0],
      [2, 1, 3],
    ];
    const y = st.tensor([...labels, ...labels], [8, 3], "int32");
    const history = await model.fit(x, y, { epochs: 15, batchSize: 4, verbose: 0 });
    const curve = history.history.loss!;
    assert.ok(
      curve[curve.length - 1]! < curve[0]! * 0.8,
      `CTC loss did not fall: ${curve.join(", ")}`,
    );
    const evaluated = (await model.evaluate(x, y, { verbose: 0 })).loss!;
    const pred = (await model.predict(x, { verbose: 0 })) as st.Tensor;
    assertClose(evaluated, new losses.CTC().apply(y, pred), { rtol: 1e-5 });
  });
});
