// Argument unpacking shared by the binding files (binding.cc, binding-fused.cc): typed arrays
// are read in place (their data pointers, no copies), numbers become int64, and a wrong argument
// throws a TypeError instead of reaching a kernel.
#pragma once

#include <napi.h>

#include <cmath>
#include <string>

#include "common.h"

namespace strata {

inline bool fail(napi_env env, const char* fn, const char* what) {
  std::string msg = std::string("strata_native.") + fn + ": " + what;
  Napi::TypeError::New(env, msg).ThrowAsJavaScriptException();
  return false;
}

inline bool to_buf(napi_env env, napi_value value, const char* fn, Buf* out) {
  napi_typedarray_type type;
  size_t length;
  void* data;
  napi_value buffer;
  size_t offset;
  bool is_typed = false;
  napi_is_typedarray(env, value, &is_typed);
  if (!is_typed ||
      napi_get_typedarray_info(env, value, &type, &length, &data, &buffer, &offset) != napi_ok) {
    return fail(env, fn, "expected a typed array argument");
  }
  switch (type) {
    case napi_float32_array: out->dtype = DType::f32; break;
    case napi_float64_array: out->dtype = DType::f64; break;
    case napi_int32_array: out->dtype = DType::i32; break;
    case napi_uint8_array: out->dtype = DType::u8; break;
    default: return fail(env, fn, "unsupported typed array kind");
  }
  out->data = data;
  out->length = static_cast<int64_t>(length);
  return true;
}

inline bool get_buf(const Napi::CallbackInfo& info, size_t i, const char* fn, Buf* out) {
  return to_buf(info.Env(), info[i], fn, out);
}

inline int64_t get_int(const Napi::CallbackInfo& info, size_t i) {
  double v = 0;
  napi_get_value_double(info.Env(), info[i], &v);
  return std::isfinite(v) ? static_cast<int64_t>(v) : 0;
}

inline bool get_bool(const Napi::CallbackInfo& info, size_t i) {
  bool v = false;
  napi_get_value_bool(info.Env(), info[i], &v);
  return v;
}

// An optional typed array: null or undefined gives data == nullptr.
inline bool get_opt_buf(const Napi::CallbackInfo& info, size_t i, const char* fn, Buf* out) {
  napi_valuetype type = napi_undefined;
  napi_typeof(info.Env(), info[i], &type);
  if (type == napi_null || type == napi_undefined) {
    *out = Buf{nullptr, 0, DType::f32};
    return true;
  }
  return get_buf(info, i, fn, out);
}

inline void done(const Napi::CallbackInfo& info, bool ok, const char* fn) {
  if (!ok) fail(info.Env(), fn, "dtype combination not supported natively");
}

// Adds the fused kernels' functions (binding-fused.cc) to the addon's exports.
void export_fused(Napi::Env env, Napi::Object exports);

}  // namespace strata
