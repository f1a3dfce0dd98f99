// Ftrl, Lamb and Adafactor: each update checked against Keras's rule written out here in float64
// (from keras/src/optimizers/*.py, one element at a time), against the literal values of Keras's
// own unit tests, in a fit, and through a .keras save/load that resumes the same next step.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Sequential, layers } from "../../src/index.js";
import {
  Adafactor,
  Ftrl,
  Lamb,
  Muon,
  type Optimizer,
  ScheduleFreeAdamW,
  deserialize,
  getOptimizer,
} from "../../src/train/optimizers/index.js";
import { inTempDir } from "../keras-fixtures.js";
import { assertClose } from "../helpers.js";

type State = Record<string, number[]>;
interface Reference {
  init(w: number[], shape: number[]): State;
  update(s: State, w: number[], g: number[], shape: number[], t: number, lr: number): void;
}
const zerosN = (n: number): number[] => new Array<number>(n).fill(0);
const norm = (x: number[]) => Math.sqrt(x.reduce((a, b) => a + b * b, 0));
const rms = (x: number[]) => Math.sqrt(x.reduce((a, b) => a + b * b, 0) / x.length);

function ftrlRef(p = -0.5, init = 0.1, l1 = 0, l2 = 0, shrink = 0, beta = 0): Reference {
  return {
    init: (w) => ({ n: new Array<number>(w.length).fill(init), z: zerosN(w.length) }),
    update(s, w, g, _shape, _t, lr) {
      for (let i = 0; i < w.length; i++) {
        const gs = g[i]! + 2 * shrink * w[i]!;
        const prev = s.n![i]!;
        const n = prev + g[i]! ** 2;
        const sigma = (n ** -p - prev ** -p) / lr;
        s.z![i]! += gs - sigma * w[i]!;
        const z = s.z![i]!;
        const l2eff = l2 + beta / (2 * lr);
        w[i] = Math.abs(z) <= l1 ? 0 : (Math.sign(z) * l1 - z) / (n ** -p / lr + 2 * l2eff);
        s.n![i] = n;
      }
    },
  };
}

function lambRef(b1 = 0.9, b2 = 0.999, eps = 1e-7): Reference {
  return {
    init: (w) => ({ m: zerosN(w.length), v: zerosN(w.length) }),
    update(s, w, g, _shape, t, lr) {
      const u: number[] = [];
      for (let i = 0; i < w.length; i++) {
        s.m![i] = b1 * s.m![i]! + (1 - b1) * g[i]!;
        s.v![i] = b2 * s.v![i]! + (1 - b2) * g[i]! ** 2;
        u.push(s.m![i]! / (1 - b1 ** t) / (Math.sqrt(s.v![i]! / (1 - b2 ** t)) + eps));
      }
      const wn = norm(w);
      const un = norm(u);
      const ratio = wn > 0 && un > 0 ? wn / un : 1;
      for (let i = 0; i < w.length; i++) w[i]! -= ratio * lr * u[i]!;
    },
  };
}

function adafactorRef(decay = -0.8, e1 = 1e-30, e2 = 1e-3, clipT = 1, relative = true): Reference {
  return {
    init: (w, shape): State =>
      shape.length === 2
        ? { r: zerosN(shape[0]!), c: zerosN(shape[1]!), v: zerosN(w.length) }
        : { v: zerosN(w.length) },
    update(s, w, g, shape, t, lr) {
      const rate = relative ? Math.min(lr, 1 / Math.sqrt(t)) : lr;
      const alpha = Math.max(e2, rms(w)) * Math.min(rate, 1 / Math.sqrt(t));
      const G = g.map((x) => x * x + e1);
      const b = 1 - t ** decay;
      if (shape.length === 2) {
        const [R, C] = shape as [number, number];
        for (let i = 0; i < R; i++) {
          let m = 0;
          for (let j = 0; j < C; j++) m += G[i * C + j]! / C;
          s.r![i] = b * s.r![i]! + (1 - b) * m;
        }
        for (let j = 0; j < C; j++) {
          let m = 0;
          for (let i = 0; i < R; i++) m += G[i * C + j]! / R;
          s.c![j] = b * s.c![j]! + (1 - b) * m;
        }
        const rMean = s.r!.reduce((a, x) => a + x, 0) / R;
        for (let i = 0; i < R; i++)
          for (let j = 0; j < C; j++) s.v![i * C + j] = (s.r![i]! / rMean) * s.c![j]!;
      } else {
        for (let i = 0; i < w.length; i++) s.v![i] = b * s.v![i]! + (1 - b) * G[i]!;
      }
      const u = g.map((x, i) => x / Math.sqrt(s.v![i]!));
      const denom = Math.max(1, rms(u) / clipT);
      for (let i = 0; i < w.length; i++) w[i]! -= (alpha * u[i]!) / denom;
    },
  };
}

