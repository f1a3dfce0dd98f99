/*
 * The kernel table: every kernel stated once — its name, whether it is core or fused, its
 * arguments in order with their kinds, and its specification (the doc comment on its entry).
 * Everything else is derived from it:
 *   - the TypeScript interfaces `CoreKernels<K>` / `FusedKernels<K>` (backend.ts), by the mapped
 *     types at the end of this file, so a kernel missing from a backend is a compile error;
 *   - the native binding's JavaScript side (native/binding.ts): dtype dispatch with fallback to
 *     the TypeScript kernels, count and size checks, the packing of geometry, the call;
 *   - its C++ side (scripts/gen-kernel-table.mjs writes native/src/kernel-table.gen.h and
 *     kernel-binding.gen.h): the op enums, the geometry structs, each kernel's declaration, its
 *     argument unpacking and its registration.
 *
 * Argument kinds:
 *   any / float / int32 / bool   storage of that dtype class (`K["float"]` …), with options
 *       role      "in" unless said; "out" is written, "inout" updated in place
 *       nullable  null stands for none
 *       size      the fewest elements it holds, an expression over the other arguments
 *                 (`rows * n`, `x.length`, `p.batch`, `vol(p.inShape)`: a triple's product)
 *       exact     exactly `size` elements
 *       dtype     for `any` storage, the dtype the compiled loops expect: another argument's
 *                 ("x"), or that or a fixed one ("x|bool")
 *     Float storages of one call share one float dtype in the compiled loops. A call outside
 *     these dtype rules is still valid: the native backend hands it to the TypeScript kernel.
 *   floatList   a list of at most `max` float storages (applyUpdate's slots).
 *   choice      one of an op-name list below (UnaryOp …); the C++ enums come from the lists.
 *   count       a non-negative integer.            flag      a boolean.
 *   numbers     a Float64Array of hyper-parameters, at least `min` long.
 *   geometry    a named struct below (ConvParams …): its fields cross into C++ by name.
 *   plan        a StridedPlan over the listed storages (from their offset arguments), and the
 *               storage written contiguously over its shape (`out`), if any.
 */

// ---------------------------------------------------------------- op names (C++ enums)

export const UNARY_OPS = [
  "neg",
  "abs",
  "sign",
  "square",
  "sqrt",
  "rsqrt",
  "reciprocal",
  "exp",
  "expm1",
  "log",
  "log1p",
  "sin",
  "cos",
  "tan",
  "tanh",
  "sigmoid",
  "erf",
  "relu",
  "softplus",
  "floor",
  "ceil",
  "round",
  "logicalNot",
  "isnan",
  "isfinite",
  "asin",
  "acos",
  "atan",
  "sinh",
  "cosh",
  "asinh",
  "acosh",
  "atanh",
] as const;

export const BINARY_OPS = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "max",
  "min",
  "mod",
  "floorDiv",
  "eq",
  "ne",
  "lt",
  "le",
  "gt",
  "ge",
  "logicalAnd",
  "logicalOr",
  "logicalXor",
  "atan2",
] as const;

export const REDUCE_OPS = ["sum", "prod", "max", "min", "argmax", "argmin"] as const;

/**
 * The optimizer rules with a fused kernel, and the layout of their `hyper` numbers. Every rule
 * starts from the decayed weight w' = w − decay·w (decoupled weight decay; decay = wd·lr, or 0).
 *   sgd      [lr, decay, momentum, nesterov]; slots [m] when momentum > 0:
 *            m ← μm − lr·g, then w ← w' + m, or w' + μm − lr·g with Nesterov; no momentum: w' − lr·g
 *   rmsprop  [lr, decay, rho, momentum, epsilon, centered]; slots [v, m if momentum > 0, a if centered]:
 *            v ← ρv + (1 − ρ)g²; a ← ρa + (1 − ρ)g; Δ = lr·g / √(v − a² + ε) (centered) or √(v + ε);
 *            m ← μm + Δ, w ← w' − m with momentum, else w ← w' − Δ
 *   adam     [alpha, decay, beta1, beta2, epsilon, amsgrad]; slots [m, v, vHat if amsgrad]:
 *            m ← m + (g − m)(1 − β1); v ← v + (g² − v)(1 − β2); vHat ← max(vHat, v);
 *            w ← w' − α·m / (√(vHat or v) + ε)   (α already holds the bias corrections)
 */
