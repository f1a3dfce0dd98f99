import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { SGD, schedules } from "../../src/train/optimizers/index.js";
import { assertClose } from "../helpers.js";

const {
  CosineDecay,
  CosineDecayRestarts,
  ExponentialDecay,
  InverseTimeDecay,
  LearningRateSchedule,
  PiecewiseConstantDecay,
  PolynomialDecay,
} = schedules;

const STEPS = [0, 1, 2, 5, 9, 10, 11, 25, 99, 100, 150, 1000];

/** Compares a schedule with a reference formula at several steps. */
function check(
  schedule: schedules.LearningRateSchedule,
  ref: (step: number) => number,
  steps = STEPS,
): void {
  const got = steps.map((s) => schedule.call(s));
  assertClose(got, steps.map(ref), { rtol: 1e-12, atol: 1e-15 });
}

/** Config → serialize → JSON → deserialize gives the same config and the same values. */
function roundTrip(schedule: schedules.LearningRateSchedule): void {
  const s = JSON.parse(JSON.stringify(schedules.serialize(schedule))) as unknown;
  const back = schedules.deserialize(s);
  assert.equal(back.constructor, schedule.constructor);
  assert.deepEqual(back.getConfig(), schedule.getConfig());
  check(back, (step) => schedule.call(step));
}

