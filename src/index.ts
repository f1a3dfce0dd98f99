/** Strata's public surface: see API.md. Nothing outside this file is public. */
import "./ops/methods.js";

export { Tensor, type NestedArray } from "./tensor/tensor.js";
export type { DType, DTypeName, TypedArray } from "./tensor/dtype.js";
export {
  tensor,
  zeros,
  ones,
  full,
  zerosLike,
  onesLike,
  arange,
  linspace,
  eye,
} from "./tensor/creation.js";
export * as random from "./random.js";
export { ops } from "./layers/symbolic/ops-namespace.js";
export { Operation, type OperationArgs } from "./layers/symbolic/operation.js";
export * as tree from "./utils/tree.js";
export type { TensorLike } from "./ops/core.js";
export { Variable } from "./autodiff/variable.js";
export { valueAndGrad, grad } from "./autodiff/grad.js";
export { noGrad } from "./autodiff/tape.js";
export { remat } from "./autodiff/remat.js";
export { RematScope, type RematScopeOptions, type RematModeName } from "./layers/remat-scope.js";
export { SymbolicScope } from "./layers/symbolic/symbolic-scope.js";
export { StatelessScope, type StatelessScopeOptions } from "./autodiff/stateless-scope.js";
export {
  jit,
  type JitCompile,
  type JitFunction,
  type JitOptions,
  type JitStats,
} from "./jit/index.js";
export {
  setBackend,
  getBackend,
  listBackends,
  registerBackend,
  setNumThreads,
  getNumThreads,
  type BackendLoader,
} from "./backend/index.js";
export type { Backend, CoreKernels, FusedKernels, StorageKinds } from "./backend/backend.js";
export * as layers from "./layers/index.js";
export * as activations from "./layers/activations/functions.js";
export { Input } from "./layers/core/input.js";
export { InputSpec } from "./layers/input-spec.js";
export { KerasTensor, type KerasTensorOptions } from "./layers/layer.js";
export { initializers, regularizers, constraints } from "./nn/index.js";
export { Model, Sequential, type ModelArgs } from "./models/index.js";
export { KerasFunction as Function, type FunctionArgs } from "./models/function.js";
export type { StepData, StepLogs } from "./train/data-adapter.js";
export type { CompileOptions } from "./train/compile.js";
export type { FitOptions, EvaluateOptions, PredictOptions } from "./train/loop-options.js";
export * as optimizers from "./train/optimizers/index.js";
export * as losses from "./train/losses/index.js";
export * as metrics from "./train/metrics/index.js";
export * as callbacks from "./tools/callbacks.js";
export * as models from "./models/index.js";
export * as saving from "./models/saving-api.js";
export * as distillation from "./models/distillation/index.js";
export * as datasets from "./data/datasets/index.js";
export * as utils from "./tools/utils.js";
export { StrataError, ShapeError, DTypeError, ValueError } from "./errors.js";
export { version } from "./version.js";
export { serve, type ModelServer, type ServeOptions } from "./tools/serve/index.js";
export { board, type Board, type BoardOptions } from "./tools/board/index.js";
export * as tuner from "./tools/tuner/index.js";
export * as config from "./tools/config.js";
export * as backend from "./tools/keras-backend.js";
export * as data from "./data/dataset/index.js";
export * as preprocessing from "./preprocessing/index.js";
export * as applications from "./applications/index.js";
export * as visualization from "./tools/visualization/index.js";
