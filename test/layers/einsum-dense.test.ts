// EinsumDense: Keras's shape cases (its einsum_dense_test.py table), values against a naive float64
// einsum loop written here, the variance-scaling fans over the kernel's input and output axes,
// LoRA, configs and a .keras file written by Python Keras (test/fixtures/make_keras_einsum_dense.py).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { ValueError } from "../../src/errors.js";
import { Input } from "../../src/layers/core/input.js";
import { EinsumDense } from "../../src/layers/core/einsum-dense.js";
import type { SymbolicTensor } from "../../src/layers/layer.js";
import { assertClose } from "../helpers.js";
import { kerasRoundTrip } from "./keras-roundtrip.js";
import { runLayerTest } from "./layer-test.js";

const FIXTURES = new URL("../fixtures/keras-einsum-dense/", import.meta.url);

// Keras's test_einsum_dense_basics cases: equation, bias axes, input shape, output_shape, and the
// kernel, bias and output shapes Keras expects.
const CASES: [
  string,
  string | null,
  number[],
  number | number[],
  number[],
  number[] | null,
  number[],
][] = [
  ["ab,b->a", null, [2, 32], [], [32], null, [2]],
  ["ab,bc->ac", null, [2, 32], 64, [32, 64], null, [2, 64]],
  ["abc,cde->abde", null, [2, 1, 2], [1, 3, 4], [2, 3, 4], null, [2, 1, 3, 4]],
  ["abc,cde->abde", "e", [2, 1, 2], [1, 3, 4], [2, 3, 4], [4], [2, 1, 3, 4]],
  ["abc,cde->abde", "d", [2, 1, 2], [1, 3, 4], [2, 3, 4], [3, 1], [2, 1, 3, 4]],
  ["abc,cde->abde", "be", [2, 7, 2], [7, 3, 4], [2, 3, 4], [7, 1, 4], [2, 7, 3, 4]],
  ["BFNH,NHD->BFD", null, [2, 1, 2, 3], [1, 4], [2, 3, 4], null, [2, 1, 4]],
  ["abc,cd->abd", null, [2, 1, 2], [1, 4], [2, 4], null, [2, 1, 4]],
  ["i,d->id", null, [2], [2], [2], null, [2, 2]],
  ["ibd,nd->ibn", null, [2, 2, 1], [2, 2], [2, 1], null, [2, 2, 2]],
  ["...b,bc->...c", null, [2, 32], [64], [32, 64], null, [2, 64]],
  ["...bc,bc->...b", null, [2, 32, 64], [32], [32, 64], null, [2, 32]],
  ["...b,bc->...c", null, [2, 3, 32], [64], [32, 64], null, [2, 3, 64]],
  ["...c,cde->...de", null, [2, 1, 2], [3, 4], [2, 3, 4], null, [2, 1, 3, 4]],
  ["...c,cde->...de", "e", [2, 1, 2], [3, 4], [2, 3, 4], [4], [2, 1, 3, 4]],
  ["...c,cde->...de", "d", [2, 1, 2], [3, 4], [2, 3, 4], [3, 1], [2, 1, 3, 4]],
  ["...c,cde->...de", "de", [2, 1, 2], [3, 4], [2, 3, 4], [3, 4], [2, 1, 3, 4]],
  ["bc...,cd->bd...", null, [2, 1, 2, 3], [4], [1, 4], null, [2, 4, 2, 3]],
  ["bc...,cde->bde...", null, [2, 1, 2], [3, 4], [1, 3, 4], null, [2, 3, 4, 2]],
  ["bc...,cde->bde...", "d", [2, 1, 2], [3, 4], [1, 3, 4], [3, 1, 1], [2, 3, 4, 2]],
  ["bc...,cde->bde...", "e", [2, 1, 2], [3, 4], [1, 3, 4], [4, 1], [2, 3, 4, 2]],
  ["bc...,cde->bde...", "de", [2, 1, 2], [3, 4], [1, 3, 4], [3, 4, 1], [2, 3, 4, 2]],
];

/**
 * A naive einsum of two operands: every assignment of the letters, summed over those not in the
 * output; "..." is expanded to the letters of the axes it stands for in `a` (never in the kernel).
 */
