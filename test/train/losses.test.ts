import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import * as losses from "../../src/train/losses/index.js";
import { assertClose, gradcheck, randn, randu } from "../helpers.js";

// Float64 references written from Keras's documented formulas, one sample (row) at a time.
type Row = number[];
const EPS = 1e-7;
const clip = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);
const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
const total = (v: number[]): number => v.reduce((a, b) => a + b, 0);
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const rows = (t: st.Tensor): Row[] => t.toArray() as Row[];
const elementwise = (f: (t: number, p: number) => number) => (t: Row, p: Row) =>
  mean(t.map((ti, i) => f(ti, p[i]!)));
const norm = (v: Row): Row => {
  const n = Math.sqrt(total(v.map((x) => x * x)));
  return v.map((x) => x / Math.max(n, EPS));
};
const hingeLabel = (t: Row): Row => t.map((x) => 2 * x - 1);

function bceRef(t: number, p: number, fromLogits: boolean, ls: number): number {
  const z = t * (1 - ls) + 0.5 * ls;
  const q = fromLogits ? sigmoid(p) : clip(p, EPS, 1 - EPS);
  return -(z * Math.log(q) + (1 - z) * Math.log(1 - q));
}

function cceRef(t: Row, p: Row, fromLogits: boolean, ls: number): number {
  const z = t.map((x) => x * (1 - ls) + ls / t.length);
  let logp: Row;
  if (fromLogits) {
    const s = total(p.map(Math.exp));
    logp = p.map((x) => Math.log(Math.exp(x) / s));
  } else {
    const s = total(p);
    logp = p.map((x) => Math.log(clip(x / s, EPS, 1 - EPS)));
  }
  return -total(z.map((zi, i) => zi * logp[i]!));
}

interface Case {
  name: string;
  make: () => losses.Loss;
  fn: (yTrue: st.Tensor, yPred: st.Tensor) => st.Tensor;
  yTrue: st.Tensor;
  yPred: st.Tensor;
  ref: (t: Row, p: Row) => number;
}

const probs = randu([4, 3], 1, 0.05, 0.95);
const logits = randn([4, 3], 2, 2);
const binary = st.tensor(
  [
    [0, 1, 1],
    [1, 0, 0],
    [0, 0, 1],
    [1, 1, 0],
  ],
  undefined,
  "float64",
);
const oneHot = st.tensor(
  [
    [0, 1, 0],
    [1, 0, 0],
    [0, 0, 1],
    [0, 1, 0],
  ],
  undefined,
  "float64",
);
const real = randn([4, 3], 3);
const realPred = randn([4, 3], 4);
const positive = randu([4, 3], 5, 0.5, 3);
const positivePred = randu([4, 3], 6, 0.2, 2);
const signs = st.tensor(
  [
    [-1, 1, 1],
    [1, -1, -1],
    [-1, -1, 1],
    [1, 1, -1],
  ],
  undefined,
  "float64",
);

