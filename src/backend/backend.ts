import type { DType, FloatArray, TypedArray } from "../tensor/dtype.js";

/*
 * What a backend is: the kernels it runs and the storage it owns. Code above backend/ sees a
 * tensor's values only as an opaque `Storage` handle, and reads them through the backend
 * (`Tensor.dataSync()`, `await data()`, `item()`), so a device whose memory is not the JS heap
 * fits behind the same interface.
 *
 * Kernels see storage and plain numbers, nothing else: validation, broadcasting, axis handling
 * and gradients live in `ops/`. Outputs are allocated by the caller through the backend and
 * written in place: zero-filled, except those of unary, binary, where, matmul, applyUpdate,
 * softmax, biasRelu, biasReluBackprop, the convolutions and the pooling kernels, whose contents
 * are arbitrary and must be written in full (test/backend/unfilled-outputs.test.ts checks each
 * with NaN-filled outputs).
 */

/** How a backend's storage looks to its kernels, by the kind of values it holds. */
export interface StorageKinds {
  any: unknown;
  float: unknown;
  int32: unknown;
  bool: unknown;
}

/** CPU backends: storage is a garbage-collected typed array, worked on in place. */
export interface HostArrays extends StorageKinds {
  any: TypedArray;
  float: FloatArray;
  int32: Int32Array;
  bool: Uint8Array;
}

declare const storageBrand: unique symbol;
/** A tensor's values as code above backend/ sees them: a handle it can only pass to kernels. */
export interface Storage {
  readonly [storageBrand]: true;
}

/** The storage kinds ops work with: every one an opaque handle. */
export interface OpaqueStorage extends StorageKinds {
  any: Storage;
  float: Storage;
  int32: Storage;
  bool: Storage;
}

/** What a backend runs: every core kernel, and whichever fused kernels it has. */
export type Kernels<K extends StorageKinds = HostArrays> = CoreKernels<K> &
  Partial<FusedKernels<K>>;

/** Every kernel, fused ones included (what the ts and native backends implement). */
export type AllKernels<K extends StorageKinds = HostArrays> = CoreKernels<K> & FusedKernels<K>;

export interface Backend<K extends StorageKinds = HostArrays> {
  readonly name: string;
  /**
   * True when storage is a plain host typed array (K = HostArrays): host backends share one
   * another's tensors without a copy. Any other backend's tensors move with `tensor.to(name)`.
   */
  readonly hostMemory: boolean;
  readonly kernels: Kernels<K>;
  /** Storage for `size` values of `dtype`: zero-filled, or with arbitrary contents when !zeroed. */
  allocate(dtype: DType, size: number, zeroed: boolean): K["any"];
  /** Storage holding `values`, which the backend may keep: the caller gives them up. */
  fromHost(values: TypedArray): K["any"];
  /** The values, as a typed array the caller must not modify (it may be the storage itself). */
  readSync(storage: K["any"]): TypedArray;
  /** The values once the device has them ready (a CPU backend's are ready at once). */
  read(storage: K["any"]): Promise<TypedArray>;
  /**
   * What a backend whose memory is not the JS heap holds. Such a backend frees storage when the
   * garbage collector takes its handle (a FinalizationRegistry): users never dispose tensors.
   */
  memory?(): { tensors: number; bytes: number };
}

export type UnaryOp =
  | "neg"
  | "abs"
  | "sign"
  | "square"
  | "sqrt"
  | "rsqrt"
  | "reciprocal"
  | "exp"
  | "expm1"
  | "log"
  | "log1p"
  | "sin"
  | "cos"
  | "tanh"
  | "sigmoid"
  | "erf"
  | "relu"
  | "softplus"
  | "floor"
  | "ceil"
  | "round"
  | "logicalNot"
  | "isnan"
  | "isfinite";

export type BinaryOp =
  | "add"
  | "sub"
  | "mul"
  | "div"
  | "pow"
  | "max"
  | "min"
  | "mod"
  | "floorDiv"
  | "eq"
  | "ne"
  | "lt"
  | "le"
  | "gt"
  | "ge"
  | "logicalAnd"
  | "logicalOr"
  | "logicalXor";

export type ReduceOp = "sum" | "prod" | "max" | "min" | "argmax" | "argmin";

/**
 * A strided walk over `shape`: operand k is read at `offsets[k] + Σ index[i] * strides[k][i]`.
 * Broadcast axes have stride 0; the output (the last operand, where present) is usually contiguous.
 */
export interface StridedPlan {
  shape: readonly number[];
  strides: readonly (readonly number[])[];
}

/** Convolution over 1 to 3 spatial axes, always given as 3 (unused axes have size 1). */
export interface ConvParams {
  batch: number;
  inChannels: number;
  outChannels: number;
  groups: number;
  /** input spatial size [d, h, w]; layout NDHWC */
  inShape: readonly [number, number, number];
  /** output spatial size [d, h, w]; layout NDHWC */
  outShape: readonly [number, number, number];
  /** kernel spatial size; kernel layout [kd, kh, kw, inChannels / groups, outChannels] */
  kernelShape: readonly [number, number, number];
  strides: readonly [number, number, number];
  dilations: readonly [number, number, number];
  /** implicit zero padding before each spatial axis (the rest is implied by the shapes) */
  padBefore: readonly [number, number, number];
}

