import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { NonNeg } from "../../src/nn/constraints.js";
import {
  Adadelta,
  Adagrad,
  Adam,
  AdamW,
  Adamax,
  Lion,
  Nadam,
  Optimizer,
  type OptimizerOptions,
  type SlotSpec,
  RMSprop,
  SGD,
  schedules,
} from "../../src/train/optimizers/index.js";
import { assertClose } from "../helpers.js";

// ---------------------------------------------------------------- float64 references
// Each reference is Keras's documented update written out per element in float64, independently
// of the implementation (textbook forms, one scalar at a time).

type State = Record<string, number[]>;
interface Reference {
  init(n: number): State;
  /** Once per optimizer step, before the variables (Nadam's momentum-cache product). */
  begin?(t: number): void;
  update(s: State, w: number[], g: number[], t: number, lr: number): void;
}

const zerosN = (n: number): number[] => new Array<number>(n).fill(0);

function sgdRef(momentum = 0, nesterov = false): Reference {
  return {
    init: (n) => ({ v: zerosN(n) }),
    update(s, w, g, _t, lr) {
      for (let i = 0; i < w.length; i++) {
        if (momentum === 0) {
          w[i]! -= lr * g[i]!;
          continue;
        }
        s.v![i] = momentum * s.v![i]! - lr * g[i]!;
        w[i]! += nesterov ? momentum * s.v![i]! - lr * g[i]! : s.v![i]!;
      }
    },
  };
}

function rmspropRef(rho = 0.9, momentum = 0, eps = 1e-7, centered = false): Reference {
  return {
    init: (n) => ({ ms: zerosN(n), mg: zerosN(n), mom: zerosN(n) }),
    update(s, w, g, _t, lr) {
      for (let i = 0; i < w.length; i++) {
        s.ms![i] = rho * s.ms![i]! + (1 - rho) * g[i]! ** 2;
        let denom = s.ms![i]! + eps;
        if (centered) {
          s.mg![i] = rho * s.mg![i]! + (1 - rho) * g[i]!;
          denom = s.ms![i]! - s.mg![i]! ** 2 + eps;
        }
        const inc = (lr * g[i]!) / Math.sqrt(denom);
        if (momentum > 0) {
          s.mom![i] = momentum * s.mom![i]! + inc;
          w[i]! -= s.mom![i]!;
        } else {
          w[i]! -= inc;
        }
      }
    },
  };
}

function adamRef(b1 = 0.9, b2 = 0.999, eps = 1e-7, amsgrad = false): Reference {
  return {
    init: (n) => ({ m: zerosN(n), v: zerosN(n), vmax: zerosN(n) }),
    update(s, w, g, t, lr) {
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      for (let i = 0; i < w.length; i++) {
        s.m![i] = b1 * s.m![i]! + (1 - b1) * g[i]!;
        s.v![i] = b2 * s.v![i]! + (1 - b2) * g[i]! ** 2;
        s.vmax![i] = Math.max(s.vmax![i]!, s.v![i]!);
        const v = amsgrad ? s.vmax![i]! : s.v![i]!;
        w[i]! -= (alpha * s.m![i]!) / (Math.sqrt(v) + eps);
      }
    },
  };
}

/** Decoupled weight decay applied before any update rule: w ← w(1 − wd·lr). */
function withDecay(ref: Reference, wd: number): Reference {
  return {
    ...ref,
    update(s, w, g, t, lr) {
      for (let i = 0; i < w.length; i++) w[i]! -= w[i]! * wd * lr;
      ref.update(s, w, g, t, lr);
    },
  };
}

function adagradRef(init = 0.1, eps = 1e-7): Reference {
  return {
    init: (n) => ({ acc: new Array<number>(n).fill(init) }),
    update(s, w, g, _t, lr) {
      for (let i = 0; i < w.length; i++) {
        s.acc![i]! += g[i]! ** 2;
        w[i]! -= (lr * g[i]!) / Math.sqrt(s.acc![i]! + eps);
      }
    },
  };
}

