import { isRecording, noGrad } from "../../autodiff/tape.js";
import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import { TruncatedNormal } from "../../nn/initializers.js";
import { all } from "../../ops/reduce.js";
import { cast, divide, equal, maximum, multiply, rsqrt, square } from "../../ops/elementwise.js";
import { matmul } from "../../ops/linalg.js";
import { reshape, transpose } from "../../ops/movement.js";
import { sum } from "../../ops/reduce.js";
import type { Tensor } from "../../tensor/tensor.js";
import type { CallOptions, Layer, LayerArgs } from "../layer.js";
import type { ShapeSpec, Shapes } from "../shape-spec.js";
import { Wrapper } from "../core/wrapper.js";
import { registerKerasLayers } from "../registry.js";

export interface SpectralNormalizationArgs extends LayerArgs {
  /** Power-iteration steps per training call (default 1, must be > 0). */
  powerIterations?: number;
}

/** Keras `ops.normalize(x, axis=None)`: x · rsqrt(max(Σx², epsilon²)), epsilon = 1e-7. */
function l2Normalize(x: Tensor): Tensor {
  return multiply(x, rsqrt(maximum(sum(square(x)), 1e-14)));
}

/**
 * Keras `SpectralNormalization(layer)` (Miyato et al., 2018): wraps a layer with a `kernel` (or
 * `embeddings`) and, in training calls, estimates the kernel's largest singular value σ by
 * power iteration with the persistent non-trainable vector `vector_u` [1, units] (truncated
 * normal, stddev 0.02), and calls the layer on kernel / σ (an all-zero kernel is left alone).
 * Keras assigns kernel / σ to the wrapped layer's variable; an eager training call here does the
 * same, while a differentiated one (fit) runs the layer on W / σ(W) with the gradient through σ
 * and leaves the variable at W, as Keras's JAX trainer does (Strata's valueAndGrad, like JAX,
 * does not let a differentiated variable change inside the step). vector_u is updated in both.
 * Inference calls the layer unchanged. Weights are Keras's: [kernel, vector_u, the wrapped layer's others]; in .keras files
 * the wrapper's own vars are kernel (0) and vector_u (1), the layer's under "layer".
 */
export class SpectralNormalization extends Wrapper {
  readonly powerIterations: number;
  kernel: Variable | null = null;
  vectorU: Variable | null = null;

  constructor(layer: Layer, args: SpectralNormalizationArgs = {}) {
    super(layer, args);
    const n = args.powerIterations ?? 1;
    if (!Number.isInteger(n) || n <= 0) {
      throw new ValueError(
        `${this.where()}: powerIterations must be an integer greater than zero; ` +
          `received powerIterations=${JSON.stringify(args.powerIterations)}`,
      );
    }
    this.powerIterations = n;
  }

  override build(inputShape: ShapeSpec): void {
    super.build(inputShape);
    const inner = this.layer as Layer & { kernel?: Variable; embeddings?: Variable };
    const kernel = inner.kernel ?? inner.embeddings;
    if (!kernel) {
      throw new ValueError(
        `${this.where()}: ${inner.constructor.name} has no attribute "kernel" nor "embeddings"`,
      );
    }
    this.kernel = kernel;
    this.vectorU = this.addWeight({
      name: "vector_u",
      shape: [1, kernel.shape.at(-1)!],
      initializer: new TruncatedNormal({ stddev: 0.02 }),
      trainable: false,
      dtype: kernel.dtype,
    });
  }

  /** Keras's order: the kernel (tracked as the wrapper's own), vector_u, then the layer's rest. */
  override get weights(): Variable[] {
    const rest = super.weights.filter((v) => v !== this.kernel && v !== this.vectorU);
    return this.kernel && this.vectorU ? [this.kernel, this.vectorU, ...rest] : rest;
  }