function naiveEinsum(equation: string, a: Tensor, b: Tensor): { data: number[]; shape: number[] } {
  const [lhs, out0] = equation.split("->") as [string, string];
  const [sa0, sb] = lhs.split(",") as [string, string];
  const ell = "ZYXWVU".slice(0, a.rank - (sa0.length - (sa0.includes("...") ? 3 : 0)));
  const sa = sa0.replace("...", ell);
  const so = out0.replace("...", ell);
  const size = new Map<string, number>();
  [...sa].forEach((l, i) => size.set(l, a.shape[i]!));
  [...sb].forEach((l, i) => size.set(l, b.shape[i]!));
  const letters = [...size.keys()];
  const av = a.dataSync() as ArrayLike<number>;
  const bv = b.dataSync() as ArrayLike<number>;
  const flatIndex = (spec: string, shape: readonly number[], at: Map<string, number>): number =>
    [...spec].reduce((acc, l, i) => acc * shape[i]! + at.get(l)!, 0);
  const outShape = [...so].map((l) => size.get(l)!);
  const out = new Array<number>(outShape.reduce((p, q) => p * q, 1)).fill(0);
  const at = new Map<string, number>();
  const walk = (k: number): void => {
    if (k === letters.length) {
      out[flatIndex(so, outShape, at)]! +=
        av[flatIndex(sa, a.shape, at)]! * bv[flatIndex(sb, b.shape, at)]!;
      return;
    }
    for (let i = 0; i < size.get(letters[k]!)!; i++) {
      at.set(letters[k]!, i);
      walk(k + 1);
    }
  };
  walk(0);
  return { data: out, shape: outShape };
}

describe("EinsumDense shapes (Keras's cases)", () => {
  for (const [equation, biasAxes, inputShape, outputShape, kernel, bias, output] of CASES) {
    it(`${equation} bias ${biasAxes} input ${JSON.stringify(inputShape)}`, () => {
      const layer = new EinsumDense(equation, outputShape, { biasAxes });
      const x = st.random.normal(inputShape, { seed: 1 });
      const y = layer.apply(x) as Tensor;
      assert.deepEqual(y.shape, output);
      assert.deepEqual(
        layer.weights.map((w) => [...w.shape]),
        bias ? [kernel, bias] : [kernel],
      );
      assert.deepEqual(layer.computeOutputShape(inputShape), output);
      const sym = new EinsumDense(equation, outputShape, { biasAxes }).apply(
        Input({ shape: inputShape.slice(1) }),
      ) as SymbolicTensor;
      assert.deepEqual([...sym.shape], [null, ...output.slice(1)]);
    });
  }
});

describe("EinsumDense values against a naive float64 einsum", () => {
  const cases: [string, string | null, number[], number | number[], string | null][] = [
    ["abc,cde->abde", "be", [2, 3, 4], [3, 2, 5], null],
    ["...c,cd->...d", "d", [2, 3, 4], 6, "relu"],
    ["bc...,cde->bde...", "de", [2, 3, 2], [2, 4], "tanh"],
    ["ibd,nd->ibn", null, [2, 3, 4], [3, 5], null],
    ["...bc,bc->...b", "b", [2, 3, 4], [3], null],
  ];
  for (const [equation, biasAxes, inputShape, outputShape, activation] of cases) {
    it(`${equation} bias ${biasAxes} activation ${activation}`, () => {
      const layer = new EinsumDense(equation, outputShape, {
        biasAxes,
        activation,
        dtype: "float64",
      });
      const x = st.random.normal(inputShape, { seed: 2, dtype: "float64" });
      layer.apply(x);
      layer.setWeights(
        layer.weights.map((w, i) =>
          st.random.uniform([...w.shape], { seed: 5 + i, minval: -1, maxval: 1, dtype: "float64" }),
        ),
      );
      const ref = naiveEinsum(equation, x, layer.kernel.value);
      let expected = st.tensor(ref.data, ref.shape, "float64");
      if (layer.bias) expected = st.ops.add(expected, layer.bias.value);
      if (activation === "relu") expected = st.ops.relu(expected);
      if (activation === "tanh") expected = st.ops.tanh(expected);
      assertClose(layer.apply(x) as Tensor, expected, { rtol: 1e-12, atol: 1e-12 });
    });
  }

  it("lifecycle: config round trip, gradients of kernel, bias and input", () => {
    runLayerTest((dtype) => new EinsumDense("abc,cde->abde", [3, 2, 2], { biasAxes: "e", dtype }), {
      inputShape: [2, 3, 2],
      expectedOutputShape: [2, 3, 2, 2],
      expectedWeightShapes: [[2, 2, 2], [2]],
    });
  });
});

