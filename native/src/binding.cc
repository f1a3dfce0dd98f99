// Node-API registration, nothing else (argument unpacking is in binding.h; the fused kernels
// register in binding-fused.cc). The TypeScript binding
// (src/backend/native/index.ts) validates every length and range before it calls in; what is
// checked here is only what a wrong call from JavaScript could otherwise turn into a crash.

#include <napi.h>

#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "binding.h"
#include "kernels.h"
#include "thread-pool.h"

namespace strata {
namespace {

// A strided plan packed by the TypeScript side as Float64Array
// [rank, shape…, strides of operand 0…, strides of operand 1…, …].
bool get_plan(const Napi::CallbackInfo& info, size_t i, int operands, const char* fn, Plan* plan) {
  Buf meta;
  if (!get_buf(info, i, fn, &meta)) return false;
  if (meta.dtype != DType::f64 || meta.length < 1) return fail(info.Env(), fn, "bad plan");
  const double* m = as<double>(meta);
  const int64_t rank = static_cast<int64_t>(m[0]);
  if (rank < 0 || rank > kMaxRank || meta.length < 1 + rank * (1 + operands)) {
    return fail(info.Env(), fn, "bad plan");
  }
  plan->rank = static_cast<int>(rank);
  plan->operands = operands;
  for (int d = 0; d < rank; d++) plan->shape[d] = static_cast<int64_t>(m[1 + d]);
  for (int k = 0; k < operands; k++) {
    const double* s = m + 1 + rank * (1 + k);
    for (int d = 0; d < rank; d++) plan->strides[k][d] = static_cast<int64_t>(s[d]);
  }
  return true;
}

// Geometry packed as Float64Array: ConvParams' scalars, then its six triples in declaration order.
bool get_numbers(const Napi::CallbackInfo& info, size_t i, int64_t count, const char* fn,
                 int64_t* out) {
  Buf meta;
  if (!get_buf(info, i, fn, &meta)) return false;
  if (meta.dtype != DType::f64 || meta.length < count) return fail(info.Env(), fn, "bad params");
  for (int64_t j = 0; j < count; j++) out[j] = static_cast<int64_t>(as<double>(meta)[j]);
  return true;
}

ConvGeometry conv_geometry(const int64_t* v) {
  ConvGeometry g{v[0], v[1], v[2], v[3], {}, {}, {}, {}, {}, {}};
  for (int d = 0; d < 3; d++) {
    g.in[d] = v[4 + d];
    g.out[d] = v[7 + d];
    g.kernel[d] = v[10 + d];
    g.strides[d] = v[13 + d];
    g.dilations[d] = v[16 + d];
    g.pad[d] = v[19 + d];
  }
  return g;
}

PoolGeometry pool_geometry(const int64_t* v) {
  PoolGeometry g{v[0], v[1], {}, {}, {}, {}, {}};
  for (int d = 0; d < 3; d++) {
    g.in[d] = v[2 + d];
    g.out[d] = v[5 + d];
    g.window[d] = v[8 + d];
    g.strides[d] = v[11 + d];
    g.pad[d] = v[14 + d];
  }
  return g;
}

void Unary(const Napi::CallbackInfo& info) {
  Buf x, out;
  if (!get_buf(info, 1, "unary", &x) || !get_buf(info, 2, "unary", &out)) return;
  done(info, unary(static_cast<UnaryOp>(get_int(info, 0)), x, out), "unary");
}

void Binary(const Napi::CallbackInfo& info) {
  Buf a, b, out;
  Plan plan;
  if (!get_buf(info, 1, "binary", &a) || !get_buf(info, 2, "binary", &b) ||
      !get_buf(info, 3, "binary", &out) || !get_plan(info, 4, 2, "binary", &plan)) {
    return;
  }
  done(info, binary(static_cast<BinaryOp>(get_int(info, 0)), a, b, out, plan), "binary");
}

void Where(const Napi::CallbackInfo& info) {
  Buf c, a, b, out;
  Plan plan;
  if (!get_buf(info, 0, "where", &c) || !get_buf(info, 1, "where", &a) ||
      !get_buf(info, 2, "where", &b) || !get_buf(info, 3, "where", &out) ||
      !get_plan(info, 4, 3, "where", &plan)) {
    return;
  }
  done(info, where(c, a, b, out, plan), "where");
}

void Cast(const Napi::CallbackInfo& info) {
  Buf x, out;
  if (!get_buf(info, 0, "cast", &x) || !get_buf(info, 1, "cast", &out)) return;
  done(info, cast(x, out), "cast");
}

void Copy(const Napi::CallbackInfo& info) {
  Buf x, out;
  Plan plan;
  if (!get_buf(info, 0, "copy", &x) || !get_buf(info, 2, "copy", &out) ||
      !get_plan(info, 4, 2, "copy", &plan)) {
    return;
  }
  plan.offset[0] = get_int(info, 1);
  plan.offset[1] = get_int(info, 3);
  done(info, copy(x, out, plan), "copy");
}

void Reduce(const Napi::CallbackInfo& info) {
  Buf x, out;
  if (!get_buf(info, 1, "reduce", &x) || !get_buf(info, 2, "reduce", &out)) return;
  done(info,
       reduce(static_cast<ReduceOp>(get_int(info, 0)), x, out, get_int(info, 3), get_int(info, 4),
              get_int(info, 5)),
       "reduce");
}

void Cumsum(const Napi::CallbackInfo& info) {
  Buf x, out;
  if (!get_buf(info, 0, "cumsum", &x) || !get_buf(info, 1, "cumsum", &out)) return;
  done(info, cumsum(x, out, get_int(info, 2), get_int(info, 3), get_int(info, 4)), "cumsum");
}

void Sort(const Napi::CallbackInfo& info) {
  Buf x, values, indices;
  if (!get_buf(info, 0, "sort", &x) || !get_buf(info, 1, "sort", &values) ||
      !get_buf(info, 2, "sort", &indices)) {
    return;
  }
  if (indices.dtype != DType::i32) return (void)fail(info.Env(), "sort", "indices must be int32");
  done(info,
       sort(x, values, as<int32_t>(indices), get_int(info, 3), get_int(info, 4), get_bool(info, 5)),
       "sort");
}

// gather / scatterAdd return -1, or the position of the first out-of-range index.
Napi::Value Gather(const Napi::CallbackInfo& info) {
  Buf x, indices, out;
  if (!get_buf(info, 0, "gather", &x) || !get_buf(info, 1, "gather", &indices) ||
      !get_buf(info, 2, "gather", &out)) {
    return info.Env().Undefined();
  }
  if (indices.dtype != DType::i32 || x.dtype != out.dtype) {
    fail(info.Env(), "gather", "dtype combination not supported natively");
    return info.Env().Undefined();
  }
  const int64_t bad = gather(x, as<int32_t>(indices), indices.length, out, get_int(info, 3),
                             get_int(info, 4), get_int(info, 5));
  return Napi::Number::New(info.Env(), static_cast<double>(bad));
}

Napi::Value ScatterAdd(const Napi::CallbackInfo& info) {
  Buf updates, indices, out;
  if (!get_buf(info, 0, "scatterAdd", &updates) || !get_buf(info, 1, "scatterAdd", &indices) ||
      !get_buf(info, 2, "scatterAdd", &out)) {
    return info.Env().Undefined();
  }
  if (indices.dtype != DType::i32 || updates.dtype != out.dtype) {
    fail(info.Env(), "scatterAdd", "dtype combination not supported natively");
    return info.Env().Undefined();
  }
  const int64_t bad = scatter_add(updates, as<int32_t>(indices), indices.length, out,
                                  get_int(info, 3), get_int(info, 4), get_int(info, 5));
  return Napi::Number::New(info.Env(), static_cast<double>(bad));
}

void Matmul(const Napi::CallbackInfo& info) {
  Buf a, b, out;
  if (!get_buf(info, 0, "matmul", &a) || !get_buf(info, 1, "matmul", &b) ||
      !get_buf(info, 2, "matmul", &out)) {
    return;
  }
  done(info,
       matmul(a, b, out, get_int(info, 3), get_int(info, 4), get_int(info, 5), get_bool(info, 6),
              get_bool(info, 7), get_int(info, 8), get_int(info, 9), get_int(info, 10)),
       "matmul");
}

template <bool (*Kernel)(const Buf&, const Buf&, const Buf&, const ConvGeometry&)>
void ConvCall(const Napi::CallbackInfo& info) {
  Buf p, q, out;
  int64_t v[22];
  if (!get_buf(info, 0, "conv", &p) || !get_buf(info, 1, "conv", &q) ||
      !get_buf(info, 2, "conv", &out) || !get_numbers(info, 3, 22, "conv", v)) {
    return;
  }
  done(info, Kernel(p, q, out, conv_geometry(v)), "conv");
}

// convBias(x, w, bias | null, out, params, relu)
void ConvBias(const Napi::CallbackInfo& info) {
  Buf x, w, bias, out;
  int64_t v[22];
  const bool has_bias = !info[2].IsNull();
  if (!get_buf(info, 0, "convBias", &x) || !get_buf(info, 1, "convBias", &w) ||
      (has_bias && !get_buf(info, 2, "convBias", &bias)) || !get_buf(info, 3, "convBias", &out) ||
      !get_numbers(info, 4, 22, "convBias", v)) {
    return;
  }
  done(info, conv_bias(x, w, has_bias ? &bias : nullptr, out, conv_geometry(v), get_bool(info, 5)),
       "convBias");
}

// softmax(x, out, rows, n)
void Softmax(const Napi::CallbackInfo& info) {
  Buf x, out;
  if (!get_buf(info, 0, "softmax", &x) || !get_buf(info, 1, "softmax", &out)) return;
  done(info, softmax(x, out, get_int(info, 2), get_int(info, 3)), "softmax");
}

// biasRelu(x, bias | null, out, rows, n, relu)
void BiasRelu(const Napi::CallbackInfo& info) {
  Buf x, bias, out;
  const bool has_bias = !info[1].IsNull();
  if (!get_buf(info, 0, "biasRelu", &x) || (has_bias && !get_buf(info, 1, "biasRelu", &bias)) ||
      !get_buf(info, 2, "biasRelu", &out)) {
    return;
  }
  done(info,
       bias_relu(x, has_bias ? &bias : nullptr, out, get_int(info, 3), get_int(info, 4),
                 get_bool(info, 5)),
       "biasRelu");
}

// biasReluBackprop(dy, y, dz, db | null, rows, n)
void BiasReluBackprop(const Napi::CallbackInfo& info) {
  Buf dy, y, dz, db;
  const bool has_db = !info[3].IsNull();
  if (!get_buf(info, 0, "biasReluBackprop", &dy) || !get_buf(info, 1, "biasReluBackprop", &y) ||
      !get_buf(info, 2, "biasReluBackprop", &dz) ||
      (has_db && !get_buf(info, 3, "biasReluBackprop", &db))) {
    return;
  }
  done(info,
       bias_relu_backprop(dy, y, dz, has_db ? &db : nullptr, get_int(info, 4), get_int(info, 5)),
       "biasReluBackprop");
}

// maxPool(x, out, argmax | null, params): a null argmax skips the winners' indices.
void MaxPool(const Napi::CallbackInfo& info) {
  Buf x, out, argmax{nullptr, 0, DType::i32};
  int64_t v[17];
  if (!get_buf(info, 0, "maxPool", &x) || !get_buf(info, 1, "maxPool", &out) ||
      (!info[2].IsNull() && !get_buf(info, 2, "maxPool", &argmax)) ||
      !get_numbers(info, 3, 17, "maxPool", v)) {
    return;
  }
  if (argmax.dtype != DType::i32) return (void)fail(info.Env(), "maxPool", "argmax must be int32");
  done(info, max_pool(x, out, as<int32_t>(argmax), pool_geometry(v)), "maxPool");
}

void MaxPoolBackprop(const Napi::CallbackInfo& info) {
  Buf dy, argmax, dx;
  int64_t v[17];
  if (!get_buf(info, 0, "maxPoolBackprop", &dy) || !get_buf(info, 1, "maxPoolBackprop", &argmax) ||
      !get_buf(info, 2, "maxPoolBackprop", &dx) ||
      !get_numbers(info, 3, 17, "maxPoolBackprop", v)) {
    return;
  }
  if (argmax.dtype != DType::i32) {
    return (void)fail(info.Env(), "maxPoolBackprop", "argmax must be int32");
  }
  done(info, max_pool_backprop(dy, as<int32_t>(argmax), dx, pool_geometry(v)), "maxPoolBackprop");
}

template <bool (*Kernel)(const Buf&, const Buf&, const PoolGeometry&)>
void PoolCall(const Napi::CallbackInfo& info) {
  Buf x, out;
  int64_t v[17];
  if (!get_buf(info, 0, "pool", &x) || !get_buf(info, 1, "pool", &out) ||
      !get_numbers(info, 2, 17, "pool", v)) {
    return;
  }
  done(info, Kernel(x, out, pool_geometry(v)), "pool");
}

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  set_num_threads(static_cast<int>(get_int(info, 0)));
  return Napi::Number::New(info.Env(), num_threads());
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), num_threads());
}

