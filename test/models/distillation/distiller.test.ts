// st.distillation.Distiller (Keras 3.16 keras.distillation.Distiller): the combined loss against a
// float64 computation written here, the teacher frozen through fit while the student learns, a
// student that approaches its teacher, Keras's reported metrics, feature distillation through
// inner layers, Keras's errors, and the config / .keras round trip. Cases follow Keras's
// distiller_test.py and distillation_loss_test.py.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "node:test";
import * as st from "../../../src/index.js";
import { Model, Sequential, ValueError, distillation, layers, losses } from "../../../src/index.js";

const { Distiller, LogitsDistillation, FeatureDistillation } = distillation;

/** Keras's SimpleTeacher / SimpleStudent: subclassed two-layer models. */
class Simple extends Model {
  dense1: layers.Dense;
  dense2: layers.Dense;
  constructor(vocab = 10, hidden = 32) {
    super();
    this.dense1 = new layers.Dense(hidden, { activation: "relu" });
    this.dense2 = new layers.Dense(vocab);
  }
  override call(inputs: st.Tensor | st.Tensor[]): st.Tensor {
    return this.dense2.apply(this.dense1.apply(inputs as st.Tensor));
  }
}

function uniform(rows: number, cols: number, seed: number): number[][] {
  let s = seed;
  const next = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
  return Array.from({ length: rows }, () => Array.from({ length: cols }, next));
}

const labels = (n: number, k: number, seed: number) =>
  uniform(n, 1, seed).map(([v]) => Math.floor(v! * k));

