import assert from "node:assert/strict";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { Layer, SymbolicTensor } from "../../src/layers/layer.js";
import { Input } from "../../src/layers/core/input.js";
import { assertClose } from "../helpers.js";

type AnyLayer = Layer & { getConfig(): Record<string, unknown> };
type LayerClass = { fromConfig?(config: Record<string, unknown>): Layer };

export interface LayerTestSpec {
  /** shape of the test input including the batch axis */
  inputShape: number[];
  inputDtype?: st.DType;
  /** custom input values (defaults to random normals, or random ints below `intHigh` for int32) */
  inputData?: Tensor | Tensor[];
  /** several inputs: one shape each (merge layers, attention) */
  inputShapes?: number[][];
  expectedOutputShape: (number | null)[] | (number | null)[][];
  expectedNumTrainableWeights?: number;
  expectedNumNonTrainableWeights?: number;
  /** weight shapes in `layer.weights` order */
  expectedWeightShapes?: number[][];
  intHigh?: number;
  /** finite-difference check of the gradient through the layer (float64 copy of the layer) */
  gradcheck?: boolean;
  /** a few gradient steps on a squared error must lower it */
  trainingStep?: boolean;
  /** call with training: true for the gradient/training checks (dropout-like layers need false) */
  training?: boolean;
}

function makeInputs(spec: LayerTestSpec, dtype: st.DType, seed = 1): Tensor[] {
  if (spec.inputData) return Array.isArray(spec.inputData) ? spec.inputData : [spec.inputData];
  const shapes = spec.inputShapes ?? [spec.inputShape];
  return shapes.map((shape, i) =>
    (spec.inputDtype ?? "float32") === "int32"
      ? st.random.randint(shape, 0, spec.intHigh ?? 10, { seed: seed + i })
      : st.random.normal(shape, { seed: seed + i, dtype }),
  );
}

function outShapes(
  out: Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[],
): (number | null)[][] {
  return (Array.isArray(out) ? out : [out]).map((t) => [...t.shape]);
}

/**
 * Keras's `run_layer_test`: one call checks the whole lifecycle of a layer — eager output shape,
 * symbolic shape inference, weights, config round trip, gradients and a training step.
 */