function scheduleFreeRef(b1 = 0.9, b2 = 0.999, eps = 1e-8, warmup = 0): Reference {
  return {
    init: (w) => ({ z: w.slice(), v: zerosN(w.length) }),
    update(s, w, g, _shape, t, lr) {
      const rate = warmup > 0 ? lr * Math.min(t / warmup, 1) : lr;
      for (let i = 0; i < w.length; i++) {
        s.v![i] = b2 * s.v![i]! + (1 - b2) * g[i]! ** 2;
        const zOld = s.z![i]!;
        const z = zOld - (rate * g[i]!) / (Math.sqrt(s.v![i]! / (1 - b2 ** t)) + eps);
        const x = (w[i]! - (1 - b1) * zOld) / b1;
        const xNew = (1 - 1 / t) * x + z / t;
        w[i] = (1 - b1) * z + b1 * xNew;
        s.z![i] = z;
      }
    },
  };
}

type Mat = number[][];
const matT = (a: Mat): Mat => a[0]!.map((_, j) => a.map((r) => r[j]!));
const matMul = (a: Mat, b: Mat): Mat =>
  a.map((r) => b[0]!.map((_, j) => r.reduce((acc, x, k) => acc + x * b[k]![j]!, 0)));
const toMat = (x: number[], [r, c]: number[]): Mat =>
  Array.from({ length: r! }, (_, i) => x.slice(i * c!, (i + 1) * c!));

/** Keras's quintic Newton–Schulz iteration, in float64. */
function newtonSchulzRef(g: Mat, steps = 5, [a, b, c] = [3.4445, -4.775, 2.0315]): Mat {
  const tall = g.length > g[0]!.length;
  let x = tall ? matT(g) : g;
  const n = Math.sqrt(x.flat().reduce((acc, v) => acc + v * v, 0)) + 1e-7;
  x = x.map((r) => r.map((v) => v / n));
  for (let s = 0; s < steps; s++) {
    const A = matMul(x, matT(x));
    const AA = matMul(A, A);
    const B = A.map((r, i) => r.map((v, j) => b * v + c * AA[i]![j]!));
    const Bx = matMul(B, x);
    x = x.map((r, i) => r.map((v, j) => a * v + Bx[i]![j]!));
  }
  return tall ? matT(x) : x;
}

/** Muon: 2-D weights by orthogonalized Nesterov momentum, the rest (here 1-D and scalar) by AdamW. */
function muonRef(mu = 0.95, rmsRate: number | null = 0.2, nesterov = true, ratio = 1): Reference {
  const adam = adamRefLocal();
  return {
    init: (w) => ({ m: zerosN(w.length), v: zerosN(w.length) }),
    update(s, w, g, shape, t, lr) {
      if (shape.length !== 2) return adam(s, w, g, t, lr * ratio);
      for (let i = 0; i < w.length; i++) s.m![i] = mu * s.m![i]! + g[i]!;
      const dir = nesterov ? g.map((x, i) => x + mu * s.m![i]!) : s.m!.slice();
      const o = newtonSchulzRef(toMat(dir, shape)).flat();
      const scale = rmsRate === null ? 1 : Math.sqrt(Math.max(shape[0]!, shape[1]!)) * rmsRate;
      for (let i = 0; i < w.length; i++) w[i]! -= lr * o[i]! * scale;
    },
  };
}

function adamRefLocal(b1 = 0.9, b2 = 0.999, eps = 1e-7) {
  return (s: State, w: number[], g: number[], t: number, lr: number) => {
    const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    for (let i = 0; i < w.length; i++) {
      s.m![i] = b1 * s.m![i]! + (1 - b1) * g[i]!;
      s.v![i] = b2 * s.v![i]! + (1 - b2) * g[i]! ** 2;
      w[i]! -= (alpha * s.m![i]!) / (Math.sqrt(s.v![i]!) + eps);
    }
  };
}