export const UPDATE_RULES = ["sgd", "rmsprop", "adam"] as const;

/** The op-name lists by the name of their type (and of their C++ enum). */
export const ENUMS = {
  UnaryOp: UNARY_OPS,
  BinaryOp: BINARY_OPS,
  ReduceOp: REDUCE_OPS,
  UpdateRule: UPDATE_RULES,
} as const;

export type EnumName = keyof typeof ENUMS;
export type UnaryOp = (typeof UNARY_OPS)[number];
export type BinaryOp = (typeof BINARY_OPS)[number];
export type ReduceOp = (typeof REDUCE_OPS)[number];
/** An optimizer rule with a fused kernel (UPDATE_RULES gives each one's hyper layout). */
export type UpdateRule = (typeof UPDATE_RULES)[number];

// ---------------------------------------------------------------- geometry

/**
 * Field kinds: `count` a non-negative integer, `int` any integer, `count3` / `int3` three of
 * them (one per spatial axis [d, h, w]).
 */
export type FieldKind = "count" | "int" | "count3" | "int3";

export const STRUCTS = {
  /** Convolution over 1 to 3 spatial axes, always given as 3 (unused axes have size 1). */
  ConvParams: {
    batch: "count",
    inChannels: "count",
    outChannels: "count",
    /** divides inChannels and outChannels */
    groups: "count",
    /** input spatial size [d, h, w]; layout NDHWC */
    inShape: "count3",
    /** output spatial size [d, h, w]; layout NDHWC */
    outShape: "count3",
    /** kernel spatial size; kernel layout [kd, kh, kw, inChannels / groups, outChannels] */
    kernelShape: "count3",
    strides: "count3",
    dilations: "count3",
    /** implicit zero padding before each spatial axis (the rest is implied by the shapes) */
    padBefore: "int3",
  },
  /** Pooling over 1 to 3 spatial axes, as ConvParams. Padded cells never win a max nor count in a mean. */
  PoolParams: {
    batch: "count",
    channels: "count",
    inShape: "count3",
    outShape: "count3",
    window: "count3",
    strides: "count3",
    padBefore: "int3",
  },
  /**
   * A recurrent layer over a whole sequence (fused LSTM / GRU kernels): `batch` samples of `steps`
   * timesteps with `units` cells. Sequence arrays are batch-major, [batch, steps, …], as Keras's.
   */
  RnnParams: {
    batch: "count",
    steps: "count",
    units: "count",
  },
} as const satisfies Record<string, Record<string, FieldKind>>;

export type StructName = keyof typeof STRUCTS;

type FieldValue<F> = F extends "count3" | "int3" ? readonly [number, number, number] : number;
/** A geometry struct as JavaScript passes it. */
export type StructValue<S extends StructName> = {
  -readonly [F in keyof (typeof STRUCTS)[S]]: FieldValue<(typeof STRUCTS)[S][F]>;
};
export type ConvParams = StructValue<"ConvParams">;
export type PoolParams = StructValue<"PoolParams">;
export type RnnParams = StructValue<"RnnParams">;

/**
 * A strided walk over `shape`: operand k is read at `offsets[k] + Σ index[i] * strides[k][i]`.
 * Broadcast axes have stride 0; the output (the last operand, where present) is usually contiguous.
 * (Its rank varies, so it crosses into C++ packed as [rank, shape…, strides of each operand…].)
 */
export interface StridedPlan {
  shape: readonly number[];
  strides: readonly (readonly number[])[];
}

// ---------------------------------------------------------------- argument kinds

export type StorageClass = "any" | "float" | "int32" | "bool";
export type Role = "in" | "out" | "inout";

interface StorageOptions {
  readonly role?: Role;
  readonly nullable?: boolean;
  readonly size?: string;
  readonly exact?: boolean;
  readonly dtype?: string;
}

