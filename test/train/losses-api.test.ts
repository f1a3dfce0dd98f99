import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import { Layer } from "../../src/layers/layer.js";
import * as losses from "../../src/train/losses/index.js";
import { MeanSquaredError as MeanSquaredErrorMetric } from "../../src/train/metrics/index.js";
import { assertClose } from "../helpers.js";

describe("getLoss", () => {
  it("resolves Keras strings, aliases and class names, named as given", () => {
    const table: [string, string, string][] = [
      ["binary_crossentropy", "BinaryCrossentropy", "binary_crossentropy"],
      ["categorical_crossentropy", "CategoricalCrossentropy", "categorical_crossentropy"],
      [
        "sparse_categorical_crossentropy",
        "SparseCategoricalCrossentropy",
        "sparse_categorical_crossentropy",
      ],
      ["mean_squared_error", "MeanSquaredError", "mean_squared_error"],
      ["mse", "MeanSquaredError", "mse"],
      ["mae", "MeanAbsoluteError", "mae"],
      ["mape", "MeanAbsolutePercentageError", "mape"],
      ["msle", "MeanSquaredLogarithmicError", "msle"],
      ["huber", "Huber", "huber"],
      ["log_cosh", "LogCosh", "log_cosh"],
      ["kld", "KLDivergence", "kld"],
      ["kl_divergence", "KLDivergence", "kl_divergence"],
      ["poisson", "Poisson", "poisson"],
      ["cosine_similarity", "CosineSimilarity", "cosine_similarity"],
      ["hinge", "Hinge", "hinge"],
      ["squared_hinge", "SquaredHinge", "squared_hinge"],
      ["categorical_hinge", "CategoricalHinge", "categorical_hinge"],
      ["Huber", "Huber", "huber_loss"],
      ["BinaryCrossentropy", "BinaryCrossentropy", "binary_crossentropy"],
    ];
    for (const [id, cls, name] of table) {
      const l = losses.getLoss(id)!;
      assert.equal(l.constructor.name, cls, id);
      assert.equal(l.name, name, id);
      assert.equal(l.reduction, "sum_over_batch_size");
    }
    assert.equal(losses.getLoss(null), null);
    assert.equal(losses.get, losses.getLoss);
  });

  it("returns Loss instances as they are and wraps plain functions", () => {
    const l = new losses.Huber({ delta: 2 });
    assert.equal(losses.getLoss(l), l);
    function myLoss(yTrue: st.Tensor, yPred: st.Tensor): st.Tensor {
      return st.ops.mean(st.ops.abs(st.ops.subtract(yTrue, yPred)), -1);
    }
    const w = losses.getLoss(myLoss)!;
    assert.ok(w instanceof losses.LossFunctionWrapper);
    assert.equal(w.name, "my_loss");
    // The wrapper aligns ranks first: labels [batch] against predictions [batch, 1].
    assertClose(w.apply([1, 2], [[1.5], [3]]), [0.75]);
  });

  it('resolves "crossentropy"/"ce" from the shapes, as Keras compile does', () => {
    const pick = (id: string, yTrue: (number | null)[], yPred: (number | null)[]): string =>
      losses.getLoss(id, { yTrue, yPred })!.constructor.name;
    assert.equal(pick("crossentropy", [null, 1], [null, 1]), "BinaryCrossentropy");
    assert.equal(pick("ce", [null], [null, 10]), "SparseCategoricalCrossentropy");
    assert.equal(pick("ce", [null, 1], [null, 10]), "SparseCategoricalCrossentropy");
    assert.equal(pick("crossentropy", [null, 10], [null, 10]), "CategoricalCrossentropy");
    assert.equal(
      losses.getLoss("ce", { yTrue: st.zeros([2]), yPred: st.zeros([2, 3]) })!.name,
      "ce",
    );
    assert.throws(() => losses.getLoss("crossentropy"), { message: /pass \{ yTrue, yPred \}/ });
  });

  it("rejects unknown identifiers, listing the valid names", () => {
    assert.throws(() => losses.getLoss("mean_sqared_error"), {
      name: "ValueError",
      message:
        /^getLoss: unknown loss "mean_sqared_error"; expected one of binary_crossentropy, .*mse/,
    });
    assert.throws(() => losses.getLoss(42), { name: "ValueError", message: /received 42/ });
  });
});