function adadeltaRef(rho = 0.95, eps = 1e-7): Reference {
  return {
    init: (n) => ({ eg: zerosN(n), ed: zerosN(n) }),
    update(s, w, g, _t, lr) {
      for (let i = 0; i < w.length; i++) {
        s.eg![i] = rho * s.eg![i]! + (1 - rho) * g[i]! ** 2;
        const dx = (-Math.sqrt(s.ed![i]! + eps) / Math.sqrt(s.eg![i]! + eps)) * g[i]!;
        s.ed![i] = rho * s.ed![i]! + (1 - rho) * dx ** 2;
        w[i]! += lr * dx;
      }
    },
  };
}

function adamaxRef(b1 = 0.9, b2 = 0.999, eps = 1e-7): Reference {
  return {
    init: (n) => ({ m: zerosN(n), u: zerosN(n) }),
    update(s, w, g, t, lr) {
      for (let i = 0; i < w.length; i++) {
        s.m![i] = b1 * s.m![i]! + (1 - b1) * g[i]!;
        s.u![i] = Math.max(b2 * s.u![i]!, Math.abs(g[i]!));
        w[i]! -= ((lr / (1 - b1 ** t)) * s.m![i]!) / (s.u![i]! + eps);
      }
    },
  };
}

function nadamRef(b1 = 0.9, b2 = 0.999, eps = 1e-7): Reference {
  const mu = (t: number): number => b1 * (1 - 0.5 * 0.96 ** t);
  let product = 1; // μ₁·μ₂·…·μₜ
  return {
    init: (n) => ({ m: zerosN(n), v: zerosN(n) }),
    begin(t) {
      product *= mu(t);
    },
    update(s, w, g, t, lr) {
      for (let i = 0; i < w.length; i++) {
        s.m![i] = b1 * s.m![i]! + (1 - b1) * g[i]!;
        s.v![i] = b2 * s.v![i]! + (1 - b2) * g[i]! ** 2;
        const mHat =
          (mu(t + 1) * s.m![i]!) / (1 - product * mu(t + 1)) +
          ((1 - mu(t)) * g[i]!) / (1 - product);
        const vHat = s.v![i]! / (1 - b2 ** t);
        w[i]! -= (lr * mHat) / (Math.sqrt(vHat) + eps);
      }
    },
  };
}

function lionRef(b1 = 0.9, b2 = 0.99): Reference {
  return {
    init: (n) => ({ m: zerosN(n) }),
    update(s, w, g, _t, lr) {
      for (let i = 0; i < w.length; i++) {
        w[i]! -= lr * Math.sign(b1 * s.m![i]! + (1 - b1) * g[i]!);
        s.m![i] = b2 * s.m![i]! + (1 - b2) * g[i]!;
      }
    },
  };
}

// ---------------------------------------------------------------- the harness

const W0 = [
  [0.5, -1.2, 2.0, 0.0, -0.3, 1.1],
  [0.25, -0.75],
];
const SHAPES = [[2, 3], [2]];
const GRADS = [
  [
    [0.1, -0.2, 0.3, 0.0, 1.5, -0.05],
    [2.0, -0.01],
  ],
  [
    [-0.3, 0.4, 0.2, 0.1, 1.0, 0.05],
    [1.5, 0.02],
  ],
  [
    [0.05, -0.6, -0.1, -0.2, 0.5, 0.0],
    [-0.5, 0.03],
  ],
  [
    [0.2, 0.2, 0.2, 0.2, -0.7, 0.1],
    [0.1, -0.04],
  ],
];