export interface StorageArg<C extends StorageClass = StorageClass, N extends boolean = boolean> {
  readonly kind: "storage";
  readonly name: string;
  readonly of: C;
  readonly nullable: N;
  readonly role: Role;
  readonly size?: string;
  readonly exact?: boolean;
  readonly dtype?: string;
}
export interface ListArg {
  readonly kind: "list";
  readonly name: string;
  readonly of: "float";
  readonly role: Role;
  readonly max: number;
  readonly size?: string;
  readonly exact?: boolean;
}
export interface ChoiceArg<E extends EnumName = EnumName> {
  readonly kind: "choice";
  readonly name: string;
  readonly of: E;
}
export interface GeometryArg<S extends StructName = StructName> {
  readonly kind: "geometry";
  readonly name: string;
  readonly of: S;
}
export interface PlanArg {
  readonly kind: "plan";
  readonly name: string;
  /** the storages the plan walks, in stride-list order */
  readonly operands: readonly string[];
  /** the count arguments giving each operand's start (0 for all when absent) */
  readonly offsets?: readonly string[];
  /** the storage written contiguously over the plan's shape */
  readonly out?: string;
}
export interface CountArg {
  readonly kind: "count";
  readonly name: string;
}
export interface FlagArg {
  readonly kind: "flag";
  readonly name: string;
}
export interface NumbersArg {
  readonly kind: "numbers";
  readonly name: string;
  readonly min: number;
}

export type Arg =
  StorageArg | ListArg | ChoiceArg | GeometryArg | PlanArg | CountArg | FlagArg | NumbersArg;

type IsNullable<O> = O extends { nullable: true } ? true : false;

function storage<C extends StorageClass>(of: C) {
  return <const O extends StorageOptions = StorageOptions>(
    name: string,
    options?: O,
  ): StorageArg<C, IsNullable<O>> => ({
    kind: "storage",
    name,
    of,
    role: options?.role ?? "in",
    ...options,
    nullable: (options?.nullable ?? false) as IsNullable<O>,
  });
}
const any = storage("any");
const float = storage("float");
const int32 = storage("int32");
const bool = storage("bool");
const floatList = (name: string, o: Omit<ListArg, "kind" | "name" | "of">): ListArg => ({
  kind: "list",
  name,
  of: "float",
  ...o,
});
const choice = <const E extends EnumName>(name: string, of: E): ChoiceArg<E> => ({
  kind: "choice",
  name,
  of,
});
const geometry = <const S extends StructName>(name: string, of: S): GeometryArg<S> => ({
  kind: "geometry",
  name,
  of,
});
const plan = (name: string, o: Omit<PlanArg, "kind" | "name">): PlanArg => ({
  kind: "plan",
  name,
  ...o,
});
const count = (name: string): CountArg => ({ kind: "count", name });
const flag = (name: string): FlagArg => ({ kind: "flag", name });
const numbers = (name: string, min: number): NumbersArg => ({ kind: "numbers", name, min });

export interface KernelSpec<A extends readonly Arg[] = readonly Arg[]> {
  readonly fused: boolean;
  readonly args: A;
}
const core = <const A extends readonly Arg[]>(...args: A): KernelSpec<A> & { fused: false } => ({
  fused: false,
  args,
});
const fused = <const A extends readonly Arg[]>(...args: A): KernelSpec<A> & { fused: true } => ({
  fused: true,
  args,
});

// Sizes shared by several kernels (expressions over the arguments, see above).
const ROWS = "rows * n";
const CONV_IN = "p.batch * vol(p.inShape) * p.inChannels";
const CONV_OUT = "p.batch * vol(p.outShape) * p.outChannels";
const CONV_KERNEL = "vol(p.kernelShape) * (p.inChannels / p.groups) * p.outChannels";
const POOL_IN = "p.batch * vol(p.inShape) * p.channels";
const POOL_OUT = "p.batch * vol(p.outShape) * p.channels";
const rnnSizes = (gates: number) => ({
  gates: { size: `p.batch * p.steps * ${gates} * p.units` },
  kernel: { size: `p.units * ${gates} * p.units` },
  bias: { size: `${gates} * p.units` },
  state: { size: "p.batch * p.units" },
  sequence: { size: "p.batch * p.steps * p.units" },
  mask: { size: "p.batch * p.steps" },
});
const LSTM = rnnSizes(4);
const GRU = rnnSizes(3);
const OUT = { role: "out" } as const;
const NULL = { nullable: true } as const;

// ---------------------------------------------------------------- the kernels

