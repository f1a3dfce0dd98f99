/*
 * Keras's EinsumDense: `activation(einsum(equation, inputs, kernel) + bias)` for any equation of
 * the forms "ab,bc->ac", "...b,bc->...c" or "bc...,cd->bd...", with the kernel and bias shapes
 * Keras derives from the equation, the output shape and the input shape (its
 * `_analyze_einsum_string`), the variance-scaling fans counted over the kernel's input and output
 * axes as Keras counts them, and LoRA (`loraRank`, `enableLora`) saved merged into the kernel as
 * Keras saves it. MultiHeadAttention and GroupedQueryAttention build their projections with it.
 */
import type { Variable } from "../../autodiff/variable.js";
import { ValueError } from "../../errors.js";
import type { Constraint } from "../../nn/constraints.js";
import { Initializer, VarianceScaling, getInitializer } from "../../nn/initializers.js";
import type { Regularizer } from "../../nn/regularizers.js";
import type { KerasObject } from "../../nn/serialization.js";
import { type Activation, activation as getActivation } from "../../ops/activations.js";
import { add, cast, multiply } from "../../ops/elementwise.js";
import { matmul } from "../../ops/linalg.js";
import { reshape } from "../../ops/movement.js";
import { einsum } from "../../ops/numpy-products.js";
import { zeros } from "../../tensor/creation.js";
import type { NumericDType } from "../../tensor/dtype.js";
import { sizeOf } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import {
  activationName,
  fromKerasConfig,
  serializeConstraint,
  serializeInitializer,
  serializeRegularizer,
} from "../config.js";
import { Layer, type LayerArgs } from "../layer.js";
import { registerKerasLayers } from "../registry.js";
import { type ShapeSpec, fmtSpec } from "../shape-spec.js";

export interface EinsumDenseArgs extends LayerArgs {
  /** applied to the output (default none: linear) */
  activation?: string | Activation | null;
  /** the output letters that get a bias (e.g. "c", "de"); null (default): no bias */
  biasAxes?: string | null;
  kernelInitializer?: string | Initializer | KerasObject;
  biasInitializer?: string | Initializer | KerasObject;
  kernelRegularizer?: string | Regularizer | null;
  biasRegularizer?: string | Regularizer | null;
  kernelConstraint?: string | Constraint | null;
  biasConstraint?: string | Constraint | null;
  /** enables LoRA of this rank when the layer is built */
  loraRank?: number | null;
  /** scales the LoRA delta by loraAlpha / loraRank (default: loraRank, a scale of 1) */
  loraAlpha?: number | null;
}

/** The shapes Keras derives from an equation: weights, the full output and the kernel's fan axes. */
export interface EinsumAnalysis {
  kernelShape: number[];
  biasShape: number[] | null;
  outputShape: (number | null)[];
  /** the kernel axes that index the input (fan-in) and the output (fan-out) */
  inputAxes: number[];
  outputAxes: number[];
}

/**
 * Keras's `_analyze_einsum_string`: the input, kernel and output letters; "..." (written once)
 * before the input and output letters or after them stands for the axes the kernel does not see.
 * `partialOutputShape` is the output without the batch axis and the elided axes.
 */
