import { it } from "node:test";
import * as st from "../../src/index.js";
import type { Tensor } from "../../src/index.js";
import { currentBackend } from "../../src/backend/index.js";
import { biasRelu } from "../../src/ops/bias-relu.js";
import { convBias } from "../../src/ops/conv-bias.js";
import { assertClose, eachBackend, randn, withKernel } from "../helpers.js";

// An op with an optional fused kernel must give its composite's values, forward and backward:
// each runs here with the backend's kernel and again with the kernel hidden.

/** Runs `fn` with the named kernels removed from the current backend's table. */
function composite<T>(kernels: readonly string[], fn: () => T): T {
  const table = currentBackend().kernels as unknown as Record<string, unknown>;
  const saved = kernels.map((k) => [k, table[k]] as const);
  for (const k of kernels) delete table[k];
  try {
    return fn();
  } finally {
    for (const [k, f] of saved) table[k] = f;
  }
}

/** The op's value and its gradients in every input, as one list. */
function valueAndGrads(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[]): Tensor[] {
  const y = f(...inputs);
  const seed = st.ops.cast(randn([...y.shape], 99), y.dtype);
  const loss = (...xs: Tensor[]) => st.ops.sum(st.ops.multiply(f(...xs), seed));
  return [y, ...(st.grad(loss)(...inputs) as Tensor[])];
}

/** Exact, except softmax: its row sums round differently, which its gradient can magnify. */
const EXACT = { float32: { rtol: 0, atol: 0 }, float64: { rtol: 0, atol: 0 } };
const ROUNDING = { float32: { rtol: 1e-6, atol: 1e-9 }, float64: { rtol: 1e-13, atol: 1e-16 } };

const CASES: {
  name: string;
  kernels: string[];
  f: (...xs: Tensor[]) => Tensor;
  shapes: number[][];
  tol?: typeof EXACT;
}[] = [
  {
    name: "softmax",
    kernels: ["softmax"],
    f: (x) => st.ops.softmax(x),
    shapes: [[5, 7]],
    tol: ROUNDING,
  },
  { name: "logSoftmax", kernels: ["logSoftmax"], f: (x) => st.ops.logSoftmax(x), shapes: [[5, 7]] },
  {
    name: "biasRelu (relu)",
    kernels: ["biasRelu", "biasReluBackprop"],
    f: (z, b) => biasRelu(z, b!, true),
    shapes: [[4, 3, 6], [6]],
  },
  {
    name: "biasRelu (linear)",
    kernels: ["biasRelu", "biasReluBackprop"],
    f: (z, b) => biasRelu(z, b!, false),
    shapes: [[4, 6], [6]],
  },
  {
    name: "convBias (relu)",
    kernels: ["convBias", "biasReluBackprop"],
    f: (x, w, b) => convBias(x, w!, b!, { relu: true, padding: "same", strides: 2 }),
    shapes: [[2, 7, 6, 3], [3, 3, 3, 4], [4]],
  },
  {
    name: "convBias (no activation)",
    kernels: ["convBias"],
    f: (x, w, b) => convBias(x, w!, b!, { padding: "valid" }),
    shapes: [[2, 5, 3], [2, 3, 4], [4]],
  },
];

eachBackend("fused kernels against their composites", (backend) => {
  for (const c of CASES) {
    for (const dtype of ["float32", "float64"] as const) {
      it(`${c.name}, ${dtype}`, withKernel(backend, c.kernels[0]!), () => {
        const inputs = c.shapes.map((s, i) => st.ops.cast(randn(s, 10 + i), dtype));
        const fused = valueAndGrads(c.f, inputs);
        const reference = composite(c.kernels, () => valueAndGrads(c.f, inputs));
        fused.forEach((t, i) => assertClose(t, reference[i]!, (c.tol ?? EXACT)[dtype]));
      });
    }
  }
});