function softmax64(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** x·W + b in float64. */
function dense64(x: number[][], w: number[][], b: number[]): number[][] {
  return x.map((r) => b.map((bj, j) => r.reduce((a, xi, i) => a + xi * w[i]![j]!, bj)));
}

function kl64(t: number[][], s: number[][], T: number): number {
  const clip = (v: number) => Math.min(Math.max(v, 1e-7), 1);
  let total = 0;
  t.forEach((row, i) => {
    const p = softmax64(row.map((v) => v / T)).map(clip);
    const q = softmax64(s[i]!.map((v) => v / T)).map(clip);
    total += p.reduce((a, pi, k) => a + pi * Math.log(pi / q[k]!), 0);
  });
  return total / t.length;
}

const close = (a: number, b: number, tol = 1e-5) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

const weightsOf = (m: Model) => m.getWeights().map((w) => Array.from(w.dataSync() as Float32Array));

describe("Distiller: the combined loss", () => {
  it("w · student CE + (1 − w) · T² · KL(softmax(t/T) ‖ softmax(s/T)), as float64 by hand", () => {
    const Wt = [
      [0.5, -1, 0.25],
      [1, 0.3, -0.7],
    ];
    const bt = [0.1, 0, -0.2];
    const Ws = [
      [-0.3, 0.8, 0.1],
      [0.2, -0.5, 0.9],
    ];
    const bs = [0, 0.05, 0.1];
    const teacher = new Sequential([new layers.Dense(3, { name: "t_out" })]);
    const student = new Sequential([new layers.Dense(3, { name: "s_out" })]);
    const x = [
      [1, -1],
      [0.5, 2],
    ];
    teacher.apply(st.tensor(x));
    student.apply(st.tensor(x));
    teacher.setWeights([st.tensor(Wt), st.tensor(bt)]);
    student.setWeights([st.tensor(Ws), st.tensor(bs)]);
    const d = new Distiller({
      teacher,
      student,
      distillationLosses: new LogitsDistillation({
        temperature: 2,
        loss: new losses.KLDivergence(),
      }),
      studentLossWeight: 0.3,
    });
    d.compile({ loss: new losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
    const y = [2, 0];
    const xt = st.tensor(x);
    const total = d.computeLoss({ x: xt, y: st.tensor(y), yPred: d.apply(xt) });

    const tl = dense64(x, Wt, bt);
    const sl = dense64(x, Ws, bs);
    const ce = sl.map((r, i) => -Math.log(softmax64(r)[y[i]!]!)).reduce((a, b) => a + b) / 2;
    const distill = 4 * kl64(tl, sl, 2);
    close(Number(total.item()), 0.3 * ce + 0.7 * distill);
    close(Number(d.studentLossTracker.result().item()), ce);
    close(Number(d.distillationLossTracker.result().item()), distill);
    close(Number(d.totalLossTracker.result().item()), 0.3 * ce + 0.7 * distill);

    // Weights per distillation loss: 0.7 · KL(T=2) + 0.3 · mse on logits/3; no student loss term.
    const multi = new Distiller({
      teacher,
      student,
      distillationLosses: [
        new LogitsDistillation({ temperature: 2, loss: new losses.KLDivergence() }),
        new LogitsDistillation({ temperature: 3, loss: "mse" }),
      ],
      distillationLossWeights: [0.7, 0.3],
      studentLossWeight: 0,
    });
    multi.compile({ loss: "sparse_categorical_crossentropy" });
    const mse3 =
      tl.flat().reduce((a, v, i) => a + ((v - sl.flat()[i]!) / 3) ** 2, 0) / tl.flat().length;
    const v = multi.computeLoss({ x: xt, y: st.tensor(y), yPred: multi.apply(xt) });
    close(Number(v.item()), 0.7 * distill + 0.3 * mse3);
    // studentLossWeight 1: the distillation term is not computed (0), only the student's loss.
    const only = new Distiller({
      teacher,
      student,
      distillationLosses: new LogitsDistillation(),
      studentLossWeight: 1,
    });
    only.compile({ loss: new losses.SparseCategoricalCrossentropy({ fromLogits: true }) });
    close(Number(only.computeLoss({ x: xt, y: st.tensor(y), yPred: only.apply(xt) }).item()), ce);
    close(Number(only.distillationLossTracker.result().item()), 0);
  });

  it("FeatureDistillation between named inner layers: mse of relu(x·W + b) of each, by hand", () => {
    st.random.setSeed(3);
    const teacher = new Sequential([
      new layers.Dense(4, { activation: "relu", name: "teacher_dense_1" }),
      new layers.Dense(3, { name: "teacher_output" }),
    ]);
    const student = new Sequential([
      new layers.Dense(4, { activation: "relu", name: "student_dense_1" }),
      new layers.Dense(3, { name: "student_output" }),
    ]);
    const x = uniform(5, 2, 7).map((r) => r.map((v) => v * 2 - 1));
    teacher.apply(st.tensor(x));
    student.apply(st.tensor(x));
    const d = new Distiller({
      teacher,
      student,
      distillationLosses: new FeatureDistillation({
        teacherLayerName: "teacher_dense_1",
        studentLayerName: "student_dense_1",
      }),
      studentLossWeight: 0,
    });
    d.compile({ loss: "mse" });
    assert.equal(d.teacherFeatureExtractor!.outputs.length, 2);
    assert.equal(d.studentFeatureExtractor!.outputs.length, 2);
    const hidden = (m: Model, name: string) => {
      const [w, b] = m
        .getLayer(name)
        .getWeights()
        .map((t) => t.toArray());
      return dense64(x, w as number[][], b as number[]).map((r) => r.map((v) => Math.max(v, 0)));
    };
    const th = hidden(teacher, "teacher_dense_1").flat();
    const sh = hidden(student, "student_dense_1").flat();
    const ref = th.reduce((a, v, i) => a + (v - sh[i]!) ** 2, 0) / th.length;
    const xt = st.tensor(x);
    close(Number(d.computeLoss({ x: xt, y: null, yPred: d.apply(xt) }).item()), ref);
  });
});

describe("Distiller: Keras's training workflow", () => {
  it("initialization: teacher frozen, student trainable, one loss in a list, call is the student's", () => {
    st.random.setSeed(1);
    const x = st.tensor(uniform(20, 5, 1));
    const teacher = new Simple(10, 32);
    const student = new Simple(10, 16);
    teacher.apply(x);
    student.apply(x);
    assert.equal(teacher.trainable, true);
    const d = new Distiller({
      teacher,
      student,
      distillationLosses: new LogitsDistillation({
        temperature: 2,
        loss: new losses.KLDivergence(),
      }),
    });
    d.compile({ loss: "sparse_categorical_crossentropy", metrics: ["accuracy"] });
    assert.equal(teacher.trainable, false);
    assert.equal(student.trainable, true);
    assert.equal(d.studentLossWeight, 0.5);
    assert.equal(d.distillationLosses.length, 1);
    assert.ok(d.distillationLosses[0] instanceof LogitsDistillation);
    assert.deepEqual(d.distillationLossWeights, [1]);
    assert.equal(d.name, "distiller");
    assert.ok(
      d.optimizer instanceof st.optimizers.Adam,
      "Keras's Distiller.compile defaults to adam",
    );
    const out = d.apply(x);
    assert.deepEqual(out.shape, [20, 10]);
    assert.deepEqual(Array.from(out.dataSync()), Array.from(student.apply(x).dataSync()));
    // Only the student's weights are trained.
    assert.equal(d.trainableWeights.length, student.trainableWeights.length);
    assert.equal(teacher.trainableWeights.length, 0);
  });

  it("fit: the teacher's weights never change, the student's do; Keras's metrics and val_ metrics", async () => {
    st.random.setSeed(2);
    const xTrain = st.tensor(uniform(100, 5, 42));
    const yTrain = st.tensor(labels(100, 10, 43).flat(), [100], "int32");
    const xVal = st.tensor(uniform(20, 5, 44));
    const yVal = st.tensor(labels(20, 10, 45).flat(), [20], "int32");
    const teacher = new Simple(10, 32);
    const student = new Simple(10, 16);
    teacher.apply(xTrain);
    student.apply(xTrain);
    const d = new Distiller({
      teacher,
      student,
      distillationLosses: new LogitsDistillation({
        temperature: 2,
        loss: new losses.KLDivergence(),
      }),
      studentLossWeight: 0.5,
    });
    d.compile({
      optimizer: "adam",
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
    });
    const teacherBefore = weightsOf(teacher);
    const studentBefore = weightsOf(student);
    const history = await d.fit(xTrain, yTrain, {
      validationData: [xVal, yVal],
      epochs: 3,
      batchSize: 20,
      verbose: 0,
    });
    assert.deepEqual(Object.keys(history.history).sort(), [
      "accuracy",
      "distillation_loss",
      "loss",
      "student_loss",
      "total_loss",
      "val_accuracy",
      "val_distillation_loss",
      "val_loss",
      "val_student_loss",
      "val_total_loss",
    ]);
    for (const k of ["total_loss", "student_loss", "distillation_loss"]) {
      assert.equal(history.history[k]!.length, 3);
      for (const v of history.history[k]!) assert.ok(Number.isFinite(v));
    }
    // Equal batches: the batch-weighted `loss` and the per-batch mean `total_loss` agree (as Keras).
    history.history.loss!.forEach((v, i) => close(v, history.history.total_loss![i]!));
    assert.deepEqual(weightsOf(teacher), teacherBefore, "the teacher is frozen");
    const after = weightsOf(student);
    assert.ok(
      after.some((w, i) => w.some((v, k) => Math.abs(v - studentBefore[i]![k]!) > 1e-6)),
      "the student learns",
    );
    const logs = await d.evaluate(xVal, yVal, { verbose: 0 });
    assert.deepEqual(Object.keys(logs).sort(), [
      "accuracy",
      "distillation_loss",
      "loss",
      "student_loss",
      "total_loss",
    ]);
    for (const v of Object.values(logs)) assert.ok(Number.isFinite(v));
    const pred = (await d.predict(xVal.slice([0, 0], [5, 5]), { verbose: 0 })) as st.Tensor;
    assert.deepEqual(pred.shape, [5, 10]);
    assert.deepEqual(weightsOf(teacher), teacherBefore);
  });

  it("a student trained by distillation alone (studentLossWeight 0) gets closer to its teacher", async () => {
    st.random.setSeed(5);
    const x = st.tensor(uniform(64, 4, 9).map((r) => r.map((v) => v * 4 - 2)));
    const y = st.tensor(labels(64, 3, 10).flat(), [64], "int32");
    const teacher = new Sequential([
      new layers.Dense(8, { activation: "tanh" }),
      new layers.Dense(3),
    ]);
    const student = new Sequential([
      new layers.Dense(8, { activation: "tanh" }),
      new layers.Dense(3),
    ]);
    teacher.apply(x);
    student.apply(x);
    const gap = () => {
      const t = teacher.apply(x).toArray() as number[][];
      const s = student.apply(x).toArray() as number[][];
      return kl64(t, s, 1);
    };
    const before = gap();
    const d = new Distiller({
      teacher,
      student,
      distillationLosses: new LogitsDistillation({
        temperature: 2,
        loss: new losses.KLDivergence(),
      }),
      studentLossWeight: 0,
    });
    d.compile({ optimizer: new st.optimizers.Adam({ learningRate: 0.03 }), loss: "mse" });
    const h = await d.fit(x, y, { epochs: 40, batchSize: 16, verbose: 0 });
    const after = gap();
    assert.ok(after < 0.2 * before, `KL(teacher ‖ student) ${before} → ${after}`);
    const dl = h.history.distillation_loss!;
    assert.ok(dl[dl.length - 1]! < dl[0]!);
    h.history.student_loss!.forEach((v) => assert.equal(v, 0));
  });

  it("Keras's end-to-end feature distillation: extractors with final + each named layer", async () => {
    st.random.setSeed(6);
    const make = (p: string) =>
      new Sequential([
        new layers.Dense(32, { activation: "relu", name: `${p}_dense_1` }),
        new layers.Dense(16, { activation: "relu", name: `${p}_dense_2` }),
        new layers.Dense(10, { name: `${p}_output` }),
      ]);
    const teacher = make("teacher");
    const student = make("student");
    const x = st.tensor(uniform(32, 20, 11));
    const y = st.tensor(labels(32, 10, 12).flat(), [32], "int32");
    teacher.apply(x);
    student.apply(x);
    const d = new Distiller({
      teacher,
      student,
      distillationLosses: [
        new LogitsDistillation({ temperature: 3 }),
        new FeatureDistillation({
          loss: "mse",
          teacherLayerName: "teacher_dense_1",
          studentLayerName: "student_dense_1",
        }),
        new FeatureDistillation({
          loss: "mse",
          teacherLayerName: "teacher_dense_2",
          studentLayerName: "student_dense_2",
        }),
      ],
      distillationLossWeights: [1, 0.5, 0.3],
      studentLossWeight: 0.5,
    });
    d.compile({
      optimizer: "adam",
      loss: "sparse_categorical_crossentropy",
      metrics: ["accuracy"],
    });
    const teacherBefore = weightsOf(teacher);
    const h = await d.fit(x, y, { epochs: 2, verbose: 0 });
    assert.equal(d.teacherFeatureExtractor!.outputs.length, 3);
    assert.equal(d.studentFeatureExtractor!.outputs.length, 3);
    for (const v of h.history.total_loss!) assert.ok(Number.isFinite(v) && v > 0);
    assert.deepEqual(weightsOf(teacher), teacherBefore);
  });
});

describe("Distiller: several outputs, and no labels", () => {
  it("two-output functional models: per-output losses, one metric set per output, fit without y", async () => {
    st.random.setSeed(9);
    const make = (p: string, h: number) => {
      const input = st.Input({ shape: [4] });
      const hidden = new layers.Dense(h, { activation: "relu", name: `${p}_h` }).apply(input);
      const a = new layers.Dense(3, { name: `${p}_a` }).apply(hidden);
      const b = new layers.Dense(2, { name: `${p}_b` }).apply(hidden);
      return new Model(input, [a, b]);
    };
    const teacher = make("t", 8);
    const student = make("s", 4);
    const x = st.tensor(uniform(12, 4, 21));
    const ya = st.tensor(labels(12, 3, 22).flat(), [12], "int32");
    const yb = st.tensor(uniform(12, 2, 23));
    const d = new Distiller({
      teacher,
      student,
      distillationLosses: new LogitsDistillation({
        temperature: 2,
        loss: [new losses.KLDivergence(), "mse"],
      }),
      studentLossWeight: 0.4,
    });
    d.compile({
      loss: [new losses.SparseCategoricalCrossentropy({ fromLogits: true }), "mse"],
      metrics: [["accuracy"], ["mae"]],
    });
    // The loss by hand from the two models' outputs.
    const [ta, tb] = (teacher.apply(x) as unknown as st.Tensor[]).map(
      (t) => t.toArray() as number[][],
    );
    const [sa, sb] = (student.apply(x) as unknown as st.Tensor[]).map(
      (t) => t.toArray() as number[][],
    );
    const yA = ya.toArray() as number[];
    const yB = yb.toArray() as number[][];
    const ce = sa!.map((r, i) => -Math.log(softmax64(r)[yA[i]!]!)).reduce((p, q) => p + q) / 12;
    const mseOf = (u: number[][], v: number[][], k = 1) =>
      u.flat().reduce((acc, e, i) => acc + ((e - v.flat()[i]!) / k) ** 2, 0) / u.flat().length;
    const studentLoss = ce + mseOf(yB, sb!);
    const distill = 4 * kl64(ta!, sa!, 2) + mseOf(tb!, sb!, 2);
    const v = d.computeLoss({ x, y: [ya, yb], yPred: d.apply(x) as unknown as st.Tensor[] });
    close(Number(v.item()), 0.4 * studentLoss + 0.6 * distill);

    const h = await d.fit(x, [ya, yb], { epochs: 1, batchSize: 12, verbose: 0 });
    assert.deepEqual(Object.keys(h.history).sort(), [
      "distillation_loss",
      "loss",
      "s_a_accuracy",
      "s_b_mae",
      "student_loss",
      "total_loss",
    ]);
    // Without labels the student's own loss is 0 and distillation alone trains the student.
    const before = weightsOf(student);
    const h2 = await d.fit(x, { epochs: 1, batchSize: 12, verbose: 0 });
    assert.equal(h2.history.student_loss![0], 0);
    assert.ok(h2.history.distillation_loss![0]! > 0);
    assert.notDeepEqual(weightsOf(student), before);
    const pred = (await d.predict(x, { verbose: 0 })) as st.Tensor[];
    assert.deepEqual(
      pred.map((t) => t.shape),
      [
        [12, 3],
        [12, 2],
      ],
    );
  });
});

describe("Distiller: errors as Keras raises them", () => {
  st.random.setSeed(7);
  const x = st.tensor(uniform(4, 5, 3));
  const teacher = new Sequential([
    new layers.Dense(6, { name: "t_hidden" }),
    new layers.Dense(10, { name: "t_out" }),
  ]);
  const student = new Sequential([
    new layers.Dense(3, { name: "s_hidden" }),
    new layers.Dense(10, { name: "s_out" }),
  ]);
  teacher.apply(x);
  student.apply(x);
  const logits = new LogitsDistillation({ temperature: 2, loss: new losses.KLDivergence() });

  it("models that are not Models, null losses, weights of the wrong length, a weight out of [0, 1]", () => {
    assert.throws(
      () => new Distiller({ teacher: "not_a_model" as never, student, distillationLosses: logits }),
      /teacher must be a Model, got string/,
    );
    assert.throws(
      () => new Distiller({ teacher, student: "not_a_model" as never, distillationLosses: logits }),
      /student must be a Model/,
    );
    assert.throws(
      () => new Distiller({ teacher, student, distillationLosses: null as never }),
      /'distillationLosses' cannot be null/,
    );
    assert.throws(
      () =>
        new Distiller({
          teacher,
          student,
          distillationLosses: [logits, new LogitsDistillation()],
          distillationLossWeights: [1],
        }),
      /number of distillationLossWeights \(1\) must match number of distillationLosses \(2\)/,
    );
    assert.throws(
      () => new Distiller({ teacher, student, distillationLosses: logits, studentLossWeight: 1.5 }),
      /studentLossWeight must be between 0.0 and 1.0, got 1.5/,
    );
    assert.throws(
      () => new Distiller({ teacher, student, distillationLosses: "kl" as never }),
      /must be a DistillationLoss/,
    );
    assert.throws(
      () =>
        new Distiller({ teacher, student, distillationLosses: logits, studentWeight: 1 } as never),
      /unknown option studentWeight; did you mean studentLossWeight/,
    );
  });

  it("incompatible output shapes or input shapes", () => {
    const small = new Sequential([new layers.Dense(5)]);
    small.apply(x);
    assert.throws(
      () => new Distiller({ teacher, student: small, distillationLosses: logits }),
      /output shapes are incompatible/,
    );
    const otherInput = new Sequential([new layers.Dense(10)]);
    otherInput.apply(st.tensor(uniform(2, 4, 1)));
    assert.throws(
      () => new Distiller({ teacher, student: otherInput, distillationLosses: logits }),
      /input shapes are incompatible/,
    );
  });

  it("unknown layer names, and layer names on subclassed models", () => {
    assert.throws(
      () =>
        new Distiller({
          teacher,
          student,
          distillationLosses: new FeatureDistillation({
            teacherLayerName: "nope",
            studentLayerName: "s_hidden",
          }),
        }),
      (e: Error) =>
        e instanceof ValueError && /^In teacher model: .*no layer named "nope"/.test(e.message),
    );
    assert.throws(
      () =>
        new Distiller({
          teacher,
          student,
          distillationLosses: new FeatureDistillation({
            teacherLayerName: "t_hidden",
            studentLayerName: "nope",
          }),
        }),
      /In student model: .*no layer named "nope"/,
    );
    const sub = new Simple(10, 4);
    sub.apply(x);
    assert.throws(
      () =>
        new Distiller({
          teacher: sub,
          student,
          distillationLosses: new FeatureDistillation({ teacherLayerName: "dense1" }),
        }),
      /requires Functional or Sequential models. The teacher model\(s\) appear to be subclassed/,
    );
    // Without layer names a subclassed pair is fine (final outputs).
    new Distiller({
      teacher: sub,
      student: new Simple(10, 2),
      distillationLosses: new FeatureDistillation(),
    });
  });

  it("compile needs a loss, and metrics as a list; fit before compile fails", async () => {
    const d = new Distiller({ teacher, student, distillationLosses: logits });
    await assert.rejects(
      () => d.fit(x, st.tensor([0, 1, 2, 3], [4], "int32"), { verbose: 0 }),
      /compile\(\)/,
    );
    assert.throws(() => d.compile({}), /'loss' cannot be null/);
    assert.throws(
      () => d.compile({ loss: "mse", metrics: { out: ["mae"] } as never }),
      /metrics must be a list/,
    );
  });
});

describe("Distiller: custom distillation losses", () => {
  class L1Logits extends distillation.DistillationLoss {
    constructor(readonly scale = 1) {
      super();
    }
    override computeLoss(t: distillation.Outputs, s: distillation.Outputs): st.Tensor {
      const d = st.ops.abs(st.ops.subtract(t as st.Tensor, s as st.Tensor));
      return st.ops.multiply(st.ops.mean(d), this.scale);
    }
    override getConfig() {
      return { scale: this.scale };
    }
    static fromConfig(c: Record<string, unknown>) {
      return new L1Logits(c.scale as number);
    }
  }
  class PerSample extends distillation.DistillationLoss {
    override computeLoss(t: distillation.Outputs, s: distillation.Outputs): st.Tensor {
      return st.ops.mean(st.ops.abs(st.ops.subtract(t as st.Tensor, s as st.Tensor)), -1);
    }
  }

  it("a subclass's computeLoss is weighted in; its config comes back through customObjects", () => {
    st.random.setSeed(12);
    const x = st.tensor(uniform(3, 2, 31));
    const teacher = new Sequential([new layers.Dense(2)]);
    const student = new Sequential([new layers.Dense(2)]);
    teacher.apply(x);
    student.apply(x);
    const d = new Distiller({
      teacher,
      student,
      distillationLosses: [new L1Logits(2)],
      distillationLossWeights: [0.5],
      studentLossWeight: 0,
    });
    d.compile({ loss: "mse" });
    const t = (teacher.apply(x).toArray() as number[][]).flat();
    const sv = (student.apply(x).toArray() as number[][]).flat();
    const l1 = t.reduce((a, v, i) => a + Math.abs(v - sv[i]!), 0) / t.length;
    close(Number(d.computeLoss({ x, y: null }).item()), 0.5 * 2 * l1);
    const config = JSON.parse(JSON.stringify(d.getConfig())) as Record<string, unknown>;
    const entry = (
      config.distillation_losses as { class_name: string; registered_name: string }[]
    )[0]!;
    assert.equal(entry.class_name, "L1Logits");
    assert.throws(() => Distiller.fromConfig(config), /unknown distillation loss class "L1Logits"/);
    const back = Distiller.fromConfig(config, { L1Logits });
    assert.ok(back.distillationLosses[0] instanceof L1Logits);
    assert.equal((back.distillationLosses[0] as L1Logits).scale, 2);
  });

  it("a computeLoss that returns a non-scalar is a ValueError, as in Keras", () => {
    const x = st.tensor(uniform(3, 2, 32));
    const teacher = new Sequential([new layers.Dense(2)]);
    const student = new Sequential([new layers.Dense(2)]);
    teacher.apply(x);
    student.apply(x);
    const d = new Distiller({ teacher, student, distillationLosses: new PerSample() });
    d.compile({ loss: "mse" });
    assert.throws(
      () => d.computeLoss({ x, y: null }),
      /Distillation loss PerSample returned a non-scalar loss with shape \[3\]/,
    );
  });
});

describe("Distiller: config and saving", () => {
  it("getConfig / fromConfig, and save → loadModel keeps the models, weights and settings", async () => {
    st.random.setSeed(8);
    const make = (p: string, h: number) =>
      new Sequential([
        new layers.Dense(h, { activation: "relu", name: `${p}_dense_1` }),
        new layers.Dense(10, { name: `${p}_output` }),
      ]);
    const teacher = make("teacher", 16);
    const student = make("student", 8);
    const x = st.tensor(uniform(2, 20, 5));
    teacher.apply(x);
    student.apply(x);
    const original = new Distiller({
      teacher,
      student,
      distillationLosses: [
        new LogitsDistillation({ temperature: 3, loss: "kl_divergence" }),
        new FeatureDistillation({
          teacherLayerName: "teacher_output",
          studentLayerName: "student_output",
        }),
      ],
      distillationLossWeights: [1, 0.25],
      studentLossWeight: 0.7,
    });
    assert.deepEqual(original.apply(x).shape, [2, 10]);
    const config = original.getConfig();
    for (const k of [
      "teacher",
      "student",
      "distillation_losses",
      "distillation_loss_weights",
      "student_loss_weight",
    ]) {
      assert.ok(k in config, k);
    }
    const json = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
    const losses0 = (json.distillation_losses as { module: string; class_name: string }[])[0]!;
    assert.equal(losses0.module, "keras.distillation");
    assert.equal(losses0.class_name, "LogitsDistillation");
    const rebuilt = Distiller.fromConfig(json);
    assert.equal(rebuilt.studentLossWeight, 0.7);
    assert.deepEqual(rebuilt.distillationLossWeights, [1, 0.25]);
    assert.ok(rebuilt.distillationLosses[0] instanceof LogitsDistillation);
    assert.equal((rebuilt.distillationLosses[0] as distillation.LogitsDistillation).temperature, 3);
    assert.equal(
      (rebuilt.distillationLosses[1] as distillation.FeatureDistillation).teacherLayerName,
      "teacher_output",
    );
    assert.deepEqual(rebuilt.apply(x).shape, [2, 10]);
    assert.equal(rebuilt.teacher.trainable, false);

    original.compile({ loss: "sparse_categorical_crossentropy" });
    // Keras writes a Distiller's compile config with loss null and leaves a loaded one uncompiled.
    const asKeras = JSON.parse(original.toJson()) as { compile_config: { loss: unknown } };
    assert.equal(asKeras.compile_config.loss, "sparse_categorical_crossentropy");
    asKeras.compile_config.loss = null;
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warnings.push(m);
    try {
      const fromKeras = st.models.modelFromJson(JSON.stringify(asKeras)) as distillation.Distiller;
      assert.ok(fromKeras instanceof Distiller);
      assert.equal(fromKeras.compiled, null);
    } finally {
      console.warn = warn;
    }
    assert.match(warnings.join("\n"), /compile\(\) was not called as part of model loading/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "strata-distiller-"));
    try {
      const file = path.join(dir, "distiller_model.keras");
      await original.save(file);
      const loaded = await st.models.loadModel(file);
      assert.ok(loaded instanceof Distiller);
      const d = loaded as distillation.Distiller;
      assert.equal(d.studentLossWeight, 0.7);
      assert.equal(d.teacher.trainable, false);
      assert.deepEqual(Array.from(d.apply(x).dataSync()), Array.from(original.apply(x).dataSync()));
      assert.deepEqual(weightsOf(d.teacher), weightsOf(teacher));
      assert.ok(d.compiled, "compiled from the saved compile config");
      const h = await d.fit(x, st.tensor([1, 2], [2], "int32"), { epochs: 1, verbose: 0 });
      assert.ok(Number.isFinite(h.history.total_loss![0]!));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