export function analyzeEinsum(
  equation: string,
  biasAxes: string | null,
  inputShape: ShapeSpec,
  partialOutputShape: readonly (number | null)[],
): EinsumAnalysis {
  const eq = equation.replace(/\.\.\./g, "0");
  let m = /^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$/.exec(eq);
  let leftElided = false;
  if (!m) {
    m = /^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$/.exec(eq);
    leftElided = m !== null;
  }
  m ??= /^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$/.exec(eq);
  if (!m) {
    throw new ValueError(
      `invalid einsum equation ${JSON.stringify(equation)}: equations must be of the form ` +
        `"[X],[Y]->[Z]", "...[X],[Y]->...[Z]" or "[X]...,[Y]->[Z]..."`,
    );
  }
  const [inSpec, wSpec, outSpec] = [m[1]!, m[2]!, m[3]!];
  const elided = inputShape.length - inSpec.length;
  if (elided < 0 || (elided > 0 && !equation.includes("..."))) {
    throw new ValueError(
      `equation ${JSON.stringify(equation)} names ${inSpec.length} input axes; received an ` +
        `input of shape ${fmtSpec(inputShape)}`,
    );
  }
  // The full output: the batch axis, the elided axes where "..." stands, the given sizes.
  const out: (number | null)[] = [inputShape[0] ?? null, ...partialOutputShape];
  if (elided > 0 && leftElided) out.splice(1, 0, ...inputShape.slice(1, elided));
  else if (elided > 0) out.push(...inputShape.slice(inputShape.length - elided));
  const inAxis = new Map([...inSpec].map((d, i) => [d, leftElided ? i + elided : i]));
  const outAxis = new Map([...outSpec].map((d, i) => [d, leftElided ? i + elided : i]));
  if (out.length !== outSpec.length + Math.max(elided, 0)) {
    throw new ValueError(
      `outputShape ${JSON.stringify(partialOutputShape)} does not fit the output ` +
        `${JSON.stringify(outSpec)} of equation ${JSON.stringify(equation)} (one size per output ` +
        `letter after the batch axis)`,
    );
  }
  for (const d of inSpec) {
    const i = inputShape[inAxis.get(d)!] ?? null;
    const j = outAxis.get(d);
    if (j === undefined) continue;
    if (out[j] !== null && i !== null && out[j] !== i) {
      throw new ValueError(
        `the input and output shapes do not match at shared dimension '${d}': the input has ` +
          `${i}, outputShape ${out[j]}`,
      );
    }
    // Keras leaves a None to be inferred: the input gives it.
    if (out[j] === null) out[j] = i;
  }
  for (const d of outSpec) {
    if (!inSpec.includes(d) && !wSpec.includes(d)) {
      throw new ValueError(
        `dimension '${d}' of the output '${outSpec}' is in neither the input '${inSpec}' nor ` +
          `the kernel '${wSpec}'`,
      );
    }
  }
  const kernelShape: number[] = [];
  const inputAxes: number[] = [];
  const outputAxes: number[] = [];
  [...wSpec].forEach((d, i) => {
    const size = outAxis.has(d)
      ? out[outAxis.get(d)!]
      : inAxis.has(d)
        ? inputShape[inAxis.get(d)!]
        : undefined;
    if (size === undefined) {
      throw new ValueError(
        `kernel dimension '${d}' is in neither the input '${inSpec}' nor the output ` +
          `'${outSpec}': the kernel must be fully specified`,
      );
    }
    if (size === null) {
      throw new ValueError(
        `kernel dimension '${d}' must have a known size; received input shape ` +
          `${fmtSpec(inputShape)} and outputShape ${JSON.stringify(partialOutputShape)}`,
      );
    }
    kernelShape.push(size);
    (outAxis.has(d) ? outputAxes : inputAxes).push(i);
  });
  let biasShape: number[] | null = null;
  if (biasAxes !== null) {
    for (const d of biasAxes) {
      if (!outSpec.includes(d)) {
        throw new ValueError(
          `bias dimension '${d}' was requested, but is not part of the output '${outSpec}'`,
        );
      }
    }
    const first = Math.min(...[...biasAxes].map((d) => outSpec.indexOf(d)));
    const offset = leftElided ? elided : 0;
    biasShape = [...outSpec.slice(first)].map((d) => {
      if (!biasAxes.includes(d)) return 1;
      const size = out[outSpec.indexOf(d) + offset];
      if (size === null || size === undefined) {
        throw new ValueError(`bias dimension '${d}' must have a known size`);
      }
      return size;
    });
    if (!leftElided) for (let i = 0; i < elided; i++) biasShape.push(1);
  }
  return { kernelShape, biasShape, outputShape: out, inputAxes, outputAxes };
}

/**
 * A variance-scaling initializer with its fans counted over given kernel axes (Keras 3.16 passes
 * EinsumDense's `input_axes` / `output_axes`), drawn as the [fanIn, fanOut] matrix it equals.
 */
class AxesVarianceScaling extends Initializer {
  constructor(
    private readonly base: VarianceScaling,
    private readonly inputAxes: number[],
    private readonly outputAxes: number[],
  ) {
    super();
  }
  apply(shape: readonly number[], dtype: NumericDType = "float32"): Tensor {
    const fanIn = sizeOf(this.inputAxes.map((a) => shape[a]!));
    const fanOut = sizeOf(this.outputAxes.map((a) => shape[a]!));
    return reshape(this.base.apply([fanIn, fanOut], dtype), [...shape]);
  }
  getConfig(): Record<string, unknown> {
    return this.base.getConfig();
  }
}

/** Keras `EinsumDense(equation, outputShape, opts)`. */
export class EinsumDense extends Layer {
  readonly equation: string;
  /** Keras's `partial_output_shape`: the output without the batch and elided axes. */
  readonly partialOutputShape: (number | null)[];
  readonly activation: Activation;
  readonly biasAxes: string | null;
  /** The `kernel` variable (frozen under LoRA; see `effectiveKernel`). */
  kernel!: Variable;
  bias: Variable | null = null;
  loraEnabled = false;
  loraRank: number | null;
  loraAlpha: number | null;
  loraKernelA: Variable | null = null;
  loraKernelB: Variable | null = null;