/** Runs `opt` for the fixed gradients on two variables and compares every step to `ref`. */
function checkSteps(
  make: () => Optimizer,
  ref: Reference,
  lr: number,
  { dtype = "float64" as "float64" | "float32", tol = { rtol: 1e-10, atol: 1e-12 } } = {},
): void {
  const opt = make();
  const vars = W0.map((w, k) => new st.Variable(st.tensor(w, SHAPES[k], dtype), { name: `v${k}` }));
  const ws = W0.map((w) => [...w]);
  const states = W0.map((w) => ref.init(w.length));
  GRADS.forEach((gs, step) => {
    opt.apply(
      gs.map((g, k) => st.tensor(g, SHAPES[k], dtype)),
      vars,
    );
    const t = step + 1;
    ref.begin?.(t);
    // Keras keeps a fixed rate in a float32 variable, whatever the weights' dtype.
    ws.forEach((w, k) => ref.update(states[k]!, w, gs[k]!, t, Math.fround(lr)));
    vars.forEach((v, k) => {
      assert.equal(v.dtype, dtype);
      assertClose(Array.from(v.value.dataSync()), ws[k]!, tol);
    });
  });
  assert.equal(opt.iterations, GRADS.length);
}

const F32 = { dtype: "float32" as const, tol: { rtol: 2e-5, atol: 2e-6 } };

describe("optimizer update rules equal Keras's formulas", () => {
  it("SGD: plain, momentum, Nesterov", () => {
    checkSteps(() => new SGD(), sgdRef(), 0.01);
    checkSteps(() => new SGD(), sgdRef(), 0.01, F32);
    checkSteps(() => new SGD({ learningRate: 0.1, momentum: 0.9 }), sgdRef(0.9), 0.1);
    checkSteps(
      () => new SGD({ learningRate: 0.1, momentum: 0.5, nesterov: true }),
      sgdRef(0.5, true),
      0.1,
    );
    checkSteps(
      () => new SGD({ learningRate: 0.1, momentum: 0.5, nesterov: true }),
      sgdRef(0.5, true),
      0.1,
      F32,
    );
  });

  it("RMSprop: plain, momentum, centered", () => {
    checkSteps(() => new RMSprop(), rmspropRef(), 0.001);
    checkSteps(() => new RMSprop(), rmspropRef(), 0.001, F32);
    checkSteps(
      () => new RMSprop({ learningRate: 0.01, momentum: 0.8 }),
      rmspropRef(0.9, 0.8),
      0.01,
    );
    checkSteps(
      () => new RMSprop({ learningRate: 0.01, centered: true, rho: 0.8 }),
      rmspropRef(0.8, 0, 1e-7, true),
      0.01,
    );
    checkSteps(
      () => new RMSprop({ learningRate: 0.01, centered: true, momentum: 0.5, epsilon: 1e-3 }),
      rmspropRef(0.9, 0.5, 1e-3, true),
      0.01,
    );
  });

  it("Adam and AMSGrad", () => {
    checkSteps(() => new Adam(), adamRef(), 0.001);
    checkSteps(() => new Adam(), adamRef(), 0.001, F32);
    checkSteps(
      () => new Adam({ learningRate: 0.1, beta1: 0.8, beta2: 0.9, amsgrad: true }),
      adamRef(0.8, 0.9, 1e-7, true),
      0.1,
    );
  });

  it("AdamW decays weights by wd·lr before the Adam step (default wd 0.004)", () => {
    checkSteps(() => new AdamW({ learningRate: 0.1 }), withDecay(adamRef(), 0.004), 0.1);
    checkSteps(() => new AdamW({ weightDecay: 0.1 }), withDecay(adamRef(), 0.1), 0.001, F32);
  });

  it("Adagrad, Adadelta, Adamax, Nadam, Lion", () => {
    checkSteps(() => new Adagrad(), adagradRef(), 0.001);
    checkSteps(
      () => new Adagrad({ learningRate: 0.1, initialAccumulatorValue: 0.5 }),
      adagradRef(0.5),
      0.1,
      F32,
    );
    checkSteps(() => new Adadelta(), adadeltaRef(), 0.001);
    checkSteps(
      () => new Adadelta({ learningRate: 1, rho: 0.9, epsilon: 1e-6 }),
      adadeltaRef(0.9, 1e-6),
      1,
    );
    checkSteps(() => new Adamax(), adamaxRef(), 0.001);
    checkSteps(() => new Adamax({ learningRate: 0.1 }), adamaxRef(), 0.1, F32);
    checkSteps(() => new Nadam(), nadamRef(), 0.001);
    checkSteps(() => new Nadam({ learningRate: 0.1 }), nadamRef(), 0.1, F32);
    checkSteps(() => new Lion(), lionRef(), 0.001);
    checkSteps(
      () => new Lion({ learningRate: 0.1, beta1: 0.5, beta2: 0.9 }),
      lionRef(0.5, 0.9),
      0.1,
      F32,
    );
  });

  it("weight decay works with every optimizer, and names can be excluded", () => {
    checkSteps(
      () => new SGD({ weightDecay: 0.5, momentum: 0.9 }),
      withDecay(sgdRef(0.9), 0.5),
      0.01,
    );
    checkSteps(() => new RMSprop({ weightDecay: 0.1 }), withDecay(rmspropRef(), 0.1), 0.001);
    const opt = new SGD({ learningRate: 0.5, weightDecay: 0.1 });
    opt.excludeFromWeightDecay({ varNames: ["bias"] });
    const kernel = new st.Variable(st.tensor([2, -4]), { name: "dense/kernel" });
    const bias = new st.Variable(st.tensor([2, -4]), { name: "dense/bias" });
    opt.apply([st.zeros([2]), st.zeros([2])], [kernel, bias]);
    assertClose(kernel.value, [2 * (1 - 0.05), -4 * (1 - 0.05)]);
    assertClose(bias.value, [2, -4]);
    assert.throws(
      () => opt.excludeFromWeightDecay({ varNames: ["x"] }),
      /before the optimizer is built/,
    );
  });
});

