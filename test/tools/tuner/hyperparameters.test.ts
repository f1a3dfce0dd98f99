// HyperParameters against KerasTuner's documented values and its own tests' expectations
// (keras_tuner/engine/hyperparameters/*_test.py), worked out by hand from its formulas.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ValueError } from "../../../src/errors.js";
import {
  Boolean as BooleanHp,
  Choice,
  Fixed,
  Float,
  Int,
} from "../../../src/tools/tuner/hyperparameter.js";
import { HyperParameters } from "../../../src/tools/tuner/hyperparameters.js";

const close = (a: number, b: number, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} is not within ${tol} of ${b}`);

describe("Int", () => {
  test("values with and without step, linear and log (KerasTuner's docstring examples)", () => {
    assert.deepEqual(new Int("n", 6, 12).values, [6, 7, 8, 9, 10, 11, 12]);
    assert.deepEqual(new Int("n", 6, 13, { step: 3 }).values, [6, 9, 12]);
    assert.deepEqual(new Int("b", 2, 32, { step: 2, sampling: "log" }).values, [2, 4, 8, 16, 32]);
    assert.deepEqual(new Int("i", 2, 8, { step: 2, sampling: "log" }).values, [2, 4, 8]);
    assert.equal(new Int("i", 2, 1024, { sampling: "log" }).values.length, 10);
  });

  test("probabilities round trip; defaults to minValue", () => {
    const rg = new Int("rg", 5, 9, { step: 1, default: 6 });
    assert.equal(rg.default, 6);
    close(rg.valueToProb(6), 0.3); // index 1 of 5 → (1 + 0.5) / 5
    assert.equal(new Int("rg", 5, 9).default, 5);
    const log = new Int("rg", 2, 32, { step: 2, sampling: "log" });
    close(log.valueToProb(4), 0.3);
    assert.equal(log.probToValue(0.3), 4);
    const free = new Int("rg", 2, 32, { sampling: "log" });
    assert.equal(free.probToValue(free.valueToProb(4)), 4);
    for (let s = 0; s < 50; s++) {
      const v = rg.randomSample(s);
      assert.ok(Number.isInteger(v) && (v as number) >= 5 && (v as number) <= 9);
      assert.equal(rg.randomSample(s), v);
    }
  });

  test("validation errors say what was received", () => {
    assert.throws(
      () => new Int("j", 0, 10, { sampling: "invalid" as "log" }),
      /sampling must be one of/,
    );
    assert.throws(() => new Int("k", 1, 0), /minValue 1 is greater than the maxValue 0/);
    assert.throws(
      () => new Int("k", -10, -1, { sampling: "log" }),
      /does not support negative values/,
    );
    assert.throws(
      () => new Int("k", 1, 10, { step: 1, sampling: "log" }),
      /HyperParameters.Int\(name='k'\), expected step > 1/,
    );
    assert.throws(() => new Int("j", 0.5, 10), /minValue must be an int; received 0.5/);
    assert.throws(() => new Int("j", 0, 10, { default: 11 }), ValueError);
  });
});

describe("Float", () => {
  test("values with step (linear and log), ten spread values without", () => {
    assert.deepEqual(new Float("f", 2, 8, { step: 2 }).values, [2, 4, 6, 8]);
    const log = new Float("f", 0.1, 100, { step: 10, sampling: "log" }).values as number[];
    [0.1, 1, 10, 100].forEach((v, i) => close(log[i]!, v, 1e-12));
    assert.equal(new Float("f", 2, 4).values.length, 10);
    assert.equal(new Float("f", 2, 1024, { sampling: "log" }).values.length, 10);
  });

  test("sampling maps a probability as KerasTuner's formulas", () => {
    const lin = new Float("f", 1, 3);
    close(lin.probToValue(0.25) as number, 1.5);
    const log = new Float("lr", 1e-4, 1e-2, { sampling: "log" });
    close(log.probToValue(0.5) as number, 1e-3, 1e-15); // 1e-4 · 100^0.5
    close(log.valueToProb(1e-3), 0.5);
    const rev = new Float("r", 1, 100, { sampling: "reverse_log" });
    // max + min − min · (max / min)^(1 − p) at p = 0.5: 101 − 10 = 91
    close(rev.probToValue(0.5) as number, 91);
    close(rev.valueToProb(91), 0.5);
    assert.equal(lin.default, 1);
  });
});

describe("Choice, Boolean, Fixed", () => {
  test("Choice's default, ordering and probabilities", () => {
    const c = new Choice("c", [1, 2, 3], { default: 2 });
    assert.equal(c.default, 2);
    close(c.valueToProb(1), 1 / 6);
    assert.equal(c.probToValue(1), 3);
    assert.equal(c.probToValue(0), 1);
    assert.equal(new Choice("c", [1, 2, 3]).default, 1);
    assert.equal(new Choice("c", [1, 2]).ordered, true);
    assert.equal(new Choice("c", ["a", "b"]).ordered, false);
    assert.throws(
      () => new Choice("c", [1, 2, 3], { default: 4 }),
      /default value should be one of/,
    );
    assert.throws(() => new Choice("c", ["a", "b"], { ordered: true }), /ordered must be false/);
    assert.throws(() => new Choice("c", ["a", 0] as never[]), /only one type of value/);
    assert.throws(() => new Choice("c", []), /values must be provided/);
  });

  test("Boolean and Fixed", () => {
    assert.equal(new BooleanHp("b").default, false);
    assert.equal(new BooleanHp("b", { default: true }).default, true);
    assert.throws(
      () => new BooleanHp("b", { default: null as never }),
      /default must be a boolean/,
    );
    assert.deepEqual(
      [new BooleanHp("b").valueToProb(true), new BooleanHp("b").valueToProb(false)],
      [0.75, 0.25],
    );
    assert.equal(new Fixed("f", 8.2).randomSample(), 8.2);
    assert.equal(new Fixed("f", 8.2).valueToProb(8.2), 0.5);
    assert.throws(() => new Fixed("f", null as never), /value must be a number, string or boolean/);
  });
});

describe("HyperParameters", () => {
  test("registers on first use and returns defaults, then the values set", () => {
    const hp = new HyperParameters();
    assert.equal(hp.Int("units", 32, 512, { step: 32 }), 32);
    assert.equal(hp.Float("lr", 1e-4, 1e-2, { sampling: "log" }), 1e-4);
    assert.equal(hp.Choice("act", ["relu", "tanh"]), "relu");
    assert.equal(hp.Boolean("dropout"), false);
    assert.equal(hp.Fixed("batch", 64), 64);
    assert.deepEqual(hp.values, { units: 32, lr: 1e-4, act: "relu", dropout: false, batch: 64 });
    hp.values.units = 256;
    assert.equal(hp.Int("units", 32, 512, { step: 32 }), 256);
    assert.equal(hp.get("units"), 256);
    assert.equal(hp.space.length, 5);
    assert.throws(() => hp.get("nope"), /"nope" does not exist/);
    assert.throws(() => hp.Int("x", 0, 3, { stpe: 1 } as never), /unknown option stpe/);
  });

  test("conditional scopes: active only for the parent's values", () => {
    const build = (hp: HyperParameters) => {
      const kind = hp.Choice("model_type", ["mlp", "cnn"]);
      const mlp = hp.conditionalScope("model_type", ["mlp"], () => hp.Int("units", 8, 64));
      const cnn = hp.conditionalScope("model_type", "cnn", () => hp.Int("filters", 4, 16));
      return { kind, mlp, cnn };
    };
    const hp = new HyperParameters();
    assert.deepEqual(build(hp), { kind: "mlp", mlp: 8, cnn: undefined });
    assert.deepEqual(hp.values, { model_type: "mlp", units: 8 });
    assert.equal(hp.inactiveScopes.length, 1);
    hp.values.model_type = "cnn";
    hp.ensureActiveValues();
    assert.ok(!("units" in hp.values));
    const second = build(hp);
    assert.equal(second.kind, "cnn");
    assert.equal(typeof second.cnn, "number");
    assert.throws(() => hp.get("units"), /currently inactive/);
    assert.throws(
      () => hp.conditionalScope("missing", ["a"], () => 0),
      /parent hyperparameter "missing" is not defined/,
    );
    // The parentName option form returns null while inactive, and says so in its type.
    // @ts-expect-error: number | null is not a number
    const typed: number = hp.Int("depth", 1, 3, {
      parentName: "model_type",
      parentValues: ["mlp"],
    });
    void typed;
    assert.equal(hp.Int("depth", 1, 3, { parentName: "model_type", parentValues: ["mlp"] }), null);
  });

  test("the config round trips (space, conditions and values)", () => {
    const hp = new HyperParameters();
    hp.Choice("a", ["x", "y"]);
    hp.conditionalScope("a", ["x"], () => hp.Float("b", 0, 1, { step: 0.25 }));
    const copy = HyperParameters.fromConfig(JSON.parse(JSON.stringify(hp.getConfig())));
    assert.deepEqual(copy.getConfig(), hp.getConfig());
    assert.equal(copy.space[1]!.conditions[0]!.name, "a");
    assert.equal(copy.Float("b", 0, 1, { step: 0.25, parentName: "a", parentValues: ["x"] }), 0);
  });
});