describe("EinsumDense initialization and LoRA", () => {
  it("glorot_uniform counts its fans over the kernel's input and output axes, as Keras 3.16", () => {
    // kernel (64, 8, 32): fan-in 64 (b), fan-out 256 (c, d); limit √(6 / 320) ≈ 0.137. A
    // convolution's fans ((64·8, 32·8)... would give a limit near 0.05.
    const layer = new EinsumDense("ab,bcd->acd", [8, 32], {
      kernelInitializer: new st.initializers.GlorotUniform({ seed: 3 }),
    });
    layer.apply(st.zeros([1, 64]));
    const w = layer.kernel.value;
    const limit = Math.sqrt(6 / (64 + 256));
    const maxAbs = Number(st.ops.max(st.ops.abs(w)).item());
    assert.ok(maxAbs <= limit && maxAbs > 0.9 * limit, `max |w| ${maxAbs}, limit ${limit}`);
  });

  it("LoRA: the kernel freezes, A·B learns, the output starts unchanged and follows kernel + (α/r)·A·B", () => {
    const layer = new EinsumDense("abc,cd->abd", [null, 3], {
      biasAxes: "d",
      loraRank: 2,
      loraAlpha: 4,
    });
    const x = st.random.normal([2, 3, 4], { seed: 4 });
    const y0 = layer.apply(x) as Tensor;
    assert.deepEqual(
      layer.trainableWeights.map((w) => w.name.split("/").pop()),
      ["bias", "lora_kernel_a", "lora_kernel_b"],
    );
    assert.deepEqual(
      layer.nonTrainableWeights.map((w) => w.name.split("/").pop()),
      ["kernel"],
    );
    const plain = st.ops.add(
      st.ops.einsum("abc,cd->abd", x, layer.kernel.value),
      layer.bias!.value,
    );
    assertClose(y0, plain, { rtol: 1e-6, atol: 1e-6 });
    layer.loraKernelB!.assign(st.random.normal([2, 3], { seed: 6 }));
    const merged = st.ops.add(
      layer.kernel.value,
      st.ops.multiply(st.ops.matmul(layer.loraKernelA!.value, layer.loraKernelB!.value), 2),
    );
    const expected = st.ops.add(st.ops.einsum("abc,cd->abd", x, merged), layer.bias!.value);
    assertClose(layer.apply(x) as Tensor, expected, { rtol: 1e-5, atol: 1e-5 });
    assert.deepEqual(layer.getConfig().lora_rank, 2);
    assert.deepEqual(layer.getConfig().lora_alpha, 4);
  });

  it(".keras round trips, LoRA included (the merged kernel is saved)", async () => {
    const layer = new EinsumDense("...c,cde->...de", [3, 2], {
      biasAxes: "de",
      activation: "gelu",
      kernelRegularizer: "l2",
    });
    await kerasRoundTrip(layer, st.random.normal([2, 3, 4], { seed: 1 }));
    const lora = new EinsumDense("abc,cd->abd", [null, 3], { biasAxes: "d", loraRank: 2 });
    const x = st.random.normal([2, 3, 4], { seed: 2 });
    lora.apply(x);
    lora.loraKernelB!.assign(st.random.normal([2, 3], { seed: 6 }));
    await kerasRoundTrip(lora, x);
  });

  it("rejects what Keras rejects", () => {
    const bad = (f: () => unknown, re: RegExp) =>
      assert.throws(f, (e: Error) => e instanceof ValueError && re.test(e.message));
    bad(() => new EinsumDense("ab,bc", 4), /invalid einsum equation/);
    bad(
      () => new EinsumDense("ab,bc->ac", 4, { biasAxes: "x" }).apply(st.zeros([1, 2])),
      /bias dimension 'x'/,
    );
    bad(() => new EinsumDense("ab,bc->ad", 4).apply(st.zeros([1, 2])), /dimension 'd'/);
    bad(() => new EinsumDense("ab,bcx->ac", 4).apply(st.zeros([1, 2])), /kernel dimension 'x'/);
    bad(
      () => new EinsumDense("abc,cd->abd", [5, 4]).apply(st.zeros([1, 3, 2])),
      /shared dimension 'b'/,
    );
    bad(
      () =>
        new EinsumDense("ab,bc->ac", 4, { kernelConstraint: "non_neg", loraRank: 2 }).apply(
          st.zeros([1, 2]),
        ),
      /LoRA is incompatible with kernel constraints/,
    );
  });
});

describe("EinsumDense files written by Python Keras", () => {
  const expected = JSON.parse(readFileSync(new URL("expected.json", FIXTURES), "utf8")) as {
    inputs: st.NestedArray;
    outputs: st.NestedArray[];
    configs: Record<string, Record<string, unknown>>;
    weight_shapes: Record<string, number[][]>;
  };

  it("loads einsum_dense.keras (all three equation forms, LoRA) and predicts what Keras predicted", async () => {
    const model = await st.models.loadModel(new URL("einsum_dense.keras", FIXTURES).pathname, {
      compile: false,
    });
    const got = model.predictOnBatch(st.tensor(expected.inputs)) as Tensor[];
    got.forEach((y, i) => assertClose(y, expected.outputs[i]!, { rtol: 1e-5, atol: 1e-5 }));
    for (const [name, shapes] of Object.entries(expected.weight_shapes)) {
      assert.deepEqual(
        model.getLayer(name).weights.map((w) => [...w.shape]),
        shapes,
        name,
      );
    }
  });

  it("writes the same configs as Keras", async () => {
    const model = await st.models.loadModel(new URL("einsum_dense.keras", FIXTURES).pathname, {
      compile: false,
    });
    for (const [name, config] of Object.entries(expected.configs)) {
      const ours = (model.getLayer(name) as unknown as EinsumDense).getConfig();
      assert.deepEqual(Object.keys(ours).sort(), Object.keys(config).sort(), name);
      for (const key of Object.keys(config)) {
        if (key === "dtype") continue;
        assert.deepEqual(ours[key], config[key], `${name}.${key}`);
      }
    }
  });
});