const cases: Case[] = [
  {
    name: "MeanSquaredError",
    make: () => new losses.MeanSquaredError(),
    fn: losses.meanSquaredError,
    yTrue: real,
    yPred: realPred,
    ref: elementwise((t, p) => (t - p) ** 2),
  },
  {
    name: "MeanAbsoluteError",
    make: () => new losses.MeanAbsoluteError(),
    fn: losses.meanAbsoluteError,
    yTrue: real,
    yPred: realPred,
    ref: elementwise((t, p) => Math.abs(t - p)),
  },
  {
    name: "MeanAbsolutePercentageError",
    make: () => new losses.MeanAbsolutePercentageError(),
    fn: losses.meanAbsolutePercentageError,
    yTrue: real,
    yPred: realPred,
    ref: (t, p) =>
      100 * elementwise((a, b) => Math.abs((a - b) / Math.max(Math.abs(a), EPS)))(t, p),
  },
  {
    name: "MeanSquaredLogarithmicError",
    make: () => new losses.MeanSquaredLogarithmicError(),
    fn: losses.meanSquaredLogarithmicError,
    yTrue: positive,
    yPred: positivePred,
    ref: elementwise((t, p) => (Math.log(p + 1) - Math.log(t + 1)) ** 2),
  },
  {
    name: "Huber",
    make: () => new losses.Huber({ delta: 0.8 }),
    fn: (t, p) => losses.huber(t, p, 0.8),
    yTrue: real,
    yPred: realPred,
    ref: elementwise((t, p) => {
      const e = Math.abs(p - t);
      return e <= 0.8 ? 0.5 * e * e : 0.8 * e - 0.5 * 0.64;
    }),
  },
  {
    name: "LogCosh",
    make: () => new losses.LogCosh(),
    fn: losses.logCosh,
    yTrue: real,
    yPred: realPred,
    ref: elementwise((t, p) => Math.log(Math.cosh(p - t))),
  },
  {
    name: "KLDivergence",
    make: () => new losses.KLDivergence(),
    fn: losses.klDivergence,
    yTrue: probs,
    yPred: randu([4, 3], 7, 0.05, 0.95),
    ref: (t, p) => total(t.map((ti, i) => ti * Math.log(ti / p[i]!))),
  },
  {
    name: "Poisson",
    make: () => new losses.Poisson(),
    fn: losses.poisson,
    yTrue: positive,
    yPred: positivePred,
    ref: elementwise((t, p) => p - t * Math.log(p + EPS)),
  },
  {
    name: "CosineSimilarity",
    make: () => new losses.CosineSimilarity(),
    fn: (t, p) => losses.cosineSimilarity(t, p),
    yTrue: real,
    yPred: realPred,
    ref: (t, p) => -total(norm(t).map((a, i) => a * norm(p)[i]!)),
  },
  {
    name: "Hinge (0/1 labels)",
    make: () => new losses.Hinge(),
    fn: losses.hinge,
    yTrue: binary,
    yPred: realPred,
    ref: (t, p) => mean(hingeLabel(t).map((z, i) => Math.max(1 - z * p[i]!, 0))),
  },
  {
    name: "SquaredHinge (±1 labels)",
    make: () => new losses.SquaredHinge(),
    fn: losses.squaredHinge,
    yTrue: signs,
    yPred: realPred,
    ref: (t, p) => mean(t.map((z, i) => Math.max(1 - z * p[i]!, 0) ** 2)),
  },
  {
    name: "CategoricalHinge",
    make: () => new losses.CategoricalHinge(),
    fn: losses.categoricalHinge,
    yTrue: oneHot,
    yPred: realPred,
    ref: (t, p) => {
      const pos = total(t.map((z, i) => z * p[i]!));
      const neg = Math.max(...t.map((z, i) => (1 - z) * p[i]!));
      return Math.max(neg - pos + 1, 0);
    },
  },
  {
    name: "BinaryCrossentropy",
    make: () => new losses.BinaryCrossentropy(),
    fn: (t, p) => losses.binaryCrossentropy(t, p),
    yTrue: binary,
    yPred: probs,
    ref: elementwise((t, p) => bceRef(t, p, false, 0)),
  },
  {
    name: "BinaryCrossentropy fromLogits + labelSmoothing",
    make: () => new losses.BinaryCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }),
    fn: (t, p) => losses.binaryCrossentropy(t, p, { fromLogits: true, labelSmoothing: 0.2 }),
    yTrue: binary,
    yPred: logits,
    ref: elementwise((t, p) => bceRef(t, p, true, 0.2)),
  },
  {
    name: "BinaryFocalCrossentropy",
    make: () =>
      new losses.BinaryFocalCrossentropy({ gamma: 1.5, applyClassBalancing: true, alpha: 0.3 }),
    fn: (t, p) =>
      losses.binaryFocalCrossentropy(t, p, { gamma: 1.5, applyClassBalancing: true, alpha: 0.3 }),
    yTrue: binary,
    yPred: probs,
    ref: elementwise((t, p) => {
      const pt = t * p + (1 - t) * (1 - p);
      return (t * 0.3 + (1 - t) * 0.7) * (1 - pt) ** 1.5 * bceRef(t, p, false, 0);
    }),
  },
  {
    name: "CategoricalCrossentropy",
    make: () => new losses.CategoricalCrossentropy(),
    fn: (t, p) => losses.categoricalCrossentropy(t, p),
    yTrue: oneHot,
    yPred: probs,
    ref: (t, p) => cceRef(t, p, false, 0),
  },
  {
    name: "CategoricalCrossentropy fromLogits + labelSmoothing",
    make: () => new losses.CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }),
    fn: (t, p) => losses.categoricalCrossentropy(t, p, { fromLogits: true, labelSmoothing: 0.1 }),
    yTrue: oneHot,
    yPred: logits,
    ref: (t, p) => cceRef(t, p, true, 0.1),
  },
];