// ---------------------------------------------------------------- clipping, constraints, schedules

describe("gradient processing", () => {
  const lr1 = (opts: object): SGD => new SGD({ learningRate: 1, ...opts });

  it("clipnorm rescales each gradient tensor to norm ≤ clipnorm", () => {
    const a = new st.Variable(st.zeros([2]));
    const b = new st.Variable(st.zeros([2]));
    lr1({ clipnorm: 1 }).apply([st.tensor([3, 4]), st.tensor([0.3, 0.4])], [a, b]);
    assertClose(a.value, [-0.6, -0.8]); // norm 5 → 1
    assertClose(b.value, [-0.3, -0.4]); // norm 0.5 stays
  });

  it("globalClipnorm rescales all gradients by their joint norm", () => {
    const a = new st.Variable(st.zeros([2]));
    const b = new st.Variable(st.zeros([1]));
    lr1({ globalClipnorm: 2.6 }).apply([st.tensor([3, 4]), st.tensor([12])], [a, b]); // joint norm 13
    assertClose(a.value, [-0.6, -0.8]);
    assertClose(b.value, [-2.4]);
    const c = new st.Variable(st.zeros([2]));
    lr1({ globalClipnorm: 100 }).apply([st.tensor([3, 4])], [c]);
    assertClose(c.value, [-3, -4]);
    const d = new st.Variable(st.zeros([2]));
    lr1({ globalClipnorm: 1 }).apply([st.tensor([Infinity, 1])], [d]);
    assert.ok(
      Array.from(d.value.dataSync()).every(Number.isNaN),
      "a non-finite norm poisons the step",
    );
  });

  it("clipvalue clips every element", () => {
    const a = new st.Variable(st.zeros([4]));
    lr1({ clipvalue: 0.5 }).apply([st.tensor([3, -4, 0.2, -0.5])], [a]);
    assertClose(a.value, [-0.5, 0.5, -0.2, 0.5]);
  });

  it("lossScaleFactor divides the gradients", () => {
    const a = new st.Variable(st.zeros([2]));
    const opt = lr1({ lossScaleFactor: 4 });
    opt.apply([st.tensor([4, 8])], [a]);
    assertClose(a.value, [-1, -2]);
    assertClose(opt.scaleLoss(st.tensor(2)), 8);
  });

  it("applies the variable's constraint after the update (and after weight decay)", () => {
    const w = new st.Variable(st.tensor([1, -1, 0.5]));
    w.constraint = new NonNeg();
    lr1({ weightDecay: 0.5 }).apply([st.tensor([2, -2, 0.1])], [w]);
    // w(1 − 0.5) − g = [-1.5, 1.5, 0.15] → projected onto w ≥ 0
    assertClose(w.value, [0, 1.5, 0.15]);
    const e = new st.Variable(st.tensor([1, -1]));
    e.constraint = new NonNeg();
    lr1({ useEma: true }).apply([st.tensor([2, -2])], [e]);
    assertClose(e.value, [0, 1]);
  });

  it("null gradients leave their variable alone; shape mismatches are named", () => {
    const a = new st.Variable(st.ones([2]), { name: "a" });
    const b = new st.Variable(st.ones([2]), { name: "b" });
    const opt = lr1({});
    opt.applyGradients([
      [null, a],
      [st.tensor([1, 1]), b],
    ]);
    assertClose(a.value, [1, 1]);
    assertClose(b.value, [0, 0]);
    assert.throws(() => opt.apply([null, null], [a, b]), /no gradients/);
    assert.throws(
      () => opt.apply([st.ones([3])], [a]),
      (e: Error) => {
        assert.ok(e instanceof st.ValueError);
        assert.match(e.message, /gradient of a must have shape \[2\]; received \[3\]/);
        return true;
      },
    );
    assert.throws(() => opt.apply([st.ones([2])], [a, b]), /one gradient per variable/);
    // Without variables the gradients pair with the built variables, in order.
    opt.apply([st.ones([2]), st.ones([2])]);
    assertClose(a.value, [0, 0]);
    assert.throws(() => new SGD().apply([st.ones([2])]), /must already be built/);
  });

  it("casts gradients to the variable's dtype", () => {
    const w = new st.Variable(st.tensor([1, 2], undefined, "float32"));
    new SGD({ learningRate: 0.5 }).apply([st.tensor([1, 1], undefined, "float64")], [w]);
    assert.equal(w.dtype, "float32");
    assertClose(w.value, [0.5, 1.5]);
  });
});

