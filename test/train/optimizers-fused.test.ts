import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as st from "../../src/index.js";
import type { UpdateRule } from "../../src/backend/backend.js";
import type { Optimizer } from "../../src/train/optimizers/optimizer.js";
import {
  type Kind,
  SIZES,
  assertParity,
  native,
  random,
  skipUnlessNative,
  ts,
} from "../backend/parity-helpers.js";
import { assertClose, eachBackend } from "../helpers.js";

// SGD, RMSprop and Adam run their update as one fused kernel per variable. The op-by-op rule
// (their `updateStep`) stays the specification: a subclass that merely calls it back forces that
// path, and the two must agree step after step, slots included.

type Make = (opts: Record<string, unknown>) => Optimizer;

const SGDOps = class extends st.optimizers.SGD {
  protected override updateStep(...a: Parameters<st.optimizers.SGD["updateStep"]>) {
    return super.updateStep(...a);
  }
};
const RMSpropOps = class extends st.optimizers.RMSprop {
  protected override updateStep(...a: Parameters<st.optimizers.RMSprop["updateStep"]>) {
    return super.updateStep(...a);
  }
};
const AdamOps = class extends st.optimizers.Adam {
  protected override updateStep(...a: Parameters<st.optimizers.Adam["updateStep"]>) {
    return super.updateStep(...a);
  }
};

const CASES: [string, Make, Make, Record<string, unknown>][] = [
  ["SGD", (o) => new st.optimizers.SGD(o), (o) => new SGDOps(o), { learningRate: 0.1 }],
  ["SGD momentum", (o) => new st.optimizers.SGD(o), (o) => new SGDOps(o), { momentum: 0.9 }],
  [
    "SGD Nesterov + weight decay",
    (o) => new st.optimizers.SGD(o),
    (o) => new SGDOps(o),
    { momentum: 0.8, nesterov: true, weightDecay: 0.1 },
  ],
  ["RMSprop", (o) => new st.optimizers.RMSprop(o), (o) => new RMSpropOps(o), {}],
  [
    "RMSprop momentum + centered",
    (o) => new st.optimizers.RMSprop(o),
    (o) => new RMSpropOps(o),
    { momentum: 0.5, centered: true, learningRate: 0.01 },
  ],
  [
    "RMSprop centered",
    (o) => new st.optimizers.RMSprop(o),
    (o) => new RMSpropOps(o),
    { centered: true },
  ],
  ["Adam", (o) => new st.optimizers.Adam(o), (o) => new AdamOps(o), { learningRate: 0.01 }],
  [
    "AMSGrad + weight decay",
    (o) => new st.optimizers.Adam(o),
    (o) => new AdamOps(o),
    { amsgrad: true, weightDecay: 0.05 },
  ],
];

/** Three steps of both paths from the same weights and gradients; weights and slots compared. */
function compare(
  make: Make,
  makeOps: Make,
  opts: Record<string, unknown>,
  dtype: "float32" | "float64",
) {
  st.random.setSeed(7);
  const w0 = st.random.normal([37, 5], { dtype });
  const grads = [0, 1, 2].map(() => st.random.normal([37, 5], { dtype }));
  const run = (opt: Optimizer) => {
    const v = new st.Variable(w0, { name: "w" });
    for (const g of grads) opt.apply([g], [v]);
    return [v, ...opt.variables.slice(2)].map((x) => Array.from(x.value.dataSync()));
  };
  const fused = run(make(opts));
  const ops = run(makeOps(opts));
  assert.equal(fused.length, ops.length);
  const tol = dtype === "float64" ? { rtol: 1e-12, atol: 1e-14 } : { rtol: 1e-5, atol: 1e-6 };
  fused.forEach((got, i) => assertClose(got, ops[i]!, tol));
}

eachBackend("fused optimizer updates equal the op-by-op rule", () => {
  for (const [name, make, makeOps, opts] of CASES) {
    it(name, () => {
      compare(make, makeOps, opts, "float32");
      compare(make, makeOps, opts, "float64");
    });
  }
});

