// Argument unpacking for the kernels' Node-API entry points (generated into kernel-binding.gen.h
// from the kernel table): typed arrays are read in place (their data pointers, no copies),
// numbers become int64, and a wrong argument throws a TypeError instead of reaching a kernel.
// Only what a wrong call from JavaScript could turn into a crash is checked here; lengths and
// ranges are checked in src/backend/native/ before the call.
#pragma once

#include <napi.h>

#include <cmath>
#include <string>

#include "common.h"

namespace strata {

// The dtype class of a storage argument, as in the table.
enum class Class { Any, Float, Int32, Bool };

// One call's arguments. The first wrong one throws a TypeError; after it ok() is false and every
// later read returns a harmless default, so the generated entry checks once, before the call.
class Args {
 public:
  Args(const Napi::CallbackInfo& info, const char* fn) : info_(info), fn_(fn) {}

  bool ok() const { return ok_; }

  // A typed array of class c.
  Buf storage(size_t i, Class c) {
    Buf b{nullptr, 0, DType::f32};
    if (ok_ && to_buf(info_[i], &b) && !of_class(b, c)) wrong("a typed array of another dtype");
    return ok_ ? b : Buf{nullptr, 0, DType::f32};
  }

  // A typed array of class c, or null / undefined (nullptr); `given` holds it.
  const Buf* optional(size_t i, Class c, Buf* given) {
    const napi_valuetype type = info_[i].Type();
    if (type == napi_null || type == napi_undefined) return nullptr;
    *given = storage(i, c);
    return ok_ ? given : nullptr;
  }

  // A JavaScript array of at most `max` typed arrays of class c into out; returns how many.
  int list(size_t i, Class c, Buf* out, int max) {
    if (!ok_) return 0;
    if (!info_[i].IsArray()) return wrong("expected an array of typed arrays"), 0;
    Napi::Array list = info_[i].As<Napi::Array>();
    if (list.Length() > static_cast<uint32_t>(max)) return wrong("too many typed arrays"), 0;
    const int n = static_cast<int>(list.Length());
    for (int s = 0; s < n; s++) {
      if (!to_buf(list.Get(static_cast<uint32_t>(s)), &out[s])) return 0;
      if (!of_class(out[s], c)) return wrong("a typed array of another dtype"), 0;
    }
    return n;
  }

  int64_t count(size_t i) {
    double v = 0;
    napi_get_value_double(info_.Env(), info_[i], &v);
    return std::isfinite(v) ? static_cast<int64_t>(v) : 0;
  }

  bool flag(size_t i) {
    bool v = false;
    napi_get_value_bool(info_.Env(), info_[i], &v);
    return v;
  }

  // An op code of an enum with n entries.
  template <class E>
  E choice(size_t i, int n) {
    const int64_t v = count(i);
    if (ok_ && (v < 0 || v >= n)) wrong("op code out of range");
    return static_cast<E>(ok_ ? v : 0);
  }

  // A Float64Array of at least `min` numbers (hyper-parameters, packed geometry).
  const double* numbers(size_t i, int64_t min) {
    static const double zeros[64] = {};
    Buf b{nullptr, 0, DType::f32};
    if (ok_ && to_buf(info_[i], &b) && (b.dtype != DType::f64 || b.length < min)) {
      wrong("expected a longer Float64Array");
    }
    return ok_ && b.data ? as<double>(b) : zeros;
  }

  // Geometry packed by src/backend/native/binding.ts, fields in the table's order.
  const double* packed(size_t i, int64_t length) { return numbers(i, length); }

  // A strided plan packed as Float64Array [rank, shape…, strides of operand 0…, …].
  void plan(size_t i, int operands, Plan* plan) {
    Buf meta{nullptr, 0, DType::f32};
    if (!ok_ || !to_buf(info_[i], &meta)) return;
    const double* m = as<double>(meta);
    const bool packed = meta.dtype == DType::f64 && meta.length >= 1;
    const int64_t rank = packed ? static_cast<int64_t>(m[0]) : -1;
    if (rank < 0 || rank > kMaxRank || meta.length < 1 + rank * (1 + operands)) {
      return wrong("bad plan");
    }
    plan->rank = static_cast<int>(rank);
    plan->operands = operands;
    for (int d = 0; d < rank; d++) plan->shape[d] = static_cast<int64_t>(m[1 + d]);
    for (int k = 0; k < operands; k++) {
      const double* s = m + 1 + rank * (1 + k);
      for (int d = 0; d < rank; d++) plan->strides[k][d] = static_cast<int64_t>(s[d]);
    }
  }

  // The kernel's answer: false means it has no loop for these dtypes.
  void done(bool handled) {
    if (!handled) wrong("dtype combination not supported natively");
  }

 private:
  void wrong(const char* what) {
    if (!ok_) return;
    ok_ = false;
    std::string msg = std::string("strata_native.") + fn_ + ": " + what;
    Napi::TypeError::New(info_.Env(), msg).ThrowAsJavaScriptException();
  }

  bool to_buf(napi_value value, Buf* out) {
    const napi_env env = info_.Env();
    napi_typedarray_type type;
    size_t length;
    void* data;
    napi_value buffer;
    size_t offset;
    bool is_typed = false;
    napi_is_typedarray(env, value, &is_typed);
    if (!is_typed ||
        napi_get_typedarray_info(env, value, &type, &length, &data, &buffer, &offset) != napi_ok) {
      wrong("expected a typed array argument");
      return false;
    }
    switch (type) {
      case napi_float32_array: out->dtype = DType::f32; break;
      case napi_float64_array: out->dtype = DType::f64; break;
      case napi_int32_array: out->dtype = DType::i32; break;
      case napi_uint8_array: out->dtype = DType::u8; break;
      default: wrong("unsupported typed array kind"); return false;
    }
    out->data = data;
    out->length = static_cast<int64_t>(length);
    return true;
  }

  static bool of_class(const Buf& b, Class c) {
    switch (c) {
      case Class::Any: return true;
      case Class::Float: return b.dtype == DType::f32 || b.dtype == DType::f64;
      case Class::Int32: return b.dtype == DType::i32;
      case Class::Bool: return b.dtype == DType::u8;
    }
    return false;
  }

  const Napi::CallbackInfo& info_;
  const char* fn_;
  bool ok_ = true;
};

}  // namespace strata