describe("loss configs", () => {
  it("writes Keras's keys and values", () => {
    assert.deepEqual(new losses.BinaryCrossentropy().getConfig(), {
      name: "binary_crossentropy",
      reduction: "sum_over_batch_size",
      from_logits: false,
      label_smoothing: 0,
      axis: -1,
    });
    assert.deepEqual(new losses.SparseCategoricalCrossentropy({ fromLogits: true }).getConfig(), {
      name: "sparse_categorical_crossentropy",
      reduction: "sum_over_batch_size",
      from_logits: true,
      ignore_class: null,
      // Keras 3.16's LossFunctionWrapper writes every keyword of the function, axis included.
      axis: -1,
    });
    assert.deepEqual(new losses.MeanSquaredError({ reduction: "sum" }).getConfig(), {
      name: "mean_squared_error",
      reduction: "sum",
    });
    assert.deepEqual(new losses.BinaryFocalCrossentropy().getConfig(), {
      name: "binary_focal_crossentropy",
      reduction: "sum_over_batch_size",
      from_logits: false,
      label_smoothing: 0,
      axis: -1,
      apply_class_balancing: false,
      alpha: 0.25,
      gamma: 2,
    });
    assert.deepEqual(new losses.CategoricalCrossentropy().serialize(), {
      module: "keras.losses",
      class_name: "CategoricalCrossentropy",
      config: {
        name: "categorical_crossentropy",
        reduction: "sum_over_batch_size",
        from_logits: false,
        label_smoothing: 0,
        axis: -1,
      },
      registered_name: null,
    });
  });

  it("round-trips through serialize / deserialize and Keras-written configs", () => {
    const made = [
      new losses.CategoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.1, name: "cce" }),
      new losses.SparseCategoricalCrossentropy({ ignoreClass: 0, reduction: null }),
      new losses.Huber({ delta: 2.5 }),
      new losses.CosineSimilarity({ axis: 1 }),
      new losses.BinaryFocalCrossentropy({ gamma: 3, alpha: 0.4, applyClassBalancing: true }),
    ];
    for (const l of made) {
      const back = losses.deserialize(JSON.parse(JSON.stringify(losses.serialize(l))) as never);
      assert.equal(back.constructor, l.constructor);
      assert.deepEqual(back.getConfig(), l.getConfig());
    }
    // As Keras 3 writes it in a compile_config.
    const keras = {
      module: "keras.losses",
      class_name: "BinaryCrossentropy",
      config: {
        name: "bce",
        reduction: "sum_over_batch_size",
        from_logits: true,
        label_smoothing: 0.0,
        axis: -1,
      },
      registered_name: "BinaryCrossentropy",
    };
    const l = losses.getLoss(keras) as losses.BinaryCrossentropy;
    assert.equal(l.fromLogits, true);
    assert.equal(l.name, "bce");
    assert.throws(() => losses.deserialize({ ...keras, class_name: "Nope" }), {
      message: /unknown loss class "Nope"/,
    });
    const fn = {
      module: "keras.losses",
      class_name: "function",
      config: "mse",
      registered_name: "function",
    };
    assert.equal(losses.getLoss(fn)!.constructor.name, "MeanSquaredError");
    const policy = {
      module: "keras",
      class_name: "DTypePolicy",
      config: { name: "float64" },
      registered_name: null,
    };
    assert.equal(losses.MeanSquaredError.fromConfig({ name: "m", dtype: policy }).dtype, "float64");
  });
});