const weights = st.tensor([0.5, 2, 0, 1.5], undefined, "float64");

describe("losses match float64 references", () => {
  for (const c of cases) {
    it(`${c.name}: per-sample values, function form, every reduction, sample weights`, () => {
      const expected = rows(c.yTrue).map((t, i) => c.ref(t, rows(c.yPred)[i]!));
      const loss = c.make();
      assertClose(loss.call(c.yTrue, c.yPred), expected, { rtol: 1e-9, atol: 1e-12 });
      assertClose(c.fn(c.yTrue, c.yPred), expected, { rtol: 1e-9, atol: 1e-12 });
      assertClose(loss.apply(c.yTrue, c.yPred), [mean(expected)], { rtol: 1e-9 });
      const w = Array.from(weights.dataSync());
      const weighted = expected.map((v, i) => v * w[i]!);
      assertClose(loss.apply(c.yTrue, c.yPred, weights), [mean(weighted)], {
        rtol: 1e-9,
        atol: 1e-12,
      });
      const cfg = loss.getConfig();
      for (const [reduction, value] of [
        ["sum", [total(weighted)]],
        ["mean", [mean(weighted)]],
        ["mean_with_sample_weight", [total(weighted) / total(w)]],
        ["none", weighted],
        [null, weighted],
      ] as const) {
        const l = (loss.constructor as typeof losses.MeanSquaredError).fromConfig({
          ...cfg,
          reduction,
        });
        assertClose(l.apply(c.yTrue, c.yPred, weights), [...value], { rtol: 1e-9, atol: 1e-12 });
      }
    });
  }

  it("computes in float32 by default, in float64 for float64 predictions", () => {
    const l = new losses.MeanSquaredError();
    assert.equal(l.apply([[1, 2]], [[1.5, 2]]).dtype, "float32");
    assert.equal(l.apply(real, realPred).dtype, "float64");
    assertClose(l.apply(real.cast("float32"), realPred.cast("float32")), l.apply(real, realPred), {
      rtol: 1e-5,
    });
  });
});

describe("sparse categorical crossentropy", () => {
  const labels = [1, 0, 2, 1];
  it("accepts int or float labels of shape [batch] or [batch, 1]", () => {
    const expected = rows(oneHot).map((t, i) => cceRef(t, rows(probs)[i]!, false, 0));
    const expectedLogits = rows(oneHot).map((t, i) => cceRef(t, rows(logits)[i]!, true, 0));
    const l = new losses.SparseCategoricalCrossentropy({ reduction: "none" });
    const ll = new losses.SparseCategoricalCrossentropy({ reduction: "none", fromLogits: true });
    for (const y of [
      st.tensor(labels, undefined, "int32"),
      st.tensor(labels, undefined, "float64"),
      st.tensor(
        labels.map((v) => [v]),
        undefined,
        "int32",
      ),
    ]) {
      assertClose(l.apply(y, probs), expected, { rtol: 1e-9 });
      assertClose(ll.apply(y, logits), expectedLogits, { rtol: 1e-9 });
      assertClose(
        losses.sparseCategoricalCrossentropy(y, logits, { fromLogits: true }),
        expectedLogits,
        {
          rtol: 1e-9,
        },
      );
    }
  });

  it("leaves ignore_class out of the values and of the mean", () => {
    const y = st.tensor([1, -1, 2, -1], undefined, "int32");
    const l = new losses.SparseCategoricalCrossentropy({ fromLogits: true, ignoreClass: -1 });
    const perSample = [0, 2].map((i) => cceRef(rows(oneHot)[i]!, rows(logits)[i]!, true, 0));
    assertClose(l.apply(y, logits), [mean(perSample)], { rtol: 1e-9 });
    const none = new losses.SparseCategoricalCrossentropy({
      fromLogits: true,
      ignoreClass: -1,
      reduction: "none",
    });
    assertClose(none.apply(y, logits), [perSample[0]!, 0, perSample[1]!, 0], { rtol: 1e-9 });
  });

  it("rejects labels outside [0, classes) and mismatched shapes", () => {
    const l = new losses.SparseCategoricalCrossentropy();
    assert.throws(() => l.apply([0, 3, 1, 1], probs), {
      message:
        /sparse_categorical_crossentropy: labels must be integers in \[0, 3\).*received a label 3/,
    });
    assert.throws(() => l.apply(oneHot, probs), {
      name: "ShapeError",
      message:
        "sparse_categorical_crossentropy: y_true must have y_pred's shape without the class axis ([4]); " +
        "received y_true.shape=[4,3], y_pred.shape=[4,3] (for one-hot labels use categorical_crossentropy)",
    });
  });
});