/** Pooling over 1 to 3 spatial axes, as ConvParams. Padded cells never win a max nor count in a mean. */
export interface PoolParams {
  batch: number;
  channels: number;
  inShape: readonly [number, number, number];
  outShape: readonly [number, number, number];
  window: readonly [number, number, number];
  strides: readonly [number, number, number];
  padBefore: readonly [number, number, number];
}

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
export type UpdateRule = "sgd" | "rmsprop" | "adam";

/**
 * A recurrent layer over a whole sequence (fused LSTM / GRU kernels): `batch` samples of `steps`
 * timesteps with `units` cells. Sequence arrays are batch-major, [batch, steps, …], as Keras's.
 */
export interface RnnParams {
  batch: number;
  steps: number;
  units: number;
}

/**
 * The kernels every backend implements: with these alone it runs every model.
 */
export interface CoreKernels<K extends StorageKinds = HostArrays> {
  /** out[i] = op(x[i]); out may have another dtype (comparisons to bool, isnan …). */
  unary(op: UnaryOp, x: K["any"], out: K["any"]): void;
  /** out = op(a, b) over plan.shape; plan.strides = [aStrides, bStrides] (out is contiguous). */
  binary(op: BinaryOp, a: K["any"], b: K["any"], out: K["any"], plan: StridedPlan): void;
  /** out = cond ? a : b over plan.shape; plan.strides = [condStrides, aStrides, bStrides]. */
  where(cond: K["bool"], a: K["any"], b: K["any"], out: K["any"], plan: StridedPlan): void;
  /** Element conversion with NumPy's rules (float → int truncates, anything → bool is `!= 0`). */
  cast(x: K["any"], out: K["any"]): void;
  /**
   * Copies a strided view of x into a strided view of out: plan.strides = [xStrides, outStrides],
   * starting at xOffset / outOffset. Transpose, broadcast, slice, flip, pad and concat are all this.
   */
  copy(x: K["any"], xOffset: number, out: K["any"], outOffset: number, plan: StridedPlan): void;
  /** Reduces the middle axis of x seen as [outer, size, inner] into out [outer, inner]. */
  reduce(
    op: ReduceOp,
    x: K["any"],
    out: K["any"],
    outer: number,
    size: number,
    inner: number,
  ): void;
  /** Inclusive prefix sums along the middle axis of [outer, size, inner]. */
  cumsum(x: K["any"], out: K["any"], outer: number, size: number, inner: number): void;
  /**
   * Stable sort of each row of x seen as [rows, size]: sorted values into `values`, their source
   * positions into `indices`. NaN sorts last (NumPy); `descending` reverses the order of values.
   */
  sort(
    x: K["any"],
    values: K["any"],
    indices: K["int32"],
    rows: number,
    size: number,
    descending: boolean,
  ): void;
  /** out[o, j, i] = x[o, indices[j], i] for x [outer, axisSize, inner]; indices already in range. */
  gather(
    x: K["any"],
    indices: K["int32"],
    out: K["any"],
    outer: number,
    axisSize: number,
    inner: number,
  ): void;
  /** out[o, indices[j], i] += updates[o, j, i] for out [outer, axisSize, inner] (the gradient of gather). */
  scatterAdd(
    updates: K["any"],
    indices: K["int32"],
    out: K["any"],
    outer: number,
    axisSize: number,
    inner: number,
  ): void;
  /**
   * out[b] = op(a[b]) · op(b[b]) for `batch` products of [m,k]·[k,n]; a batch stride of 0
   * broadcasts that operand. transA reads a as [k,m], transB reads b as [n,k].
   */
  matmul(
    a: K["float"],
    b: K["float"],
    out: K["float"],
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
    batch: number,
    aBatchStride: number,
    bBatchStride: number,
  ): void;
  conv(x: K["float"], w: K["float"], out: K["float"], p: ConvParams): void;
  /** dx from dy and the kernel: also the forward pass of a transposed convolution. */
  convBackpropInput(dy: K["float"], w: K["float"], dx: K["float"], p: ConvParams): void;
  convBackpropFilter(x: K["float"], dy: K["float"], dw: K["float"], p: ConvParams): void;
  /**
   * Max pooling; `argmax`, when given, receives the flat input index of each winner (for the
   * gradient). null skips it (no gradient wanted).
   */
  maxPool(x: K["float"], out: K["float"], argmax: K["int32"] | null, p: PoolParams): void;
  /**
   * The gradient of maxPool: dx[i] = Σ dy[j] over the outputs j whose window holds input cell i
   * and whose winner argmax[j] is i (a scatter-add of dy to the winners).
   */
  maxPoolBackprop(dy: K["float"], argmax: K["int32"], dx: K["float"], p: PoolParams): void;
  avgPool(x: K["float"], out: K["float"], p: PoolParams): void;
  avgPoolBackprop(dy: K["float"], dx: K["float"], p: PoolParams): void;
}