/*
 * Kernels see storage and plain numbers, nothing else: validation, broadcasting, axis handling
 * and gradients live in `ops/`. Outputs are allocated by the caller through the backend and
 * written in place: zero-filled, except those of unary, binary, where, matmul, applyUpdate,
 * softmax, logSoftmax, biasRelu, biasReluBackprop, the convolutions and the pooling kernels,
 * whose contents are arbitrary and must be written in full (test/backend/unfilled-outputs.test.ts
 * checks each with NaN-filled outputs).
 *
 * Core kernels: every backend implements them, and with these alone it runs every model.
 * Fused kernels are optional: a backend may implement any of them for speed. Each one's
 * definition is the composite of core ops that its op in src/ops/ computes when the backend lacks
 * it (the op decides, in one place); the parity tests hold every backend's fused kernel to that
 * composite.
 */
export const KERNELS = {
  /** out[i] = op(x[i]); out may have another dtype (comparisons to bool, isnan …). */
  unary: core(
    choice("op", "UnaryOp"),
    any("x"),
    any("out", { role: "out", size: "x.length", dtype: "x|bool" }),
  ),
  /** out = op(a, b) over plan.shape; plan.strides = [aStrides, bStrides] (out is contiguous). */
  binary: core(
    choice("op", "BinaryOp"),
    any("a"),
    any("b", { dtype: "a" }),
    any("out", { role: "out", dtype: "a|bool" }),
    plan("plan", { operands: ["a", "b"], out: "out" }),
  ),
  /** out = cond ? a : b over plan.shape; plan.strides = [condStrides, aStrides, bStrides]. */
  where: core(
    bool("cond"),
    any("a"),
    any("b", { dtype: "a" }),
    any("out", { role: "out", dtype: "a" }),
    plan("plan", { operands: ["cond", "a", "b"], out: "out" }),
  ),
  /** Element conversion with NumPy's rules (float → int truncates, anything → bool is `!= 0`). */
  cast: core(any("x"), any("out", { role: "out", size: "x.length" })),
  /**
   * Copies a strided view of x into a strided view of out: plan.strides = [xStrides, outStrides],
   * starting at xOffset / outOffset. Transpose, broadcast, slice, flip, pad and concat are all this.
   */
  copy: core(
    any("x"),
    count("xOffset"),
    any("out", { role: "out", dtype: "x" }),
    count("outOffset"),
    plan("plan", { operands: ["x", "out"], offsets: ["xOffset", "outOffset"] }),
  ),
  /** Reduces the middle axis of x seen as [outer, size, inner] into out [outer, inner]. */
  reduce: core(
    choice("op", "ReduceOp"),
    any("x", { size: "outer * size * inner" }),
    any("out", { role: "out", size: "outer * inner", dtype: "x|int32" }),
    count("outer"),
    count("size"),
    count("inner"),
  ),
  /** Inclusive prefix sums along the middle axis of [outer, size, inner]. */
  cumsum: core(
    any("x", { size: "outer * size * inner" }),
    any("out", { role: "out", size: "outer * size * inner", dtype: "x" }),
    count("outer"),
    count("size"),
    count("inner"),
  ),
  /**
   * Stable sort of each row of x seen as [rows, size]: sorted values into `values`, their source
   * positions into `indices`. NaN sorts last (NumPy); `descending` reverses the order of values.
   */
  sort: core(
    any("x", { size: "rows * size" }),
    any("values", { role: "out", size: "rows * size", dtype: "x" }),
    int32("indices", { role: "out", size: "rows * size" }),
    count("rows"),
    count("size"),
    flag("descending"),
  ),
  /** out[o, j, i] = x[o, indices[j], i] for x [outer, axisSize, inner]; indices already in range. */
  gather: core(
    any("x", { size: "outer * axisSize * inner" }),
    int32("indices"),
    any("out", { role: "out", size: "outer * indices.length * inner", dtype: "x" }),
    count("outer"),
    count("axisSize"),
    count("inner"),
  ),
  /** out[o, indices[j], i] += updates[o, j, i] for out [outer, axisSize, inner] (the gradient of gather). */
  scatterAdd: core(
    any("updates", { size: "outer * indices.length * inner" }),
    int32("indices"),
    any("out", { role: "inout", size: "outer * axisSize * inner", dtype: "updates" }),
    count("outer"),
    count("axisSize"),
    count("inner"),
  ),
  /**
   * out[b] = op(a[b]) · op(b[b]) for `batch` products of [m,k]·[k,n]; a batch stride of 0
   * broadcasts that operand. transA reads a as [k,m], transB reads b as [n,k].
   */
  matmul: core(
    float("a"),
    float("b"),
    float("out", { role: "out", size: "batch * m * n" }),
    count("m"),
    count("k"),
    count("n"),
    flag("transA"),
    flag("transB"),
    count("batch"),
    count("aBatchStride"),
    count("bBatchStride"),
  ),
  conv: core(
    float("x", { size: CONV_IN }),
    float("w", { size: CONV_KERNEL }),
    float("out", { role: "out", size: CONV_OUT }),
    geometry("p", "ConvParams"),
  ),
  /** dx from dy and the kernel: also the forward pass of a transposed convolution. */
  convBackpropInput: core(
    float("dy", { size: CONV_OUT }),
    float("w", { size: CONV_KERNEL }),
    float("dx", { role: "out", size: CONV_IN }),
    geometry("p", "ConvParams"),
  ),
  convBackpropFilter: core(
    float("x", { size: CONV_IN }),
    float("dy", { size: CONV_OUT }),
    float("dw", { role: "out", size: CONV_KERNEL }),
    geometry("p", "ConvParams"),
  ),
  /**
   * Max pooling; `argmax`, when given, receives the flat input index of each winner (for the
   * gradient). null skips it (no gradient wanted).
   */
  maxPool: core(
    float("x", { size: POOL_IN }),
    float("out", { role: "out", size: POOL_OUT }),
    int32("argmax", { role: "out", nullable: true, size: POOL_OUT }),
    geometry("p", "PoolParams"),
  ),
  /**
   * The gradient of maxPool: dx[i] = Σ dy[j] over the outputs j whose window holds input cell i
   * and whose winner argmax[j] is i (a scatter-add of dy to the winners).
   */
  maxPoolBackprop: core(
    float("dy", { size: POOL_OUT }),
    int32("argmax", { size: POOL_OUT }),
    float("dx", { role: "out", size: POOL_IN }),
    geometry("p", "PoolParams"),
  ),
  avgPool: core(
    float("x", { size: POOL_IN }),
    float("out", { role: "out", size: POOL_OUT }),
    geometry("p", "PoolParams"),
  ),
  avgPoolBackprop: core(
    float("dy", { size: POOL_OUT }),
    float("dx", { role: "out", size: POOL_IN }),
    geometry("p", "PoolParams"),
  ),

  // ---------------------------------------------------------------- fused kernels

  /**
   * conv, then out += bias (one value per out channel; null for none) and, when `relu`,
   * out = out ≤ 0 ? +0 : out (NaN kept, as unary relu): the bias and activation of a conv layer
   * fused into the output pass.
   */
  convBias: fused(
    float("x", { size: CONV_IN }),
    float("w", { size: CONV_KERNEL }),
    float("bias", { nullable: true, size: "p.outChannels" }),
    float("out", { role: "out", size: CONV_OUT }),
    geometry("p", "ConvParams"),
    flag("relu"),
  ),
  /**
   * Softmax over the last axis of rows [rows, n], as the op-by-op path computes it: e^(x − m) /
   * Σ e^(x − m) with m the row's max (0 when the max is not finite), e^x as the unary exp, the
   * sum accumulated in double.
   */
  softmax: fused(
    float("x", { size: ROWS }),
    float("out", { role: "out", size: ROWS }),
    count("rows"),
    count("n"),
  ),
  /**
   * Log-softmax over the last axis of rows [rows, n], as the op-by-op path computes it:
   * s − log Σ e^s with s = x − m, m the row's max (0 when the max is not finite), e^s as the
   * unary exp, the sum accumulated in double, its log as the unary log. Exact in the tails,
   * where log(softmax(x)) gives −inf.
   */
  logSoftmax: fused(
    float("x", { size: ROWS }),
    float("out", { role: "out", size: ROWS }),
    count("rows"),
    count("n"),
  ),
  /**
   * out = relu?(x + bias) over rows [rows, n], bias [n] added to every row (null: none): a Dense
   * layer's bias and relu after its matmul, in one pass. relu as the unary op's.
   */
  biasRelu: fused(
    float("x", { size: ROWS }),
    float("bias", { nullable: true, size: "n" }),
    float("out", { role: "out", size: ROWS }),
    count("rows"),
    count("n"),
    flag("relu"),
  ),
  /**
   * The gradient through convBias's relu and bias, over rows [rows, n] of its output y:
   * dz = y > 0 ? dy : 0, and db[j] = Σ_rows dz[·, j] when db is given (null: not wanted).
   */
  biasReluBackprop: fused(
    float("dy", { size: ROWS }),
    float("y", { size: ROWS }),
    float("dz", { role: "out", size: ROWS }),
    float("db", { role: "out", nullable: true, size: "n" }),
    count("rows"),
    count("n"),
  ),
  /**
   * One optimizer step for one weight, element by element (see UPDATE_RULES): reads w and g,
   * updates the rule's slots in place and writes the new weight to out. Every array has w's float
   * dtype and length.
   */
  applyUpdate: fused(
    choice("rule", "UpdateRule"),
    float("w"),
    float("g", { size: "w.length", exact: true }),
    floatList("slots", { role: "inout", max: 3, size: "w.length", exact: true }),
    float("out", { role: "out", size: "w.length", exact: true }),
    numbers("hyper", 6),
  ),

  // ---------------------------------------------------------------- fused recurrent sequences
  /**
   * An LSTM over every timestep, gates i, f, c, o along the 4·units columns (Keras's order),
   * σ the logistic sigmoid:
   *   z = xProj[:, t] + b + h·u,  i, f, o = σ(z_i, z_f, z_o),  g = tanh(z_c)
   *   c' = f ⊙ c + i ⊙ g,  h' = o ⊙ tanh(c')
   * xProj [batch, steps, 4·units] is x·W; bias [4·units] or null (zeros); u [units, 4·units];
   * h0, c0 [batch, units]. Where mask[b, t] (a [batch, steps] 0/1 array) is 0, sample b keeps
   * its h and c through step t.
   * Writes the final states to hLast, cLast [batch, units] and, when given, the state after every
   * step to hSeq, cSeq [batch, steps, units] and the activations i, f, g, o to gates
   * [batch, steps, 4·units] (masked steps: left as they are). Backward needs all three. gates may
   * be xProj itself, which is then overwritten.
   */
  lstmForward: fused(
    float("xProj", LSTM.gates),
    float("u", LSTM.kernel),
    float("bias", { ...NULL, ...LSTM.bias }),
    float("h0", LSTM.state),
    float("c0", LSTM.state),
    bool("mask", { ...NULL, ...LSTM.mask }),
    float("hLast", { ...OUT, ...LSTM.state }),
    float("cLast", { ...OUT, ...LSTM.state }),
    float("hSeq", { ...OUT, ...NULL, ...LSTM.sequence }),
    float("cSeq", { ...OUT, ...NULL, ...LSTM.sequence }),
    float("gates", { ...OUT, ...NULL, ...LSTM.gates }),
    geometry("p", "RnnParams"),
  ),
  /**
   * The gradient of lstmForward from what it saved: given dhSeq (of every step's h), dhLast and
   * dcLast (of the final states; null ones are zeros), writes dxProj [batch, steps, 4·units]
   * (the gradient of the gates' pre-activations, zero at masked steps), du [units, 4·units],
   * dBias [4·units] (dxProj summed over batch and steps; skipped when null) and dh0, dc0.
   * dxProj may be the gates array itself, which is then overwritten.
   */
  lstmBackward: fused(
    float("u", LSTM.kernel),
    float("h0", LSTM.state),
    float("c0", LSTM.state),
    bool("mask", { ...NULL, ...LSTM.mask }),
    float("hSeq", LSTM.sequence),
    float("cSeq", LSTM.sequence),
    float("gates", LSTM.gates),
    float("dhSeq", { ...NULL, ...LSTM.sequence }),
    float("dhLast", { ...NULL, ...LSTM.state }),
    float("dcLast", { ...NULL, ...LSTM.state }),
    float("dxProj", { ...OUT, ...LSTM.gates }),
    float("du", { ...OUT, ...LSTM.kernel }),
    float("dBias", { ...OUT, ...NULL, ...LSTM.bias }),
    float("dh0", { ...OUT, ...LSTM.state }),
    float("dc0", { ...OUT, ...LSTM.state }),
    geometry("p", "RnnParams"),
  ),
  /**
   * A GRU over every timestep with Keras's reset_after = True, gates z, r, h along the 3·units
   * columns, the reset gate applied after the recurrent product:
   *   z = σ(x_z + b_z + (h·u)_z + b'_z),  r = σ(x_r + b_r + (h·u)_r + b'_r)
   *   hh = (h·u)_h + b'_h,  h̃ = tanh(x_h + b_h + r ⊙ hh),  h' = h̃ + z ⊙ (h − h̃)
   * xProj [batch, steps, 3·units] is x·W; bias and recurrentBias [3·units] or null (zeros);
   * u [units, 3·units]; h0 [batch, units]; mask as lstmForward's. Writes hLast and, when given,
   * hSeq [batch, steps, units] and gates [batch, steps, 3·units] (z, r, hh: what backward needs
   * with xProj).
   */
  gruForward: fused(
    float("xProj", GRU.gates),
    float("u", GRU.kernel),
    float("bias", { ...NULL, ...GRU.bias }),
    float("recurrentBias", { ...NULL, ...GRU.bias }),
    float("h0", GRU.state),
    bool("mask", { ...NULL, ...GRU.mask }),
    float("hLast", { ...OUT, ...GRU.state }),
    float("hSeq", { ...OUT, ...NULL, ...GRU.sequence }),
    float("gates", { ...OUT, ...NULL, ...GRU.gates }),
    geometry("p", "RnnParams"),
  ),
  /**
   * The gradient of gruForward: writes dxProj (may be xProj itself, which is then overwritten),
   * du, dBias and dRecurrentBias (each skipped when null) and dh0.
   */
  gruBackward: fused(
    float("xProj", GRU.gates),
    float("u", GRU.kernel),
    float("bias", { ...NULL, ...GRU.bias }),
    float("h0", GRU.state),
    bool("mask", { ...NULL, ...GRU.mask }),
    float("hSeq", GRU.sequence),
    float("gates", GRU.gates),
    float("dhSeq", { ...NULL, ...GRU.sequence }),
    float("dhLast", { ...NULL, ...GRU.state }),
    float("dxProj", { ...OUT, ...GRU.gates }),
    float("du", { ...OUT, ...GRU.kernel }),
    float("dBias", { ...OUT, ...NULL, ...GRU.bias }),
    float("dRecurrentBias", { ...OUT, ...NULL, ...GRU.bias }),
    float("dh0", { ...OUT, ...GRU.state }),
    geometry("p", "RnnParams"),
  ),
};

