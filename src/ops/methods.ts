// Method forms of the common ops (`x.add(y)`, `x.matmul(w)`, `x.div(255)`), attached to Tensor
// here so the tensor layer itself carries no math. Each is exactly the op of the same meaning.
import type { DType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import type { TensorLike } from "./core.js";
import * as el from "./elementwise.js";
import * as mv from "./movement.js";
import * as rd from "./reduce.js";
import * as la from "./linalg.js";
import * as jn from "./join.js";
import * as ga from "./gather.js";
import * as ac from "./activations.js";

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
    return el.add(this, b);
  },
  sub(b: TensorLike) {
    return el.subtract(this, b);
  },
  mul(b: TensorLike) {
    return el.multiply(this, b);
  },
  div(b: TensorLike) {
    return el.divide(this, b);
  },
  pow(b: TensorLike) {
    return el.power(this, b);
  },
  mod(b: TensorLike) {
    return el.mod(this, b);
  },
  maximum(b: TensorLike) {
    return el.maximum(this, b);
  },
  minimum(b: TensorLike) {
    return el.minimum(this, b);
  },
  neg() {
    return el.negative(this);
  },
  abs() {
    return el.abs(this);
  },
  square() {
    return el.square(this);
  },
  sqrt() {
    return el.sqrt(this);
  },
  exp() {
    return el.exp(this);
  },
  log() {
    return el.log(this);
  },
  relu() {
    return el.relu(this);
  },
  sigmoid() {
    return el.sigmoid(this);
  },
  tanh() {
    return el.tanh(this);
  },
  clip(min: TensorLike, max: TensorLike) {
    return el.clip(this, min, max);
  },
  equal(b: TensorLike) {
    return el.equal(this, b);
  },
  notEqual(b: TensorLike) {
    return el.notEqual(this, b);
  },
  less(b: TensorLike) {
    return el.less(this, b);
  },
  lessEqual(b: TensorLike) {
    return el.lessEqual(this, b);
  },
  greater(b: TensorLike) {
    return el.greater(this, b);
  },
  greaterEqual(b: TensorLike) {
    return el.greaterEqual(this, b);
  },
  cast(dtype: DType) {
    return el.cast(this, dtype);
  },
  reshape(shape: readonly number[]) {
    return mv.reshape(this, shape);
  },
  transpose(axes?: readonly number[]) {
    return mv.transpose(this, axes);
  },
  expandDims(axis: number | readonly number[]) {
    return mv.expandDims(this, axis);
  },
  squeeze(axis?: number | readonly number[]) {
    return mv.squeeze(this, axis);
  },
  flatten() {
    return mv.reshape(this, [-1]);
  },
  sum(axis?: Axis, keepdims?: boolean) {
    return rd.sum(this, axis, keepdims);
  },
  mean(axis?: Axis, keepdims?: boolean) {
    return rd.mean(this, axis, keepdims);
  },
  max(axis?: Axis, keepdims?: boolean) {
    return rd.max(this, axis, keepdims);
  },
  min(axis?: Axis, keepdims?: boolean) {
    return rd.min(this, axis, keepdims);
  },
  argmax(axis?: number | null, keepdims?: boolean) {
    return rd.argmax(this, axis, keepdims);
  },
  argmin(axis?: number | null, keepdims?: boolean) {
    return rd.argmin(this, axis, keepdims);
  },
  matmul(b: TensorLike) {
    return la.matmul(this, b);
  },
  softmax(axis?: number) {
    return ac.softmax(this, axis);
  },
  take(indices: TensorLike, axis?: number | null) {
    return ga.take(this, indices, axis);
  },
  slice(startIndices: readonly number[], shape: readonly number[]) {
    return jn.slice(this, startIndices, shape);
  },
  flip(axis?: number | readonly number[] | null) {
    return jn.flip(this, axis);
  },
};

Object.assign(Tensor.prototype, methods);