describe("loss errors", () => {
  it("names the loss and both shapes on a shape mismatch", () => {
    assert.throws(() => new losses.MeanSquaredError().apply(st.zeros([4, 3]), st.zeros([4, 2])), {
      name: "ShapeError",
      message:
        "mean_squared_error: y_true and y_pred have incompatible shapes; received y_true.shape=[4,3], y_pred.shape=[4,2]",
    });
    assert.throws(() => new losses.BinaryCrossentropy().apply(st.zeros([4, 2]), st.zeros([4, 1])), {
      name: "ShapeError",
      message:
        "binary_crossentropy: y_true and y_pred must have the same shape; received y_true.shape=[4,2], y_pred.shape=[4,1]",
    });
    assert.throws(
      () => new losses.CategoricalCrossentropy().apply(st.zeros([4]), st.zeros([4, 3])),
      {
        message:
          "categorical_crossentropy: y_true and y_pred must have the same shape; received y_true.shape=[4], " +
          "y_pred.shape=[4,3] (for integer labels use sparse_categorical_crossentropy)",
      },
    );
    assert.throws(() => losses.huber(st.zeros([2, 3]), st.zeros([3, 2])), {
      message: /^huber: .*\[2,3\].*\[3,2\]/,
    });
    assert.throws(
      () => new losses.MeanAbsoluteError().apply(st.zeros([4, 2]), st.zeros([4, 2]), st.ones([3])),
      {
        name: "ShapeError",
        message:
          /mean_absolute_error: sample_weight of shape \[3\] does not broadcast against the per-sample losses of shape \[4\]/,
      },
    );
  });

  it("rejects bad options, Keras style", () => {
    assert.throws(() => new losses.MeanSquaredError({ reduction: "avg" as never }), {
      name: "ValueError",
      message:
        /^mean_squared_error: invalid reduction; expected one of .*received reduction="avg"$/,
    });
    assert.throws(() => new losses.BinaryCrossentropy({ labelSmoothing: 1.5 }), {
      message:
        "BinaryCrossentropy: label_smoothing must be in [0, 1]; received label_smoothing=1.5",
    });
    assert.throws(() => new losses.Huber({ delta: -1 }), {
      message: "huber: delta must be a positive number; received delta=-1",
    });
    assert.throws(() => new losses.SparseCategoricalCrossentropy({ ignoreClass: 0.5 }), {
      message: /ignore_class=0.5/,
    });
  });
});

describe("Loss subclassing and reductions", () => {
  it("lets a custom Loss subclass reuse apply's weighting and reduction", () => {
    class Cubed extends losses.Loss {
      call(yTrue: st.Tensor, yPred: st.Tensor): st.Tensor {
        return st.ops.mean(st.ops.power(st.ops.abs(st.ops.subtract(yTrue, yPred)), 3), -1);
      }
    }
    const l = new Cubed();
    assert.equal(l.name, "cubed");
    assertClose(
      l.apply(
        [
          [0, 0],
          [1, 1],
        ],
        [
          [1, 1],
          [1, 3],
        ],
        [1, 3],
      ),
      [(1 + 3 * 4) / 2],
    );
    assert.deepEqual(l.getConfig(), { name: "cubed", reduction: "sum_over_batch_size" });
  });

  it("divides by the number of per-sample values, and handles time-distributed weights", () => {
    const l = new losses.MeanSquaredError();
    // Per-sample losses of shape [2, 3] (a sequence output); weights [2, 3] mask some steps.
    const yt = st.zeros([2, 3, 1]);
    const yp = st.tensor([
      [[1], [2], [3]],
      [[4], [5], [6]],
    ]);
    const w = st.tensor([
      [1, 1, 0],
      [1, 0, 0],
    ]);
    assertClose(l.apply(yt, yp, w), [(1 + 4 + 16) / 6]);
    assertClose(
      new losses.MeanSquaredError({ reduction: "mean_with_sample_weight" }).apply(yt, yp, w),
      [21 / 3],
    );
    assertClose(l.apply(yt, yp, 2), [(2 * 91) / 6]);
  });
});

describe("masks from layers", () => {
  /** Passes its input through and masks the time steps whose features are all zero. */
  class MaskZeroSteps extends Layer {
    call(inputs: st.Tensor | st.Tensor[]): st.Tensor {
      return inputs as st.Tensor;
    }
    override computeMask(inputs: st.Tensor | st.Tensor[]): st.Tensor {
      return st.ops.notEqual(st.ops.sum(st.ops.abs(inputs as st.Tensor), -1), 0);
    }
  }

  it("averages the loss over unmasked steps only, and folds the mask into sample weights", () => {
    const yp = new MaskZeroSteps().apply(
      st.tensor([
        [[1], [2], [0]],
        [[3], [0], [0]],
      ]),
    ) as st.Tensor;
    const yt = st.zeros([2, 3, 1]);
    // Per-step squared errors 1, 4, 9 are valid (3 of 6 steps).
    assertClose(new losses.MeanSquaredError().apply(yt, yp), [(1 + 4 + 9) / 3]);
    assertClose(new losses.MeanSquaredError({ reduction: "sum" }).apply(yt, yp), [14]);
    assertClose(new losses.MeanSquaredError().apply(yt, yp, [1, 2]), [(1 + 4 + 18) / 3]);
    const metric = new MeanSquaredErrorMetric();
    metric.updateState(yt, yp);
    assertClose(metric.result(), (1 + 4 + 9) / 3);
  });
});
