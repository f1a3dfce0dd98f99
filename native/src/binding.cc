// The addon's module: every table kernel's entry point (generated into kernel-binding.gen.h from
// src/backend/kernel-table.ts), and the few functions that are not kernels.

#include <napi.h>

#include <cstdlib>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "kernel-binding.gen.h"
#include "thread-pool.h"

namespace strata {
namespace {

Napi::Value SetNumThreads(const Napi::CallbackInfo& info) {
  set_num_threads(static_cast<int>(Args(info, "setNumThreads").count(0)));
  return Napi::Number::New(info.Env(), num_threads());
}

Napi::Value GetNumThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), num_threads());
}

extern "C" char* openblas_get_config(void);

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
  binding::export_kernels(env, exports);
  exports.Set("blas", Napi::String::New(env, openblas_get_config()));
  exports.Set("setNumThreads", Napi::Function::New(env, SetNumThreads, "setNumThreads"));
  exports.Set("getNumThreads", Napi::Function::New(env, GetNumThreads, "getNumThreads"));
  exports.Set("tuneMalloc", Napi::Function::New(env, TuneMalloc, "tuneMalloc"));
  return exports;
}

}  // namespace
}  // namespace strata

static Napi::Object InitStrata(Napi::Env env, Napi::Object exports) {
  return strata::Init(env, exports);
}

NODE_API_MODULE(strata_native, InitStrata)