/**
 * Optional fused kernels: a backend may implement any of them for speed. Each one's definition is
 * the composite of core ops that its op in src/ops/ computes when the backend lacks it (the op
 * decides, in one place); the parity tests hold every backend's fused kernel to that composite.
 */
export interface FusedKernels<K extends StorageKinds = HostArrays> {
  /**
   * conv, then out += bias (one value per out channel; null for none) and, when `relu`,
   * out = out ≤ 0 ? +0 : out (NaN kept, as unary relu): the bias and activation of a conv layer
   * fused into the output pass.
   */
  convBias(
    x: K["float"],
    w: K["float"],
    bias: K["float"] | null,
    out: K["float"],
    p: ConvParams,
    relu: boolean,
  ): void;
  /**
   * Softmax over the last axis of rows [rows, n], as the op-by-op path computes it: e^(x − m) /
   * Σ e^(x − m) with m the row's max (0 when the max is not finite), e^x as the unary exp, the
   * sum accumulated in double.
   */
  softmax(x: K["float"], out: K["float"], rows: number, n: number): void;
  /**
   * out = relu?(x + bias) over rows [rows, n], bias [n] added to every row (null: none): a Dense
   * layer's bias and relu after its matmul, in one pass. relu as the unary op's.
   */
  biasRelu(
    x: K["float"],
    bias: K["float"] | null,
    out: K["float"],
    rows: number,
    n: number,
    relu: boolean,
  ): void;
  /**
   * The gradient through convBias's relu and bias, over rows [rows, n] of its output y:
   * dz = y > 0 ? dy : 0, and db[j] = Σ_rows dz[·, j] when db is given (null: not wanted).
   */
  biasReluBackprop(
    dy: K["float"],
    y: K["float"],
    dz: K["float"],
    db: K["float"] | null,
    rows: number,
    n: number,
  ): void;
  /**
   * One optimizer step for one weight, element by element (see UpdateRule): reads w and g,
   * updates the rule's slots in place and writes the new weight to out. Every array has w's float
   * dtype and length.
   */
  applyUpdate(
    rule: UpdateRule,
    w: K["float"],
    g: K["float"],
    slots: readonly K["float"][],
    out: K["float"],
    hyper: Float64Array,
  ): void;

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
  lstmForward(
    xProj: K["float"],
    u: K["float"],
    bias: K["float"] | null,
    h0: K["float"],
    c0: K["float"],
    mask: K["bool"] | null,
    hLast: K["float"],
    cLast: K["float"],
    hSeq: K["float"] | null,
    cSeq: K["float"] | null,
    gates: K["float"] | null,
    p: RnnParams,
  ): void;
  /**
   * The gradient of lstmForward from what it saved: given dhSeq (of every step's h), dhLast and
   * dcLast (of the final states; null ones are zeros), writes dxProj [batch, steps, 4·units]
   * (the gradient of the gates' pre-activations, zero at masked steps), du [units, 4·units],
   * dBias [4·units] (dxProj summed over batch and steps; skipped when null) and dh0, dc0.
   * dxProj may be the gates array itself, which is then overwritten.
   */
  lstmBackward(
    u: K["float"],
    h0: K["float"],
    c0: K["float"],
    mask: K["bool"] | null,
    hSeq: K["float"],
    cSeq: K["float"],
    gates: K["float"],
    dhSeq: K["float"] | null,
    dhLast: K["float"] | null,
    dcLast: K["float"] | null,
    dxProj: K["float"],
    du: K["float"],
    dBias: K["float"] | null,
    dh0: K["float"],
    dc0: K["float"],
    p: RnnParams,
  ): void;
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
  gruForward(
    xProj: K["float"],
    u: K["float"],
    bias: K["float"] | null,
    recurrentBias: K["float"] | null,
    h0: K["float"],
    mask: K["bool"] | null,
    hLast: K["float"],
    hSeq: K["float"] | null,
    gates: K["float"] | null,
    p: RnnParams,
  ): void;
  /**
   * The gradient of gruForward: writes dxProj (may be xProj itself, which is then overwritten),
   * du, dBias and dRecurrentBias (each skipped when null) and dh0.
   */
  gruBackward(
    xProj: K["float"],
    u: K["float"],
    bias: K["float"] | null,
    h0: K["float"],
    mask: K["bool"] | null,
    hSeq: K["float"],
    gates: K["float"],
    dhSeq: K["float"] | null,
    dhLast: K["float"] | null,
    dxProj: K["float"],
    du: K["float"],
    dBias: K["float"] | null,
    dRecurrentBias: K["float"] | null,
    dh0: K["float"],
    p: RnnParams,
  ): void;
}