  constructor(
    equation: string,
    outputShape: number | readonly (number | null)[],
    private readonly args: EinsumDenseArgs = {},
  ) {
    super(args);
    if (typeof equation !== "string") {
      throw new ValueError(
        `${this.where()}: equation must be a string; received ${String(equation)}`,
      );
    }
    this.equation = equation;
    this.partialOutputShape = typeof outputShape === "number" ? [outputShape] : [...outputShape];
    this.activation = getActivation(args.activation ?? "linear");
    this.biasAxes = args.biasAxes ?? null;
    this.loraRank = args.loraRank ?? null;
    this.loraAlpha = args.loraAlpha ?? this.loraRank;
    // The equation's form is checked now, as far as it can be without the input's shape.
    analyzeEinsumForm(equation, this.where());
  }

  /**
   * The kernel the layer computes with (Keras's `kernel` property): with LoRA,
   * kernel + (alpha / rank)·A·B; else the `kernel` variable itself.
   */
  get effectiveKernel(): Tensor | Variable {
    if (!this.loraEnabled) return this.kernel;
    const delta = matmul(this.loraKernelA!, this.loraKernelB!);
    const scaled = multiply(delta, this.loraAlpha! / this.loraRank!);
    return add(this.kernel, cast(scaled, this.kernel.dtype));
  }

  override build(inputShape: ShapeSpec): void {
    const a = this.args;
    const { kernelShape, biasShape, inputAxes, outputAxes } = analyzeEinsum(
      this.equation,
      this.biasAxes,
      inputShape,
      this.partialOutputShape,
    );
    let init: Initializer | string | KerasObject = a.kernelInitializer ?? "glorot_uniform";
    const resolved = getInitializer(init, this.where());
    if (resolved instanceof VarianceScaling)
      init = new AxesVarianceScaling(resolved, inputAxes, outputAxes);
    this.kernel = this.addWeight({
      name: "kernel",
      shape: kernelShape,
      initializer: init,
      regularizer: a.kernelRegularizer,
      constraint: a.kernelConstraint,
    });
    if (biasShape) {
      this.bias = this.addWeight({
        name: "bias",
        shape: biasShape,
        initializer: a.biasInitializer ?? "zeros",
        regularizer: a.biasRegularizer,
        constraint: a.biasConstraint,
      });
    }
    if (this.loraRank) {
      this.built = true;
      this.enableLora(this.loraRank, { loraAlpha: this.loraAlpha });
    }
  }

  /**
   * Keras `enable_lora`: freezes the kernel and learns a low-rank delta A·B instead, A
   * (kernel…, rank) from `aInitializer` ("he_uniform"), B (rank, last kernel axis) from
   * `bInitializer` ("zeros"), so the layer starts unchanged.
   */
  enableLora(
    rank: number,
    opts: {
      loraAlpha?: number | null;
      aInitializer?: string | Initializer | KerasObject;
      bInitializer?: string | Initializer | KerasObject;
    } = {},
  ): void {
    if (this.args.kernelConstraint) {
      throw new ValueError(
        `${this.where()}: LoRA is incompatible with kernel constraints; remove kernelConstraint to enable it`,
      );
    }
    if (!this.built)
      throw new ValueError(`${this.where()}: cannot enable LoRA on a layer that is not built yet`);
    if (this.loraEnabled)
      throw new ValueError(
        `${this.where()}: LoRA is already enabled; it can be enabled once per layer`,
      );
    if (!Number.isInteger(rank) || rank <= 0) {
      throw new ValueError(
        `${this.where()}: the LoRA rank must be a positive integer; received ${rank}`,
      );
    }
    const shape = this.kernel.shape;
    this.loraKernelA = this.addWeight({
      name: "lora_kernel_a",
      shape: [...shape.slice(0, -1), rank],
      initializer: opts.aInitializer ?? "he_uniform",
      dtype: "float32",
      regularizer: this.args.kernelRegularizer,
    });
    this.loraKernelB = this.addWeight({
      name: "lora_kernel_b",
      shape: [rank, shape.at(-1)!],
      initializer: opts.bInitializer ?? "zeros",
      dtype: "float32",
      regularizer: this.args.kernelRegularizer,
    });
    this.kernel.trainable = false;
    this.loraEnabled = true;
    this.loraRank = rank;
    this.loraAlpha = opts.loraAlpha ?? rank;
  }

  /**
   * Creation order (kernel, bias, lora_kernel_a, lora_kernel_b) even once LoRA freezes the
   * kernel: Keras lists a layer's variables as they were created, so getWeights / setWeights and
   * weight files line up with Keras's.
   */
  override get weights(): Variable[] {
    if (!this.built) return super.weights;
    const all = [this.kernel, this.bias, this.loraKernelA, this.loraKernelB];
    return all.filter((v): v is Variable => v !== null);
  }