describe("fused optimizer updates and tensor immutability", () => {
  it("a slot tensor read before a step keeps its values; the weight tensor too", () => {
    const v = new st.Variable(st.tensor([1, 2, 3]));
    const opt = new st.optimizers.RMSprop();
    opt.apply([st.tensor([1, 1, 1])], [v]);
    const velocity = opt.variables[2]!;
    const before = velocity.value;
    const saved = Array.from(before.dataSync());
    const weight = v.value;
    const weightSaved = Array.from(weight.dataSync());
    opt.apply([st.tensor([2, 2, 2])], [v]);
    assert.deepEqual(Array.from(before.dataSync()), saved);
    assert.deepEqual(Array.from(weight.dataSync()), weightSaved);
    assert.notDeepEqual(Array.from(velocity.value.dataSync()), saved);
  });

  it("a subclass that overrides updateStep gets its own rule", () => {
    class Plus1 extends st.optimizers.SGD {
      protected override updateStep(_g: st.Tensor, w: st.Tensor): st.Tensor {
        return st.ops.add(w, 1);
      }
    }
    const v = new st.Variable(st.tensor([1, 2]));
    new Plus1().apply([st.tensor([5, 5])], [v]);
    assert.deepEqual(Array.from(v.value.dataSync()), [2, 3]);
  });
});

describe("native applyUpdate matches the TypeScript kernel", skipUnlessNative, () => {
  const RULES: [UpdateRule, number, number[]][] = [
    ["sgd", 0, [0.1, 0, 0, 0, 0, 0]],
    ["sgd", 1, [0.1, 0.01, 0.9, 1, 0, 0]],
    ["rmsprop", 1, [0.01, 0, 0.9, 0, 1e-7, 0]],
    ["rmsprop", 3, [0.01, 0.001, 0.9, 0.5, 1e-7, 1]],
    ["adam", 2, [0.001, 0, 0.9, 0.999, 1e-7, 0]],
    ["adam", 3, [0.001, 0.02, 0.9, 0.999, 1e-7, 1]],
  ];
  for (const kind of ["f32", "f64"] as Kind[]) {
    for (const [rule, nSlots, hyper] of RULES) {
      it(`${rule} with ${nSlots} slots, ${kind}`, () => {
        for (const n of SIZES) {
          const w = random(kind, n, 1) as Float32Array;
          const g = random(kind, n, 2) as Float32Array;
          // Second moments (RMSprop's v, Adam's v and vHat) are positive and dominate a², as
          // the rules keep them; first moments are small.
          const second = (s: number) => (rule === "rmsprop" ? s === 0 : rule === "adam" && s > 0);
          const slots = Array.from({ length: nSlots }, (_, s) =>
            (random(kind, n, 3 + s) as Float32Array).map((x) =>
              second(s) ? Math.abs(x) + 0.5 : x * 0.1,
            ),
          );
          const tsSlots = slots.map((s) => s.slice());
          const outNative = new (w.constructor as Float32ArrayConstructor)(n);
          const outTs = new (w.constructor as Float32ArrayConstructor)(n);
          const h = Float64Array.from(hyper);
          native!.applyUpdate(rule, w, g, slots, outNative, h);
          ts.applyUpdate(rule, w, g, tsSlots, outTs, h);
          const tol = { rtol: kind === "f32" ? 1e-5 : 1e-12, atol: kind === "f32" ? 1e-6 : 1e-14 };
          assertParity(`${rule} n=${n} out`, outNative, outTs, tol);
          slots.forEach((s, i) => assertParity(`${rule} n=${n} slot ${i}`, s, tsSlots[i]!, tol));
        }
      });
    }
  }

  it("rejects arrays of different lengths with a clear error", () => {
    const a = new Float32Array(4);
    assert.throws(
      () =>
        native!.applyUpdate(
          "sgd",
          a,
          new Float32Array(3),
          [],
          a.slice(),
          Float64Array.of(1, 0, 0, 0, 0, 0),
        ),
      /g has 3 elements; expected 4/,
    );
  });
});