describe("learning rates", () => {
  it("a schedule is read at the step count; learningRate is settable for numbers only", () => {
    const schedule = new schedules.ExponentialDecay(1, 1, 0.5);
    const opt = new SGD({ learningRate: schedule });
    const w = new st.Variable(st.zeros([1]));
    const expected = [0];
    for (let step = 0; step < 4; step++) {
      assert.equal(opt.currentLearningRate, 0.5 ** step);
      opt.apply([st.ones([1])], [w]);
      expected[0]! -= 0.5 ** step;
      assertClose(w.value, expected);
    }
    assert.throws(() => (opt.learningRate = 0.1), /not settable/);
    assert.equal(
      (opt.getConfig().learning_rate as { class_name: string }).class_name,
      "ExponentialDecay",
    );

    const fixed = new Adam();
    assert.equal(fixed.learningRate, Math.fround(0.001)); // kept in float32, as Keras does
    fixed.learningRate = 0.5;
    assert.equal(fixed.currentLearningRate, 0.5);
    assert.equal(fixed.getConfig().learning_rate, 0.5);
    fixed.learningRate = schedule;
    assert.equal(fixed.currentLearningRate, 1);
    assert.equal(fixed.variables.length, 1, "the learning-rate variable is no longer tracked");
    const fn = new SGD({ learningRate: () => 0.25 });
    assert.equal(fn.currentLearningRate, 0.25);
  });

  it("weight decay uses the scheduled rate of the step", () => {
    const opt = new SGD({
      learningRate: new schedules.PiecewiseConstantDecay([0], [1, 0.5]),
      weightDecay: 0.2,
    });
    const w = new st.Variable(st.tensor([10]));
    opt.apply([st.zeros([1])], [w]); // step 0: lr 1 → 10·(1 − 0.2)
    opt.apply([st.zeros([1])], [w]); // step 1: lr 0.5 → 8·(1 − 0.1)
    assertClose(w.value, [7.2]);
  });
});

// ---------------------------------------------------------------- EMA, accumulation, state