extern "C" char* openblas_get_config(void);

Napi::Array names(Napi::Env env, std::initializer_list<const char*> list) {
  Napi::Array a = Napi::Array::New(env, list.size());
  uint32_t i = 0;
  for (const char* s : list) a.Set(i++, Napi::String::New(env, s));
  return a;
}

// Every op result is a fresh typed array that Node allocates with calloc or malloc. glibc serves large
// blocks with fresh mmaps and returns the top of its heap to the kernel past a trim threshold, so
// a training step that frees and reallocates the same few megabytes pays page faults for all of
// them every step (~850 per W1 step; 17% of the main thread). Serving blocks up to 64 MiB from the
// heap and keeping up to 256 MiB of free heap lets them be reused. A user's own MALLOC_*_
// settings win. Called when the native backend initializes, unless told not to tune the process.
void TuneMalloc(const Napi::CallbackInfo&) {
#if defined(__GLIBC__)
  if (std::getenv("MALLOC_MMAP_THRESHOLD_") == nullptr) mallopt(M_MMAP_THRESHOLD, 64 << 20);
  if (std::getenv("MALLOC_TRIM_THRESHOLD_") == nullptr) mallopt(M_TRIM_THRESHOLD, 256 << 20);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  pool();  // start the workers and set OpenBLAS's thread count once, at load
#define STRATA_NAME(id, name) name,
  exports.Set("unaryOps", names(env, {STRATA_UNARY_OPS(STRATA_NAME)}));
  exports.Set("binaryOps", names(env, {STRATA_BINARY_OPS(STRATA_NAME)}));
  exports.Set("reduceOps", names(env, {STRATA_REDUCE_OPS(STRATA_NAME)}));
  exports.Set("updateRules", names(env, {STRATA_UPDATE_RULES(STRATA_NAME)}));
#undef STRATA_NAME
  exports.Set("blas", Napi::String::New(env, openblas_get_config()));
  const auto fn = [&](const char* name, auto f) {
    exports.Set(name, Napi::Function::New(env, f, name));
  };
  fn("unary", Unary);
  fn("binary", Binary);
  fn("where", Where);
  fn("cast", Cast);
  fn("copy", Copy);
  fn("reduce", Reduce);
  fn("cumsum", Cumsum);
  fn("sort", Sort);
  fn("gather", Gather);
  fn("scatterAdd", ScatterAdd);
  fn("matmul", Matmul);
  fn("conv", ConvCall<conv>);
  fn("convBackpropInput", ConvCall<conv_backprop_input>);
  fn("convBackpropFilter", ConvCall<conv_backprop_filter>);
  fn("convBias", ConvBias);
  fn("softmax", Softmax);
  fn("biasRelu", BiasRelu);
  fn("biasReluBackprop", BiasReluBackprop);
  fn("maxPool", MaxPool);
  fn("avgPool", PoolCall<avg_pool>);
  fn("avgPoolBackprop", PoolCall<avg_pool_backprop>);
  fn("maxPoolBackprop", MaxPoolBackprop);
  fn("setNumThreads", SetNumThreads);
  fn("tuneMalloc", TuneMalloc);
  export_fused(env, exports);
  fn("getNumThreads", GetNumThreads);
  return exports;
}

}  // namespace
}  // namespace strata

static Napi::Object InitStrata(Napi::Env env, Napi::Object exports) {
  return strata::Init(env, exports);
}

NODE_API_MODULE(strata_native, InitStrata)