const SHAPES = [[3, 4], [4], []];
const W0 = [
  [0.5, -1.2, 0.3, 0.8, -0.4, 1.1, 0.0, -0.7, 0.9, 0.2, -0.6, 1.5],
  [0.1, -0.3, 0.25, 2.0],
  [1.7],
];
/** Deterministic gradients for step `t` (never exactly zero, varying in sign and size). */
const grad = (k: number, i: number, t: number) => Math.sin(1.3 * i + 0.7 * t + k) * (1 + 0.3 * t);

/** Runs `steps` updates on three variables and compares each step with the float64 reference. */
function checkSteps(
  make: () => Optimizer,
  ref: Reference,
  {
    steps = 5,
    lr = (_t: number): number => 0.01,
    wd = 0,
    rtol = 2e-4,
    atol = 2e-5,
  }: { steps?: number; lr?: (t: number) => number; wd?: number; rtol?: number; atol?: number } = {},
) {
  const opt = make();
  const vars = W0.map((w, k) => new st.Variable(st.tensor(w, SHAPES[k]!), { name: `v${k}` }));
  const ws = W0.map((w) => [...w]);
  const states = ws.map((w, k) => ref.init(w, SHAPES[k]!));
  for (let t = 1; t <= steps; t++) {
    const gs = ws.map((w, k) => w.map((_, i) => grad(k, i, t)));
    opt.apply(
      gs.map((g, k) => st.tensor(g, SHAPES[k]!)),
      vars,
    );
    const rate = lr(t);
    ws.forEach((w, k) => {
      for (let i = 0; i < w.length; i++) w[i]! -= w[i]! * wd * rate;
      ref.update(states[k]!, w, gs[k]!, SHAPES[k]!, t, rate);
    });
    vars.forEach((v, k) => assertClose(Array.from(v.value.dataSync()), ws[k]!, { rtol, atol }));
  }
  return opt;
}

describe("Ftrl", () => {
  it("follows Keras's rule for several steps (defaults, and every option set)", () => {
    checkSteps(() => new Ftrl(0.05), ftrlRef(), { lr: () => 0.05 });
    checkSteps(
      () =>
        new Ftrl(0.05, {
          learningRatePower: -0.2,
          initialAccumulatorValue: 0.4,
          l1RegularizationStrength: 0.05,
          l2RegularizationStrength: 0.15,
          l2ShrinkageRegularizationStrength: 0.01,
          beta: 0.3,
          weightDecay: 0.1,
        }),
      ftrlRef(-0.2, 0.4, 0.05, 0.15, 0.01, 0.3),
      { lr: () => 0.05, wd: 0.1 },
    );
  });

  it("matches Keras's unit-test literals (single step and golden sequence)", () => {
    const v = new st.Variable(st.tensor([1, 2, 3, 4]));
    new Ftrl({ learningRate: 0.5 }).applyGradients([[st.tensor([1, 6, 7, 2]), v]]);
    assertClose(v.value, [0.2218, 1.3954, 2.3651, 2.8814], { rtol: 1e-4, atol: 1e-4 });

    const opt = new Ftrl({
      learningRate: 0.05,
      learningRatePower: -0.2,
      initialAccumulatorValue: 0.4,
      l1RegularizationStrength: 0.05,
      l2RegularizationStrength: 0.15,
      l2ShrinkageRegularizationStrength: 0.01,
      beta: 0.3,
    });
    const x = new st.Variable(st.ones([10]));
    const grads = st.tensor(Array.from({ length: 10 }, (_, i) => 0.1 * (i + 1)));
    const golden = [
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [-0.0034, -0.0077, -0.0118, -0.0157, -0.0194, -0.023, -0.0263, -0.0294, -0.0325, -0.0354],
      [-0.0078, -0.0162, -0.0242, -0.0317, -0.0387, -0.0454, -0.0516, -0.0575, -0.0631, -0.0685],
      [-0.0121, -0.0246, -0.0363, -0.0472, -0.0573, -0.0668, -0.0757, -0.0842, -0.0922, -0.0999],
      [-0.0164, -0.0328, -0.0481, -0.0623, -0.0753, -0.0875, -0.099, -0.1098, -0.1201, -0.1299],
    ];
    opt.applyGradients([[st.full([10], 0.01), x]]);
    for (const row of golden) {
      assertClose(x.value, row, { rtol: 5e-4, atol: 5e-4 });
      opt.applyGradients([[grads, x]]);
    }
  });

  it("refuses Keras's invalid arguments, naming them", () => {
    assert.throws(() => new Ftrl({ initialAccumulatorValue: -0.1 }), /initial_accumulator_value/);
    assert.throws(() => new Ftrl({ learningRatePower: 0.1 }), /negative or zero/);
    assert.throws(() => new Ftrl({ l1RegularizationStrength: -0.1 }), /l1_regularization/);
    assert.throws(() => new Ftrl({ l2RegularizationStrength: -0.1 }), /l2_regularization/);
    assert.throws(
      () => new Ftrl({ l2ShrinkageRegularizationStrength: -0.1 }),
      /l2_shrinkage_regularization/,
    );
  });
});