describe("learning rate schedules", () => {
  it("ExponentialDecay: lr0 · rate^(step/decaySteps), floored with staircase", () => {
    const smooth = new ExponentialDecay(0.1, 10, 0.96);
    check(smooth, (t) => 0.1 * Math.exp((t / 10) * Math.log(0.96)));
    const stairs = new ExponentialDecay(0.1, 10, 0.5, { staircase: true });
    assert.equal(stairs.call(9), 0.1);
    assert.equal(stairs.call(10), 0.05);
    check(stairs, (t) => 0.1 * 0.5 ** Math.floor(t / 10));
    assert.deepEqual(stairs.getConfig(), {
      initial_learning_rate: 0.1,
      decay_steps: 10,
      decay_rate: 0.5,
      staircase: true,
      name: "ExponentialDecay",
    });
    roundTrip(stairs);
  });

  it("PiecewiseConstantDecay: boundaries belong to the interval on their left", () => {
    const pc = new PiecewiseConstantDecay([10, 100], [1.0, 0.5, 0.1]);
    check(pc, (t) => (t <= 10 ? 1.0 : t <= 100 ? 0.5 : 0.1));
    assert.equal(pc.call(10), 1.0);
    assert.equal(pc.call(11), 0.5);
    assert.deepEqual(pc.getConfig(), {
      boundaries: [10, 100],
      values: [1.0, 0.5, 0.1],
      name: "PiecewiseConstant",
    });
    roundTrip(pc);
  });

  it("PolynomialDecay: reaches endLearningRate at decaySteps; cycle restarts", () => {
    const poly = new PolynomialDecay(0.1, 100, { endLearningRate: 0.01, power: 0.5 });
    check(poly, (t) => (0.1 - 0.01) * Math.sqrt(1 - Math.min(t, 100) / 100) + 0.01);
    const linear = new PolynomialDecay(1, 10);
    assertClose(
      [linear.call(5), linear.call(10), linear.call(50)],
      [0.5 * (1 - 0.0001) + 0.0001, 0.0001, 0.0001],
    );
    const cyc = new PolynomialDecay(0.1, 10, { endLearningRate: 0.0, cycle: true });
    // Decay steps grow to the first multiple of 10 that reaches the step (10 at step 0).
    check(cyc, (t) => {
      const d = 10 * (t === 0 ? 1 : Math.ceil(t / 10));
      return 0.1 * (1 - t / d);
    });
    assert.equal(cyc.call(10), 0);
    assertClose(cyc.call(11), 0.1 * (1 - 11 / 20));
    assert.deepEqual(Object.keys(poly.getConfig()), [
      "initial_learning_rate",
      "decay_steps",
      "end_learning_rate",
      "power",
      "cycle",
      "name",
    ]);
    roundTrip(cyc);
  });

  it("InverseTimeDecay: lr0 / (1 + rate · step/decaySteps), floored with staircase", () => {
    check(new InverseTimeDecay(0.1, 1, 0.5), (t) => 0.1 / (1 + 0.5 * t));
    const stairs = new InverseTimeDecay(0.1, 10, 0.5, { staircase: true });
    check(stairs, (t) => 0.1 / (1 + 0.5 * Math.floor(t / 10)));
    assert.equal(stairs.getConfig().name, "InverseTimeDecay");
    roundTrip(stairs);
  });

  it("CosineDecay: cosine from lr0 to alpha·lr0; optional linear warmup to warmupTarget", () => {
    const cos = new CosineDecay(0.1, 100, { alpha: 0.1 });
    check(cos, (t) => {
      const f = Math.min(t, 100) / 100;
      return 0.1 * (0.9 * 0.5 * (1 + Math.cos(Math.PI * f)) + 0.1);
    });
    assertClose(cos.call(50), 0.1 * (0.9 * 0.5 + 0.1));
    const warm = new CosineDecay(0, 100, { warmupTarget: 0.2, warmupSteps: 10 });
    check(warm, (t) => {
      if (t < 10) return (0.2 * t) / 10;
      const f = Math.min(t - 10, 100) / 100;
      return 0.2 * 0.5 * (1 + Math.cos(Math.PI * f));
    });
    assert.equal(warm.call(10), 0.2);
    assert.equal(warm.call(5), 0.1);
    assert.deepEqual(warm.getConfig(), {
      initial_learning_rate: 0,
      decay_steps: 100,
      alpha: 0,
      name: "CosineDecay",
      warmup_target: 0.2,
      warmup_steps: 10,
    });
    roundTrip(warm);
    roundTrip(cos);
  });

  it("CosineDecayRestarts: periods grow by tMul and restart at mMul times the rate", () => {
    const sgdr = new CosineDecayRestarts(1, 10, { tMul: 2, mMul: 0.5, alpha: 0.1 });
    const ref = (t: number): number => {
      let start = 0;
      let length = 10;
      let i = 0;
      while (t >= start + length) {
        start += length;
        length *= 2;
        i++;
      }
      const f = (t - start) / length;
      return 0.9 * 0.5 * 0.5 ** i * (1 + Math.cos(Math.PI * f)) + 0.1;
    };
    check(sgdr, ref, [0, 3, 9, 10, 15, 29, 30, 69, 70, 100]);
    const even = new CosineDecayRestarts(2, 4, { tMul: 1 });
    check(even, (t) => 2 * 0.5 * (1 + Math.cos((Math.PI * (t % 4)) / 4)), [0, 1, 3, 4, 6, 8, 13]);
    assert.deepEqual(Object.keys(sgdr.getConfig()), [
      "initial_learning_rate",
      "first_decay_steps",
      "t_mul",
      "m_mul",
      "alpha",
      "name",
    ]);
    roundTrip(sgdr);
  });

  it("a custom subclass drives an optimizer", () => {
    class Halving extends LearningRateSchedule {
      call(step: number): number {
        return 1 / 2 ** step;
      }
      getConfig(): Record<string, unknown> {
        return {};
      }
    }
    const opt = new SGD({ learningRate: new Halving() });
    const w = new st.Variable(st.zeros([1]));
    for (let i = 0; i < 3; i++) opt.apply([st.ones([1])], [w]);
    assertClose(w.value, [-(1 + 0.5 + 0.25)]);
    assert.equal(opt.currentLearningRate, 0.125);
  });

  it("rejects bad arguments, naming them", () => {
    const cases: [() => unknown, RegExp][] = [
      [
        () => new ExponentialDecay(0.1, 0, 0.9),
        /ExponentialDecay: decaySteps must be > 0; received decaySteps=0/,
      ],
      [() => new InverseTimeDecay(0.1, -5, 0.9), /decaySteps=-5/],
      [() => new PolynomialDecay(0.1, 0), /PolynomialDecay: decaySteps must be > 0/],
      [() => new CosineDecay(0.1, 0), /CosineDecay: decaySteps must be > 0/],
      [() => new CosineDecay(0.1, 10, { warmupSteps: -1 }), /warmupSteps=-1/],
      [() => new CosineDecayRestarts(0.1, 0), /firstDecaySteps must be > 0/],
      [() => new ExponentialDecay(Number.NaN, 10, 0.9), /initialLearningRate=NaN/],
      [
        () => new PiecewiseConstantDecay([1, 2], [1, 2]),
        /length of boundaries should be 1 less .*values=\[1,2\] of length 2/,
      ],
      [
        () => new PiecewiseConstantDecay([5, 2], [1, 2, 3]),
        /strictly increasing; received boundaries=\[5,2\]/,
      ],
      [
        () => schedules.deserialize({ class_name: "Nope", config: {} }),
        /unknown learning rate schedule "Nope"/,
      ],
    ];
    for (const [make, message] of cases) {
      assert.throws(make, (e: Error) => {
        assert.ok(e instanceof st.ValueError, e.message);
        assert.match(e.message, message);
        return true;
      });
    }
  });
});