// ---------------------------------------------------------------- derived TypeScript types

type Table = typeof KERNELS;
export type KernelName = keyof Table;
export type CoreName = {
  [N in KernelName]: Table[N]["fused"] extends false ? N : never;
}[KernelName];
export type FusedName = Exclude<KernelName, CoreName>;

/** Storage types by class (a backend's StorageKinds). */
type Kinds = Record<StorageClass, unknown>;

/** What a caller passes for one argument, with storage as the backend's kinds K. */
type ArgValue<A, K extends Kinds> =
  A extends StorageArg<infer C extends StorageClass, infer N>
    ? N extends true
      ? K[C] | null
      : K[C]
    : A extends ListArg
      ? readonly K["float"][]
      : A extends ChoiceArg<infer E extends EnumName>
        ? (typeof ENUMS)[E][number]
        : A extends GeometryArg<infer S extends StructName>
          ? StructValue<S>
          : A extends PlanArg
            ? StridedPlan
            : A extends CountArg
              ? number
              : A extends FlagArg
                ? boolean
                : A extends NumbersArg
                  ? Float64Array
                  : never;

/** A parameter list from a kernel's argument kinds. */
type ParamsOf<A extends readonly Arg[], K extends Kinds> = { [I in keyof A]: ArgValue<A[I], K> };

/** A kernel's parameter list. */
export type KernelParams<N extends KernelName, K extends Kinds> = ParamsOf<Table[N]["args"], K>;

/**
 * A kernel as a method (its parameters checked bivariantly, as an interface's methods are), so a
 * backend over a narrower storage kind still passes where the general one is expected.
 */
type Method<P extends readonly unknown[]> = { kernel(...args: P): void }["kernel"];

/** The kernels named N as functions over storage kinds K (what backend.ts's interfaces are). */
export type KernelFunctions<N extends KernelName, K extends Kinds> = {
  [M in keyof Table as M extends N ? M : never]: Method<ParamsOf<Table[M]["args"], K>>;
};
