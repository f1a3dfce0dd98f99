// st.distillation's losses (Keras 3.16 keras.distillation) against float64 formulas written out
// here: temperature-softened KL times T², logits losses on the scaled logits, feature losses,
// Keras's structure checks and errors, and the config round trip.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../../src/index.js";
import { ValueError, distillation, losses } from "../../../src/index.js";

const { LogitsDistillation, FeatureDistillation, DistillationLoss } = distillation;

const TEACHER = [
  [1, 2, 3],
  [4, 5, 6],
];
const STUDENT = [
  [2, 1, 4],
  [3, 6, 2],
];

function softmax64(row: number[]): number[] {
  const m = Math.max(...row);
  const e = row.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** mean over rows of Σ p·log(p/q) with p = softmax(t/T), q = softmax(s/T), Keras's clip to [1e-7, 1]. */
function klSoftened(t: number[][], s: number[][], T: number): number {
  const clip = (v: number) => Math.min(Math.max(v, 1e-7), 1);
  let total = 0;
  t.forEach((row, i) => {
    const p = softmax64(row.map((v) => v / T)).map(clip);
    const q = softmax64(s[i]!.map((v) => v / T)).map(clip);
    total += p.reduce((acc, pi, k) => acc + pi * Math.log(pi / q[k]!), 0);
  });
  return total / t.length;
}

function mse64(a: number[][], b: number[][]): number {
  const d = a.flat().map((v, i) => (v - b.flat()[i]!) ** 2);
  return d.reduce((x, y) => x + y, 0) / d.length;
}

const scaled = (m: number[][], T: number) => m.map((r) => r.map((v) => v / T));
const close = (a: number, b: number, tol = 1e-5) =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

describe("LogitsDistillation", () => {
  it("a KLDivergence loss: T² · KL(softmax(t/T) ‖ softmax(s/T)), averaged over the batch", () => {
    const d = new LogitsDistillation({ temperature: 3, loss: new losses.KLDivergence() });
    const v = d.computeLoss(st.tensor(TEACHER), st.tensor(STUDENT));
    assert.deepEqual(v.shape, []);
    close(Number(v.item()), 9 * klSoftened(TEACHER, STUDENT, 3));
  });

  it("the default 'kl_divergence' is Keras's function on the scaled logits: no softmax, no T²", () => {
    // Keras 3.16 resolves the string to the kl_divergence function, which its isinstance check
    // passes over: Σ clip(t/T)·log(clip(t/T) / clip(s/T)), clipped to [1e-7, 1], batch mean.
    const d = new LogitsDistillation();
    assert.equal(d.temperature, 3);
    const clip = (v: number) => Math.min(Math.max(v, 1e-7), 1);
    const rows = scaled(TEACHER, 3).map((row, i) =>
      row.reduce((acc, tv, k) => {
        const p = clip(tv);
        return acc + p * Math.log(p / clip(STUDENT[i]![k]! / 3));
      }, 0),
    );
    const v = d.computeLoss(st.tensor(TEACHER), st.tensor(STUDENT));
    close(Number(v.item()), rows.reduce((a, b) => a + b, 0) / rows.length);
    // Equal logits: no divergence.
    close(Number(d.computeLoss(st.tensor(TEACHER), st.tensor(TEACHER)).item()), 0);
  });

  it("another loss compares the temperature-scaled logits directly, without T²", () => {
    const d = new LogitsDistillation({ temperature: 2, loss: "mse" });
    const v = d.computeLoss(st.tensor(TEACHER), st.tensor(STUDENT));
    close(Number(v.item()), mse64(scaled(TEACHER, 2), scaled(STUDENT, 2)));
  });

  it("a list of losses per output sums them, null skipping an output", () => {
    const d = new LogitsDistillation({ temperature: 2, loss: ["mse", null] });
    const t = [st.tensor(TEACHER), st.tensor(STUDENT)];
    const s = [st.tensor(STUDENT), st.tensor(STUDENT)];
    close(Number(d.computeLoss(t, s).item()), mse64(scaled(TEACHER, 2), scaled(STUDENT, 2)));
    const both = new LogitsDistillation({ temperature: 2, loss: ["mse", "mae"] });
    const mae = TEACHER.flat().reduce((a, v, i) => a + Math.abs(v - STUDENT.flat()[i]!) / 2, 0) / 6;
    close(
      Number(
        both
          .computeLoss(
            [st.tensor(TEACHER), st.tensor(TEACHER)],
            [st.tensor(STUDENT), st.tensor(STUDENT)],
          )
          .item(),
      ),
      mse64(scaled(TEACHER, 2), scaled(STUDENT, 2)) + mae,
    );
  });

  it("validateOutputs: the same structure passes, a different one is a ValueError (Keras's test)", () => {
    const d = new LogitsDistillation({ temperature: 3 });
    const t = st.tensor(TEACHER);
    d.validateOutputs(t, st.tensor(STUDENT));
    assert.throws(() => d.validateOutputs(t, { output: t }), ValueError);
    assert.throws(() => d.validateOutputs([t, t], [t]), ValueError);
  });

  it("raises as Keras: all losses null, a temperature not positive or not a number, an unknown loss", () => {
    assert.throws(
      () => new LogitsDistillation({ loss: null }),
      /at least one loss must be non-null/,
    );
    assert.throws(() => new LogitsDistillation({ loss: [null, null] }), ValueError);
    assert.throws(() => new LogitsDistillation({ temperature: 0 }), /temperature must be positive/);
    assert.throws(
      () => new LogitsDistillation({ temperature: -1 }),
      /temperature must be positive/,
    );
    assert.throws(
      () => new LogitsDistillation({ temperature: "3" as unknown as number }),
      /temperature must be a number/,
    );
    assert.throws(() => new LogitsDistillation({ loss: "not_a_loss" }), ValueError);
    assert.throws(
      () => new LogitsDistillation({ temprature: 2 } as never),
      /unknown option temprature; did you mean temperature/,
    );
  });

  it("getConfig / fromConfig: Keras's keys, a string loss written as Keras writes a function", () => {
    const d = new LogitsDistillation({ temperature: 4, loss: "kl_divergence" });
    const config = d.getConfig();
    assert.deepEqual(config, {
      temperature: 4,
      loss: {
        module: "keras.losses",
        class_name: "function",
        config: "kl_divergence",
        registered_name: "function",
      },
    });
    const back = LogitsDistillation.fromConfig(JSON.parse(JSON.stringify(config)));
    assert.equal(back.temperature, 4);
    const v1 = d.computeLoss(st.tensor(TEACHER), st.tensor(STUDENT)).item();
    const v2 = back.computeLoss(st.tensor(TEACHER), st.tensor(STUDENT)).item();
    close(Number(v2), Number(v1));
    const inst = new LogitsDistillation({
      loss: new losses.CategoricalCrossentropy({ fromLogits: true }),
    });
    const c2 = inst.getConfig() as { loss: { class_name: string } };
    assert.equal(c2.loss.class_name, "CategoricalCrossentropy");
    assert.ok(LogitsDistillation.fromConfig(c2).loss instanceof losses.CategoricalCrossentropy);
  });
});

describe("FeatureDistillation", () => {
  const T2 = [
    [1, 2, 3],
    [4, 5, 6],
  ];
  const S2 = [
    [1.1, 2.1, 3.1],
    [4.1, 5.1, 6.1],
  ];

  it("the mean of the loss between features (mse by default), no temperature", () => {
    const d = new FeatureDistillation();
    close(Number(d.computeLoss(st.tensor(T2), st.tensor(S2)).item()), mse64(T2, S2));
    const cos = new FeatureDistillation({ loss: "cosine_similarity" });
    // Keras's cosine_similarity: −Σ l2norm(a)·l2norm(b) per row.
    const ref =
      T2.map((a, i) => {
        const b = S2[i]!;
        const dot = a.reduce((s, v, k) => s + v * b[k]!, 0);
        const na = Math.hypot(...a);
        const nb = Math.hypot(...b);
        return -dot / (na * nb);
      }).reduce((x, y) => x + y, 0) / 2;
    close(Number(cos.computeLoss(st.tensor(T2), st.tensor(S2)).item()), ref);
  });

  it("validateOutputs: mismatched outputs, and a loss structure that differs from the outputs (Keras's test)", () => {
    const d = new FeatureDistillation({ loss: "mse" });
    const t = st.tensor(T2);
    d.validateOutputs(t, st.tensor(S2));
    assert.throws(() => d.validateOutputs(t, [t, t]), ValueError);
    const two = new FeatureDistillation({ loss: ["mse", "mae"] });
    assert.throws(() => two.validateOutputs(t, t), /loss structure mismatch/);
    two.validateOutputs([t, t], [t, t]);
  });

  it("at least one non-null loss; layer names default to null; config round trip", () => {
    assert.throws(() => new FeatureDistillation({ loss: null }), /at least one non-null value/);
    const d = new FeatureDistillation({
      loss: "mae",
      teacherLayerName: "t1",
      studentLayerName: "s1",
    });
    const config = d.getConfig();
    assert.equal(config.teacher_layer_name, "t1");
    assert.equal(config.student_layer_name, "s1");
    const back = FeatureDistillation.fromConfig(JSON.parse(JSON.stringify(config)));
    assert.equal(back.teacherLayerName, "t1");
    assert.equal(back.studentLayerName, "s1");
    assert.ok(back.loss instanceof losses.MeanAbsoluteError);
    const plain = new FeatureDistillation();
    assert.equal(plain.teacherLayerName, null);
    assert.equal(plain.studentLayerName, null);
  });
});

describe("DistillationLoss (the base)", () => {
  it("computeLoss must be overridden; a subclass that does is used as given", () => {
    assert.throws(
      () => new DistillationLoss().computeLoss(st.tensor(T0), st.tensor(T0)),
      /must implement computeLoss/,
    );
    class AbsSum extends DistillationLoss {
      override computeLoss(t: distillation.Outputs, s: distillation.Outputs) {
        return st.ops.sum(st.ops.abs(st.ops.subtract(t as st.Tensor, s as st.Tensor)));
      }
    }
    const v = new AbsSum().computeLoss(st.tensor(TEACHER), st.tensor(STUDENT));
    close(Number(v.item()), 1 + 1 + 1 + 1 + 1 + 4);
  });
});

const T0 = [[0, 1]];