describe("Lamb", () => {
  it("follows Keras's rule for several steps, with a schedule and weight decay", () => {
    checkSteps(() => new Lamb(0.01), lambRef());
    const schedule = new st.optimizers.schedules.ExponentialDecay(0.05, 2, 0.5);
    checkSteps(
      () => new Lamb(schedule, { beta1: 0.5, beta2: 0.67, epsilon: 1e-5, weightDecay: 0.2 }),
      lambRef(0.5, 0.67, 1e-5),
      { lr: (t) => 0.05 * 0.5 ** ((t - 1) / 2), wd: 0.2 },
    );
  });

  it("matches Keras's unit-test literals", () => {
    const v = new st.Variable(st.tensor([1, 2, 3, 4]));
    new Lamb(0.5).applyGradients([[st.tensor([1, 6, 7, 2]), v]]);
    assertClose(v.value, [-0.3693, 0.6306, 1.6306, 2.6306], { rtol: 1e-4, atol: 1e-4 });

    const a = new st.Variable(st.tensor(2));
    const b = new st.Variable(st.tensor(2), { name: "exclude" });
    new Lamb(1, { weightDecay: 0.004 }).applyGradients([[st.zeros([]), a]]);
    const excluding = new Lamb(1, { weightDecay: 0.004 });
    excluding.excludeFromWeightDecay({ varNames: ["exclude"] });
    excluding.applyGradients([
      [st.zeros([]), a],
      [st.zeros([]), b],
    ]);
    const c = new st.Variable(st.tensor(2));
    const byList = new Lamb(1, { weightDecay: 0.004 });
    byList.excludeFromWeightDecay({ varList: [c] });
    byList.applyGradients([
      [st.zeros([]), a],
      [st.zeros([]), c],
    ]);
    // `a` was decayed by each of the three optimizers; the excluded ones never.
    assertClose(a.value, 1.9760959, { atol: 1e-6 });
    assertClose(b.value, 2, { atol: 1e-6 });
    assertClose(c.value, 2, { atol: 1e-6 });

    const opt = new Lamb();
    const x = new st.Variable(st.ones([10]));
    const grads = st.tensor(Array.from({ length: 10 }, (_, i) => 0.1 * (i + 1)));
    opt.applyGradients([[st.full([10], 0.01), x]]);
    for (const g of [0.999, 0.9982, 0.9974, 0.9965, 0.9955]) {
      assertClose(x.value, new Array<number>(10).fill(g), { rtol: 5e-4, atol: 5e-4 });
      opt.applyGradients([[grads, x]]);
    }
  });
});

