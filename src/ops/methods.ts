// Method forms of the common ops (`x.add(y)`, `x.matmul(w)`, `x.div(255)`), attached to Tensor
// here so the tensor layer itself carries no math. Each is exactly the op of the same meaning.
import type { DType } from "../tensor/dtype.js";
import { BatchedTensor } from "../tensor/batched.js";
import { Tensor } from "../tensor/tensor.js";
import type { TensorLike } from "./core.js";
import type * as rd from "./reduce.js";
import * as la from "./linalg.js";
import * as jn from "./join.js";
import * as ga from "./gather.js";
// The forms with batching rules, so a batch of rows (tensor/batched.ts) has the same methods.
import * as vr from "./vmap/rules.js";

type Axis = rd.Axis;

declare module "../tensor/tensor.js" {
  interface Tensor {
    add(b: TensorLike): Tensor;
    sub(b: TensorLike): Tensor;
    mul(b: TensorLike): Tensor;
    div(b: TensorLike): Tensor;
    pow(b: TensorLike): Tensor;
    mod(b: TensorLike): Tensor;
    maximum(b: TensorLike): Tensor;
    minimum(b: TensorLike): Tensor;
    neg(): Tensor;
    abs(): Tensor;
    square(): Tensor;
    sqrt(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    relu(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    clip(min: TensorLike, max: TensorLike): Tensor;
    equal(b: TensorLike): Tensor;
    notEqual(b: TensorLike): Tensor;
    less(b: TensorLike): Tensor;
    lessEqual(b: TensorLike): Tensor;
    greater(b: TensorLike): Tensor;
    greaterEqual(b: TensorLike): Tensor;
    cast(dtype: DType): Tensor;
    reshape(shape: readonly number[]): Tensor;
    transpose(axes?: readonly number[]): Tensor;
    expandDims(axis: number | readonly number[]): Tensor;
    squeeze(axis?: number | readonly number[]): Tensor;
    flatten(): Tensor;
    sum(axis?: Axis, keepdims?: boolean): Tensor;
    mean(axis?: Axis, keepdims?: boolean): Tensor;
    max(axis?: Axis, keepdims?: boolean): Tensor;
    min(axis?: Axis, keepdims?: boolean): Tensor;
    argmax(axis?: number | null, keepdims?: boolean): Tensor;
    argmin(axis?: number | null, keepdims?: boolean): Tensor;
    matmul(b: TensorLike): Tensor;
    softmax(axis?: number): Tensor;
    take(indices: TensorLike, axis?: number | null): Tensor;
    slice(startIndices: readonly number[], shape: readonly number[]): Tensor;
    flip(axis?: number | readonly number[] | null): Tensor;
  }
}

const methods: Partial<Tensor> & ThisType<Tensor> = {
  add(b: TensorLike) {
    return vr.add(this, b);
  },
  sub(b: TensorLike) {
    return vr.subtract(this, b);
  },
  mul(b: TensorLike) {
    return vr.multiply(this, b);
  },
  div(b: TensorLike) {
    return vr.divide(this, b);
  },
  pow(b: TensorLike) {
    return vr.power(this, b);
  },
  mod(b: TensorLike) {
    return vr.mod(this, b);
  },
  maximum(b: TensorLike) {
    return vr.maximum(this, b);
  },
  minimum(b: TensorLike) {
    return vr.minimum(this, b);
  },
  neg() {
    return vr.negative(this);
  },
  abs() {
    return vr.abs(this);
  },
  square() {
    return vr.square(this);
  },
  sqrt() {
    return vr.sqrt(this);
  },
  exp() {
    return vr.exp(this);
  },
  log() {
    return vr.log(this);
  },
  relu() {
    return vr.relu(this);
  },
  sigmoid() {
    return vr.sigmoid(this);
  },
  tanh() {
    return vr.tanh(this);
  },
  clip(min: TensorLike, max: TensorLike) {
    return vr.clip(this, min, max);
  },
  equal(b: TensorLike) {
    return vr.equal(this, b);
  },
  notEqual(b: TensorLike) {
    return vr.notEqual(this, b);
  },
  less(b: TensorLike) {
    return vr.less(this, b);
  },
  lessEqual(b: TensorLike) {
    return vr.lessEqual(this, b);
  },
  greater(b: TensorLike) {
    return vr.greater(this, b);
  },
  greaterEqual(b: TensorLike) {
    return vr.greaterEqual(this, b);
  },
  cast(dtype: DType) {
    return vr.cast(this, dtype);
  },
  reshape(shape: readonly number[]) {
    return vr.reshape(this, shape);
  },
  transpose(axes?: readonly number[]) {
    return vr.transpose(this, axes);
  },
  expandDims(axis: number | readonly number[]) {
    return vr.expandDims(this, axis);
  },
  squeeze(axis?: number | readonly number[]) {
    return vr.squeeze(this, axis);
  },
  flatten() {
    return vr.reshape(this, [-1]);
  },
  sum(axis?: Axis, keepdims?: boolean) {
    return vr.sum(this, axis, keepdims);
  },
  mean(axis?: Axis, keepdims?: boolean) {
    return vr.mean(this, axis, keepdims);
  },
  max(axis?: Axis, keepdims?: boolean) {
    return vr.max(this, axis, keepdims);
  },
  min(axis?: Axis, keepdims?: boolean) {
    return vr.min(this, axis, keepdims);
  },
  argmax(axis?: number | null, keepdims?: boolean) {
    return vr.argmax(this, axis, keepdims);
  },
  argmin(axis?: number | null, keepdims?: boolean) {
    return vr.argmin(this, axis, keepdims);
  },
  matmul(b: TensorLike) {
    return la.matmul(this, b);
  },
  softmax(axis?: number) {
    return vr.softmax(this, axis);
  },
  take(indices: TensorLike, axis?: number | null) {
    return ga.take(this, indices, axis);
  },
  slice(startIndices: readonly number[], shape: readonly number[]) {
    return jn.slice(this, startIndices, shape);
  },
  flip(axis?: number | readonly number[] | null) {
    return vr.flip(this, axis);
  },
};

Object.assign(Tensor.prototype, methods);
Object.assign(BatchedTensor.prototype, methods);