  call(inputs: Tensor): Tensor {
    let y = einsum(this.equation, inputs, this.effectiveKernel);
    if (this.bias) y = add(y, this.bias);
    return this.activation(y);
  }

  override computeOutputShape(inputShape: ShapeSpec): ShapeSpec {
    return analyzeEinsum(this.equation, this.biasAxes, inputShape, this.partialOutputShape)
      .outputShape;
  }

  /** Keras's weights-file entries: the kernel (LoRA merged in) as "0", the bias as "1". */
  saveOwnVariables(): Record<string, Tensor> {
    if (!this.built) return {};
    const kernel = this.loraEnabled ? (this.effectiveKernel as Tensor) : this.kernel.value;
    const store: Record<string, Tensor> = { "0": kernel };
    if (this.bias) store["1"] = this.bias.value;
    return store;
  }

  /** Reads Keras's entries; with LoRA the delta restarts from zero, as in Keras. */
  loadOwnVariables(store: Readonly<Record<string, Tensor>>): void {
    if (!this.built) return;
    const targets = this.bias ? [this.kernel, this.bias] : [this.kernel];
    const keys = Object.keys(store);
    if (keys.length !== targets.length || targets.some((_, i) => !store[String(i)])) {
      throw new ValueError(
        `${this.where()}: expected ${targets.length} own variables (kernel${this.bias ? ", bias" : ""}) ` +
          `in the weights file; received ${keys.length} (${keys.join(", ")})`,
      );
    }
    targets.forEach((v, i) => {
      const t = store[String(i)]!;
      if (t.shape.join() !== v.shape.join()) {
        throw new ValueError(
          `${this.where()}: ${v.name} has shape [${v.shape.join(", ")}]; the weights file holds ` +
            `[${t.shape.join(", ")}]`,
        );
      }
    });
    targets.forEach((v, i) => v.assign(cast(store[String(i)]!, v.dtype)));
    if (this.loraEnabled) {
      this.loraKernelA!.assign(zeros(this.loraKernelA!.shape, "float32"));
      this.loraKernelB!.assign(zeros(this.loraKernelB!.shape, "float32"));
    }
  }

  override getConfig(): Record<string, unknown> {
    const a = this.args;
    const base = super.getConfig();
    delete base.activity_regularizer;
    const config: Record<string, unknown> = {
      ...base,
      output_shape: [...this.partialOutputShape],
      equation: this.equation,
      activation: activationName(this.activation, a.activation),
      bias_axes: this.biasAxes,
      kernel_initializer: serializeInitializer(a.kernelInitializer, "glorot_uniform"),
      bias_initializer: serializeInitializer(a.biasInitializer, "zeros"),
      kernel_regularizer: serializeRegularizer(a.kernelRegularizer),
      bias_regularizer: serializeRegularizer(a.biasRegularizer),
      activity_regularizer: this.activityRegularizer?.serialize() ?? null,
      kernel_constraint: serializeConstraint(a.kernelConstraint),
      bias_constraint: serializeConstraint(a.biasConstraint),
      quantization_config: null,
    };
    if (this.loraRank) {
      config.lora_rank = this.loraRank;
      config.lora_alpha = this.loraAlpha;
    }
    return config;
  }

  static fromConfig(config: Record<string, unknown>): EinsumDense {
    const { equation, output_shape, quantization_config, gptq_unpacked_column_size, ...rest } =
      config;
    if (quantization_config !== undefined && quantization_config !== null) {
      throw new ValueError(
        `EinsumDense: quantized layers (quantization_config) are not supported; received ` +
          `${JSON.stringify(quantization_config)}`,
      );
    }
    void gptq_unpacked_column_size;
    return new EinsumDense(
      equation as string,
      output_shape as number | (number | null)[],
      fromKerasConfig(rest) as EinsumDenseArgs,
    );
  }
}

/** The equation's form alone (one of Keras's three), checked at construction. */
function analyzeEinsumForm(equation: string, where: string): void {
  const eq = equation.replace(/\.\.\./g, "0");
  const forms = [
    /^[a-zA-Z]+,[a-zA-Z]+->[a-zA-Z]+$/,
    /^0[a-zA-Z]+,[a-zA-Z]+->0[a-zA-Z]+$/,
    /^[a-zA-Z]{2,}0,[a-zA-Z]+->[a-zA-Z]+0$/,
  ];
  if (!forms.some((f) => f.test(eq))) {
    throw new ValueError(
      `${where}: invalid einsum equation ${JSON.stringify(equation)}: equations must be of the ` +
        `form "[X],[Y]->[Z]", "...[X],[Y]->...[Z]" or "[X]...,[Y]->[Z]..."`,
    );
  }
}

registerKerasLayers({ EinsumDense });