describe("EMA, gradient accumulation and optimizer state", () => {
  it("keeps an exponential moving average and overwrites with it when asked", () => {
    const opt = new SGD({
      learningRate: 1,
      useEma: true,
      emaMomentum: 0.5,
      emaOverwriteFrequency: 3,
    });
    const w = new st.Variable(st.tensor([0]), { name: "w" });
    opt.apply([st.tensor([-1])], [w]); // w 1, avg 1 (first step copies)
    opt.apply([st.tensor([-1])], [w]); // w 2, avg 1.5
    assertClose(w.value, [2]);
    opt.apply([st.tensor([-1])], [w]); // w 3, avg 2.25, then overwrite (iterations+1 = 3)
    assertClose(w.value, [2.25]);
    const names = opt.variables.map((v) => v.name);
    assert.ok(
      names.some((n) => n.endsWith("/w_average")),
      names.join(),
    );
    const opt2 = new SGD({ learningRate: 1, useEma: true, emaMomentum: 0.5 });
    const u = new st.Variable(st.tensor([0]));
    opt2.apply([st.tensor([-1])], [u]);
    opt2.apply([st.tensor([-1])], [u]);
    assertClose(u.value, [2]);
    opt2.finalizeVariableValues([u]);
    assertClose(u.value, [1.5]);
  });

  it("accumulates gradients and updates every gradientAccumulationSteps with their mean", () => {
    const opt = new SGD({ learningRate: 1, gradientAccumulationSteps: 2 });
    const w = new st.Variable(st.tensor([0, 0]));
    opt.apply([st.tensor([1, 2])], [w]);
    assertClose(w.value, [0, 0]);
    assert.equal(opt.iterations, 0);
    opt.apply([st.tensor([3, 4])], [w]);
    assertClose(w.value, [-2, -3]);
    assert.equal(opt.iterations, 1);
    opt.apply([st.tensor([1, 1])], [w]);
    opt.apply([st.tensor([1, 1])], [w]);
    assertClose(w.value, [-3, -4]);
    assert.equal(opt.iterations, 2);
  });

  it("orders its variables as Keras saves them, and restores them", () => {
    const a = new st.Variable(st.zeros([2, 2]), { name: "dense/kernel" });
    const b = new st.Variable(st.zeros([2]), { name: "dense/bias" });
    const opt = new Adam({ name: "adam" });
    opt.apply([st.ones([2, 2]), st.ones([2])], [a, b]);
    // Keras 3.16 creates Adam's momentum and velocity together, variable by variable (the Adam
    // state in the convnet fixture Keras saved is in this order).
    assert.deepEqual(
      opt.variables.map((v) => v.name),
      [
        "adam/iteration",
        "adam/learning_rate",
        "adam/dense_kernel_momentum",
        "adam/dense_kernel_velocity",
        "adam/dense_bias_momentum",
        "adam/dense_bias_velocity",
      ],
    );
    assert.equal(opt.variables[0]!.dtype, "int32");
    // Keras's base build: every variable's moving average, then every gradient accumulator.
    const sgd = new SGD({ name: "sgd", momentum: 0.9, useEma: true, gradientAccumulationSteps: 2 });
    sgd.build([a, b]);
    assert.deepEqual(
      sgd.variables.slice(2).map((v) => v.name.replace("sgd/dense_", "")),
      [
        "kernel_average",
        "bias_average",
        "kernel_gradient_accumulator",
        "bias_gradient_accumulator",
        "kernel_momentum",
        "bias_momentum",
      ],
    );
    const nadam = new Nadam();
    nadam.build([a]);
    assert.equal(nadam.variables.at(-1)!.name, `${nadam.name}/u_product`);

    // Two optimizers continuing from the same saved state take the same steps.
    const store: Record<string, Tensor> = {};
    opt.saveOwnVariables(store);
    const a2 = new st.Variable(a.value);
    const b2 = new st.Variable(b.value);
    const restored = new Adam();
    restored.build([a2, b2]);
    restored.loadOwnVariables(store);
    assert.equal(restored.iterations, 1);
    const g = [
      st.tensor([
        [0.5, -1],
        [2, 0],
      ]),
      st.tensor([-1, 3]),
    ];
    opt.apply(g, [a, b]);
    restored.apply(g, [a2, b2]);
    assertClose(a2.value, a.value, { rtol: 0, atol: 0 });
    assertClose(b2.value, b.value, { rtol: 0, atol: 0 });
    restored.setWeights(opt.variables.map((v) => v.value));
    assert.throws(() => restored.setWeights([]), /expected 6 weights/);
  });
});