  call(inputs: Tensor, opts: CallOptions): Tensor {
    const kernel = this.kernel;
    const u = this.vectorU;
    const inner = (): Tensor => this.layer.apply(inputs, { training: opts.training }) as Tensor;
    let out: Tensor;
    if (!opts.training || !kernel || !u || noGrad(() => all(equal(kernel.value, 0)).item())) {
      out = inner();
    } else {
      const w = kernel.value;
      const [newU, v] = noGrad(() => this.powerIterate(w, u.value));
      u.assign(newU);
      if (isRecording([w])) {
        // Differentiated (inside fit's valueAndGrad): the layer runs on W / σ(W), the gradient
        // flows through the division and σ = v·W·uᵀ with u and v held constant, and the variable
        // keeps W, as Keras's stateless (JAX) trainer leaves trainable variables.
        kernel.assign(this.divideBySigma(w, newU, v));
        try {
          out = inner();
        } finally {
          kernel.assign(w);
        }
      } else {
        // An eager training call: the kernel is replaced by W / σ, as Keras assigns it.
        kernel.assign(noGrad(() => this.divideBySigma(w, newU, v)));
        out = inner();
      }
    }
    return out.dtype === inputs.dtype ? out : cast(out, inputs.dtype);
  }

  /** `powerIterations` steps from u: the next u and the last v (both unit vectors). */
  private powerIterate(kernel: Tensor, u0: Tensor): [Tensor, Tensor] {
    const w = reshape(kernel, [-1, kernel.shape.at(-1)!]);
    let u = u0;
    let v = u0;
    for (let i = 0; i < this.powerIterations; i++) {
      v = l2Normalize(matmul(u, transpose(w)));
      u = l2Normalize(matmul(v, w));
    }
    return [u, v];
  }

  /** kernel / σ with σ = v·W·uᵀ (W the kernel as a [-1, units] matrix). */
  private divideBySigma(kernel: Tensor, u: Tensor, v: Tensor): Tensor {
    const w = reshape(kernel, [-1, kernel.shape.at(-1)!]);
    const sigma = matmul(matmul(v, w), transpose(u));
    return divide(kernel, reshape(sigma, []));
  }

  /** Keras's `normalized_weights`: the next vector_u and the kernel divided by σ (no update). */
  normalizedWeights(): [Tensor, Tensor] {
    return noGrad(() => {
      const w = this.kernel!.value;
      const [u, v] = this.powerIterate(w, this.vectorU!.value);
      return [u, this.divideBySigma(w, u, v)];
    });
  }

  override computeOutputShape(inputShape: Shapes): Shapes {
    return this.layer.computeOutputShape(inputShape);
  }

  /** The wrapper's own entries in a Keras weights file: kernel as "0", vector_u as "1". */
  saveOwnVariables(): Record<string, Tensor> {
    if (!this.kernel || !this.vectorU) return {};
    return { "0": this.kernel.value, "1": this.vectorU.value };
  }

  loadOwnVariables(store: Readonly<Record<string, Tensor>>): void {
    if (!this.kernel || !this.vectorU) return;
    const keys = Object.keys(store);
    if (keys.length !== 2 || !store["0"] || !store["1"]) {
      throw new ValueError(
        `${this.where()}: expected 2 own variables (kernel, vector_u) in the weights file; ` +
          `received ${keys.length} (${keys.join(", ")})`,
      );
    }
    for (const [v, t] of [
      [this.kernel, store["0"]],
      [this.vectorU, store["1"]],
    ] as const) {
      if (t.shape.join() !== v.shape.join()) {
        throw new ValueError(
          `${this.where()}: ${v.name} has shape [${v.shape.join(", ")}]; the weights file holds ` +
            `[${t.shape.join(", ")}]`,
        );
      }
      v.assign(cast(t, v.dtype));
    }
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), power_iterations: this.powerIterations };
  }

  static fromConfig(config: Record<string, unknown>): SpectralNormalization {
    const [layer, args] = Wrapper.wrapperArgs(config);
    return new SpectralNormalization(layer, args as SpectralNormalizationArgs);
  }
}

registerKerasLayers({ SpectralNormalization });