export function runLayerTest(make: (dtype: st.DType) => AnyLayer, spec: LayerTestSpec): void {
  const several = spec.inputShapes !== undefined;
  const expected = (
    Array.isArray(spec.expectedOutputShape[0])
      ? spec.expectedOutputShape
      : [spec.expectedOutputShape]
  ) as (number | null)[][];

  // 1. eager call: output shapes
  const layer = make("float32");
  const inputs = makeInputs(spec, "float32");
  const arg = several ? inputs : inputs[0]!;
  const out = layer.apply(arg as Tensor);
  assert.deepEqual(outShapes(out), expected, "eager output shape");

  // 2. weights
  if (spec.expectedNumTrainableWeights !== undefined) {
    assert.equal(
      layer.trainableWeights.length,
      spec.expectedNumTrainableWeights,
      "trainable weights",
    );
  }
  if (spec.expectedNumNonTrainableWeights !== undefined) {
    assert.equal(
      layer.nonTrainableWeights.length,
      spec.expectedNumNonTrainableWeights,
      "non-trainable weights",
    );
  }
  if (spec.expectedWeightShapes) {
    assert.deepEqual(
      layer.weights.map((w) => [...w.shape]),
      spec.expectedWeightShapes,
      "weight shapes",
    );
  }

  // 3. symbolic call: the same shapes with an unknown batch axis
  const fresh = make("float32");
  const symIn = inputs.map((t) => Input({ shape: t.shape.slice(1), dtype: t.dtype }));
  const symOut = fresh.apply((several ? symIn : symIn[0]!) as SymbolicTensor);
  assert.deepEqual(
    outShapes(symOut),
    expected.map((s) => [null, ...s.slice(1)]),
    "symbolic output shape",
  );

  // 4. config round trip: same config, and the same outputs with the same weights
  const config = layer.getConfig();
  const cls = layer.constructor as LayerClass;
  assert.ok(cls.fromConfig, `${layer.constructor.name} has no static fromConfig`);
  const clone = cls.fromConfig(config) as AnyLayer;
  assert.deepEqual(clone.getConfig(), config, "config round trip");
  clone.apply(arg as Tensor);
  clone.setWeights(layer.getWeights());
  const same = clone.apply(arg as Tensor);
  (Array.isArray(out) ? out : [out]).forEach((t, i) =>
    assertClose((Array.isArray(same) ? same : [same])[i]!, t, { rtol: 1e-5, atol: 1e-6 }),
  );

  const training = spec.training ?? false;

  // 5. gradients through the layer, in float64: with respect to the inputs and every weight
  if (spec.gradcheck ?? true) {
    const l64 = make("float64");
    const x64 = makeInputs(spec, "float64", 3);
    const first = l64.apply((several ? x64 : x64[0]!) as Tensor);
    const w = (Array.isArray(first) ? first : [first]).map((t, i) =>
      st.random.uniform([...t.shape], { seed: 11 + i, minval: 0.5, maxval: 1.5, dtype: "float64" }),
    );
    const loss = (xs: Tensor[]): Tensor => {
      const o = l64.apply((several ? xs : xs[0]!) as Tensor, { training });
      const os = Array.isArray(o) ? o : [o];
      return os.reduce(
        (acc: Tensor, t, i) => st.ops.add(acc, st.ops.sum(st.ops.multiply(t, w[i]!))),
        st.zeros([], "float64"),
      );
    };
    const floatIns = x64.map((t, i) => ({ t, i })).filter(({ t }) => t.dtype === "float64");
    const eps = 1e-6;
    const check = (
      analytic: Tensor,
      perturb: (delta: number, k: number) => number,
      label: string,
    ) => {
      const numeric = new Float64Array(analytic.size);
      for (let k = 0; k < analytic.size; k++)
        numeric[k] = (perturb(eps, k) - perturb(-eps, k)) / (2 * eps);
      try {
        assertClose(analytic, [...numeric], { rtol: 1e-4, atol: 1e-6 });
      } catch (e) {
        throw new Error(`gradient of ${label}: ${(e as Error).message}`);
      }
    };
    const vars = l64.trainableWeights;
    const xsVars = floatIns.map(({ t }) => new st.Variable(t));
    const { grads } = st.valueAndGrad(
      () =>
        loss(
          x64.map((t, i) => {
            const j = floatIns.findIndex((f) => f.i === i);
            return j >= 0 ? xsVars[j]!.value : t;
          }),
        ),
      [...vars, ...xsVars],
    );
    vars.forEach((v, vi) => {
      const base = v.value;
      check(
        grads[vi]!,
        (delta, k) => {
          const data = Float64Array.from(base.dataSync());
          data[k]! += delta;
          v.assign(st.tensor(data, base.shape));
          const r = loss(x64).item() as number;
          v.assign(base);
          return r;
        },
        `weight ${v.name}`,
      );
    });
    floatIns.forEach(({ t, i }, j) => {
      check(
        grads[vars.length + j]!,
        (delta, k) => {
          const data = Float64Array.from(t.dataSync());
          data[k]! += delta;
          const xs = x64.map((u, q) => (q === i ? st.tensor(data, t.shape) : u));
          return loss(xs).item() as number;
        },
        `input ${i}`,
      );
    });
  }

  // 6. a few plain gradient steps on a squared error lower it
  if ((spec.trainingStep ?? true) && layer.trainableWeights.length > 0) {
    const targets = (Array.isArray(out) ? out : [out]).map((t, i) =>
      st.random.normal([...t.shape], { seed: 21 + i }),
    );
    const mse = () => {
      const o = layer.apply(arg as Tensor, { training });
      const os = Array.isArray(o) ? o : [o];
      return os.reduce(
        (acc: Tensor, t, i) =>
          st.ops.add(acc, st.ops.mean(st.ops.square(st.ops.subtract(t, targets[i]!)))),
        st.zeros([]),
      );
    };
    const before = mse().item() as number;
    for (let step = 0; step < 5; step++) {
      const { grads } = st.valueAndGrad(mse, layer.trainableWeights);
      layer.trainableWeights.forEach((v, i) =>
        v.assign(st.ops.subtract(v, st.ops.multiply(grads[i]!, 0.01))),
      );
    }
    const after = mse().item() as number;
    assert.ok(after < before, `training steps should lower the loss: ${before} → ${after}`);
  }
}