describe("Adafactor", () => {
  it("follows Keras's rule (factored 2-D, 1-D and scalar) for several steps", () => {
    checkSteps(() => new Adafactor(0.01), adafactorRef());
    checkSteps(
      () =>
        new Adafactor(0.5, {
          beta2Decay: -0.65,
          epsilon1: 1e-12,
          epsilon2: 0.01,
          clipThreshold: 0.5,
          relativeStep: false,
        }),
      adafactorRef(-0.65, 1e-12, 0.01, 0.5, false),
      { lr: () => 0.5 },
    );
  });

  it("keeps Keras's slots: r and c for weights of 2 or more dims, then velocity", () => {
    const opt = new Adafactor();
    opt.build([
      new st.Variable(st.zeros([3, 4]), { name: "k" }),
      new st.Variable(st.zeros([4]), { name: "b" }),
    ]);
    assert.deepEqual(
      opt.variables.slice(2).map((v) => v.shape),
      [[3], [4], [3, 4], [4]],
    );
  });

  it("matches Keras's unit-test literals", () => {
    const v1 = new st.Variable(st.tensor([1, 2, 3, 4]));
    new Adafactor(0.5).applyGradients([[st.tensor([1, 6, 7, 2]), v1]]);
    assertClose(v1.value, [-0.3693, 0.6307, 1.6307, 2.6307], { rtol: 1e-4, atol: 1e-4 });
    const v2 = new st.Variable(
      st.tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    new Adafactor(0.5).applyGradients([
      [
        st.tensor([
          [1, 6],
          [7, 2],
        ]),
        v2,
      ],
    ]);
    assertClose(
      v2.value,
      [
        [0.7007, -0.0081],
        [1.2492, 3.4407],
      ],
      { rtol: 1e-4, atol: 1e-4 },
    );
  });
});

describe("ScheduleFreeAdamW", () => {
  it("follows Keras's rule for several steps (defaults; warmup, betas and weight decay)", () => {
    checkSteps(() => new ScheduleFreeAdamW(), scheduleFreeRef(), { lr: () => 0.0025 });
    checkSteps(
      () =>
        new ScheduleFreeAdamW(0.05, {
          beta1: 0.8,
          beta2: 0.99,
          epsilon: 1e-6,
          warmupSteps: 3,
          weightDecay: 0.1,
        }),
      scheduleFreeRef(0.8, 0.99, 1e-6, 3),
      { lr: () => 0.05, wd: 0.1, steps: 6 },
    );
  });

  it("starts its momentum slot as a copy of the variable, and has Keras's config keys", () => {
    const opt = new ScheduleFreeAdamW();
    const v = new st.Variable(st.tensor([1, -2, 3]), { name: "w" });
    opt.build([v]);
    assert.deepEqual(opt.variables[2]!.value.toArray(), [1, -2, 3]);
    assert.deepEqual(opt.variables[3]!.value.toArray(), [0, 0, 0]);
    const c = opt.getConfig();
    assert.deepEqual(
      [c.learning_rate, c.beta_1, c.beta_2, c.epsilon, c.warmup_steps, c.weight_decay],
      [Math.fround(0.0025), 0.9, 0.999, 1e-8, 0, null],
    );
  });
});

describe("Muon", () => {
  it("follows Keras's rule for several steps: Newton–Schulz for 2-D, AdamW for the rest", () => {
    // weight decay off: checked on its own below (the two kinds decay at different rates)
    checkSteps(() => new Muon(0.02, { weightDecay: null, adamWeightDecay: null }), muonRef(), {
      lr: () => 0.02,
    });
    checkSteps(
      () =>
        new Muon(0.02, {
          weightDecay: null,
          adamWeightDecay: null,
          momentum: 0.8,
          nesterov: false,
          rmsRate: null,
          adamLrRatio: 0.5,
        }),
      muonRef(0.8, null, false, 0.5),
      { lr: () => 0.02 },
    );
  });

  it("decays Muon weights by weightDecay and AdamW ones by adamWeightDecay", () => {
    const k = new st.Variable(
      st.tensor([
        [1, 2],
        [3, 4],
      ]),
      { name: "dense/kernel" },
    );
    const b = new st.Variable(st.tensor(2), { name: "dense/bias" });
    const opt = new Muon(1, { weightDecay: 0.01, adamWeightDecay: 0.1 });
    opt.applyGradients([
      [st.zeros([2, 2]), k],
      [st.zeros([]), b],
    ]);
    // zero gradients: Newton–Schulz of 0 is 0 and Adam's step is 0, leaving the decay alone
    assertClose(
      k.value,
      [
        [0.99, 1.98],
        [2.97, 3.96],
      ],
      { rtol: 1e-6 },
    );
    assertClose(b.value, 1.8, { rtol: 1e-6 });
  });

  it("matches Keras's unit-test literals", () => {
    const ns = new Muon().newtonSchulz(
      st.tensor([
        [0.2499, 0.9105],
        [0.2655, 0.8824],
      ]),
      5,
    );
    assertClose(
      ns,
      [
        [-0.4422, 0.6457],
        [0.7285, 0.2968],
      ],
      { rtol: 1e-3, atol: 1e-3 },
    );
    const v1 = new st.Variable(st.tensor([1, 2, 3, 4]), { name: "test_vars" });
    new Muon(0.5, { adamWeightDecay: null }).applyGradients([[st.tensor([1, 6, 7, 2]), v1]]);
    assertClose(v1.value, [0.5, 1.5, 2.5, 3.5], { rtol: 1e-4, atol: 1e-4 });
    const v2 = new st.Variable(
      st.tensor([
        [1, 2],
        [3, 4],
      ]),
    );
    new Muon(0.5, { weightDecay: 0 }).applyGradients([
      [
        st.tensor([
          [1, 6],
          [7, 2],
        ]),
        v2,
      ],
    ]);
    assertClose(
      v2.value,
      [
        [0.988775, 1.887053],
        [2.873428, 3.97035],
      ],
      { rtol: 1e-2, atol: 1e-2 },
    );
  });

  it("chooses AdamW as Keras's exclude rules say, and keeps Keras's slots", () => {
    const sq = new st.Variable(st.zeros([2, 2]), { name: "var" });
    assert.equal(new Muon({ excludeLayers: ["var"] }).usesAdamW(sq), true);
    assert.equal(new Muon().usesAdamW(sq), false);
    const emb = new layers.Embedding(2, 2);
    emb.build();
    assert.equal(new Muon().usesAdamW(emb.weights[0]!), true);
    assert.equal(new Muon({ excludeEmbeddings: false }).usesAdamW(emb.weights[0]!), false);
    const dense = new layers.Dense(2);
    dense.build([null, 2]);
    const opt = new Muon();
    assert.equal(opt.usesAdamW(dense.weights[0]!), false);
    assert.equal(opt.usesAdamW(dense.weights[1]!), true);
    opt.build(dense.trainableWeights);
    // iteration, learning_rate, kernel momentum, bias momentum, bias velocity
    assert.deepEqual(
      opt.variables.map((v) => v.shape),
      [[], [], [2, 2], [2], [2]],
    );
  });
});

describe("Ftrl, Lamb, Adafactor, ScheduleFreeAdamW, Muon: strings, configs, fit and .keras state", () => {
  const makers: [string, () => Optimizer][] = [
    ["ftrl", () => new Ftrl(0.2)],
    ["lamb", () => new Lamb(0.02)],
    ["adafactor", () => new Adafactor(0.05)],
    ["schedulefreeadamw", () => new ScheduleFreeAdamW(0.02)],
    ["muon", () => new Muon(0.02)],
  ];

  it("are found by their Keras strings and round-trip their configs with Keras's keys", () => {
    for (const [id, make] of makers) {
      const opt = make();
      assert.equal(getOptimizer(id).constructor, opt.constructor);
      assert.equal(st.optimizers.get(id).constructor, opt.constructor);
      const again = deserialize(opt.serialize());
      assert.deepEqual(again.getConfig(), { ...opt.getConfig(), name: again.name });
    }
    const c = new Ftrl({ beta: 0.3 }).getConfig();
    for (const k of [
      "learning_rate_power",
      "initial_accumulator_value",
      "l1_regularization_strength",
      "l2_regularization_strength",
      "l2_shrinkage_regularization_strength",
      "beta",
    ])
      assert.ok(k in c, k);
    assert.deepEqual(Object.keys(new Adafactor().getConfig()).slice(-5), [
      "beta_2_decay",
      "epsilon_1",
      "epsilon_2",
      "clip_threshold",
      "relative_step",
    ]);
  });

  for (const [id, make] of makers) {
    it(`${id}: fit lowers the loss, and a saved .keras resumes with the same next step`, async () => {
      await inTempDir(async (dir) => {
        st.random.setSeed(7);
        const model = new Sequential([
          new layers.Dense(6, { inputShape: [3], activation: "tanh" }),
          new layers.Dense(1),
        ]);
        model.compile({ optimizer: make(), loss: "mse" });
        const x = st.random.normal([32, 3], { seed: 11 });
        const y = st.ops.sum(x, 1, true);
        const h = await model.fit(x, y, { epochs: 8, batchSize: 8, verbose: 0, shuffle: false });
        const losses = h.history.loss as number[];
        assert.ok(losses.at(-1)! < losses[0]! * 0.9, `${id} losses ${losses.join(", ")}`);

        const path = join(dir, "m.keras");
        await model.save(path);
        const loaded = await st.models.loadModel(path);
        const opt = loaded.compiled!.optimizer;
        assert.equal(opt.constructor.name, model.compiled!.optimizer.constructor.name);
        assert.equal(opt.iterations, model.compiled!.optimizer.iterations);
        await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
        await loaded.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, shuffle: false });
        const flat = (m: st.Model) => m.getWeights().flatMap((w) => Array.from(w.dataSync()));
        assert.deepEqual(flat(loaded), flat(model));
      });
    });
  }
});