describe("Keras documentation examples", () => {
  it("reproduces the values in Keras's docstrings", () => {
    const bce = new losses.BinaryCrossentropy({ fromLogits: true });
    assertClose(bce.apply([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8]), [0.8654], { rtol: 1e-4 });
    const yt = [
      [0, 1],
      [0, 0],
    ];
    const yp = [
      [-18.6, 0.51],
      [2.94, -12.8],
    ];
    assertClose(bce.apply(yt, yp, [0.8, 0.2]), [0.2436], { rtol: 1e-3 });
    assertClose(
      new losses.BinaryCrossentropy({ fromLogits: true, reduction: "sum" }).apply(yt, yp),
      [1.7309],
      {
        rtol: 1e-4,
      },
    );
    const cce = new losses.CategoricalCrossentropy();
    const ct = [
      [0, 1, 0],
      [0, 0, 1],
    ];
    const cp = [
      [0.05, 0.95, 0],
      [0.1, 0.8, 0.1],
    ];
    assertClose(cce.apply(ct, cp), [1.1769392], { rtol: 1e-6 });
    assertClose(cce.apply(ct, cp, [0.3, 0.7]), [0.8135988], { rtol: 1e-6 });
    assertClose(new losses.SparseCategoricalCrossentropy().apply([1, 2], cp), [1.1769392], {
      rtol: 1e-6,
    });
    const focal = new losses.BinaryFocalCrossentropy({ gamma: 2, fromLogits: true });
    assertClose(focal.apply([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8]), [0.691], { rtol: 1e-3 });
    assertClose(
      losses.binaryCrossentropy(
        [
          [0, 1],
          [0, 0],
        ],
        [
          [0.6, 0.4],
          [0.4, 0.6],
        ],
      ),
      [0.9163, 0.7136],
      {
        rtol: 1e-4,
      },
    );
    assertClose(
      losses.cosineSimilarity(
        [
          [0, 1],
          [1, 1],
          [1, 1],
        ],
        [
          [1, 0],
          [1, 1],
          [-1, -1],
        ],
      ),
      [0, -1, 1],
      {
        atol: 1e-6,
      },
    );
  });

  it("keeps logit crossentropy finite and exact for huge logits", () => {
    const v = losses.binaryCrossentropy([[1, 0]], [[-200, 300]], { fromLogits: true });
    assertClose(v, [250], { rtol: 1e-6 });
    const c = losses.categoricalCrossentropy([[1, 0]], [[-500, 500]], { fromLogits: true });
    assertClose(c, [1000], { rtol: 1e-6 });
  });
});

describe("loss gradients w.r.t. y_pred", () => {
  for (const c of cases) {
    it(`gradchecks ${c.name}`, () => {
      const loss = c.make();
      gradcheck((p) => loss.apply(c.yTrue, p, weights), [c.yPred]);
      gradcheck((p) => c.fn(c.yTrue, p), [c.yPred]);
    });
  }
  it("gradchecks sparse categorical crossentropy (probabilities and logits)", () => {
    const y = st.tensor([1, 0, 2, 1], undefined, "int32");
    gradcheck((p) => new losses.SparseCategoricalCrossentropy().apply(y, p), [probs]);
    gradcheck(
      (p) => new losses.SparseCategoricalCrossentropy({ fromLogits: true }).apply(y, p),
      [logits],
    );
  });
  it("gives σ(x) − z at a zero logit", () => {
    const x = st.zeros([1, 2], "float64");
    const g = st.grad((p: st.Tensor) =>
      st.ops.sum(losses.binaryCrossentropy([[1, 0]], p, { fromLogits: true })),
    )(x);
    assertClose(g, [[-0.25, 0.25]]);
  });
});