describe("subclassing and lazy slots", () => {
  it("a custom optimizer only writes its update rule", () => {
    // Sign descent with a per-variable step counter slot.
    class SignSGD extends Optimizer {
      constructor(opts: OptimizerOptions = {}) {
        super(opts, { learningRate: 0.1 });
      }
      protected override slotSpecs(): SlotSpec[] {
        return [{ name: "count", init: 10 }];
      }
      protected updateStep(
        g: Tensor,
        w: Tensor,
        slots: readonly st.Variable[],
        lr: number,
      ): Tensor {
        slots[0]!.assign(st.ops.add(slots[0]!, 1));
        return st.ops.subtract(w, st.ops.multiply(st.ops.sign(g), lr));
      }
    }
    const opt = new SignSGD({ weightDecay: 0.5 });
    assert.match(opt.name, /^sign_sgd(_\d+)?$/);
    const w = new st.Variable(st.tensor([1, -1, 0]), { name: "w" });
    opt.apply([st.tensor([3, -0.1, 0])], [w]);
    // 0.1 is stored in float32, as Keras stores the rate.
    const lr = Math.fround(0.1);
    assertClose(w.value, [1 - lr * 0.5 - lr, -1 + lr * 0.5 + lr, 0]);
    assertClose(opt.variables.at(-1)!.value, [11, 11, 11]);
  });

  it("builds slots for a variable the first time it is seen", () => {
    const opt = new SGD({ learningRate: 1, momentum: 0.5 });
    const a = new st.Variable(st.zeros([1]), { name: "a" });
    const b = new st.Variable(st.zeros([1]), { name: "b" });
    opt.apply([st.ones([1])], [a]);
    assert.equal(opt.variables.length, 3);
    opt.apply([st.ones([1]), st.ones([1])], [a, b]);
    assert.equal(opt.variables.length, 4);
    assertClose(a.value, [-1 - 1.5]); // velocity −1, then −0.5 − 1
    assertClose(b.value, [-1]);
  });
});

// ---------------------------------------------------------------- minimizing a quadratic

describe("minimizing a quadratic", () => {
  const target = st.tensor([1, -2, 3]);
  const cases: [string, () => Optimizer, number][] = [
    ["SGD", () => new SGD({ learningRate: 0.1 }), 100],
    ["SGD momentum", () => new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }), 150],
    ["RMSprop", () => new RMSprop({ learningRate: 0.05 }), 200],
    ["Adam", () => new Adam({ learningRate: 0.1 }), 200],
    ["AdamW", () => new AdamW({ learningRate: 0.1, weightDecay: 0.001 }), 200],
    ["Adagrad", () => new Adagrad({ learningRate: 0.5 }), 200],
    ["Adadelta", () => new Adadelta({ learningRate: 1, rho: 0.9, epsilon: 1e-4 }), 300],
    ["Adamax", () => new Adamax({ learningRate: 0.1 }), 200],
    ["Nadam", () => new Nadam({ learningRate: 0.1 }), 200],
    ["Lion", () => new Lion({ learningRate: 0.05 }), 300],
  ];
  for (const [name, make, steps] of cases) {
    it(`${name} drives ‖w − target‖² towards 0`, () => {
      const w = new st.Variable(st.zeros([3]));
      const opt = make();
      const loss = (): Tensor => st.ops.sum(st.ops.square(st.ops.subtract(w, target)));
      const first = loss().item() as number;
      for (let i = 0; i < steps; i++) opt.minimize(loss, [w]);
      const last = loss().item() as number;
      assert.ok(last < first * 0.01, `${name}: loss ${first} → ${last}`);
    });
  }
});
