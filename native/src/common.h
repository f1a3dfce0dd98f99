// Shared vocabulary of the kernels: dtypes, JavaScript's store conversions, strided plans.
// Kernel files see raw pointers and sizes only; binding.cc is the only file that knows N-API.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace strata {

enum class DType { f32, f64, i32, u8 };

// A typed array as the kernels see it: its data pointer (already past byteOffset) and length.
struct Buf {
  void* data;
  int64_t length;
  DType dtype;
};

template <class T>
inline T* as(const Buf& b) {
  return static_cast<T*>(b.data);
}

// Storing a double into an Int32Array / Uint8Array follows ECMAScript ToInt32 / ToUint8: truncate
// toward zero, wrap modulo 2^32 (2^8), and NaN or ±Infinity become 0. A plain C++ cast of an
// out-of-range double is undefined behaviour, hence these.
inline int32_t js_to_int32(double d) {
  if (d > -2147483649.0 && d < 2147483648.0) return static_cast<int32_t>(d);
  if (!std::isfinite(d)) return 0;
  double m = std::fmod(std::trunc(d), 4294967296.0);
  if (m < 0) m += 4294967296.0;
  return static_cast<int32_t>(static_cast<uint32_t>(m));
}

inline uint8_t js_to_uint8(double d) {
  if (d >= 0 && d < 256.0) return static_cast<uint8_t>(d);
  return static_cast<uint8_t>(static_cast<uint32_t>(js_to_int32(d)));
}

// store<Out>(v): what `out[i] = v` does in JavaScript for each typed-array kind.
template <class Out, class V>
inline Out store(V v) {
  if constexpr (std::is_same_v<Out, int32_t>) {
    if constexpr (std::is_integral_v<V>) return static_cast<int32_t>(v);
    else return js_to_int32(static_cast<double>(v));
  } else if constexpr (std::is_same_v<Out, uint8_t>) {
    if constexpr (std::is_integral_v<V>) return static_cast<uint8_t>(v);
    else return js_to_uint8(static_cast<double>(v));
  } else {
    return static_cast<Out>(v);
  }
}

// The arithmetic type a kernel computes in: floats in themselves (so float32 loops vectorise),
// integers and bools in double, exactly as JavaScript (the reference backend) sees every element.
template <class T>
using compute_t = std::conditional_t<std::is_floating_point_v<T>, T, double>;

// Calls f(T{}) with T the element type of `d`; f returns whether it handled the type.
template <class F>
bool visit(DType d, F&& f) {
  switch (d) {
    case DType::f32: return f(float{});
    case DType::f64: return f(double{});
    case DType::i32: return f(int32_t{});
    case DType::u8: return f(uint8_t{});
  }
  return false;
}

// Same, for the floating types only (matmul, conv, pool).
template <class F>
bool visit_float(DType d, F&& f) {
  if (d == DType::f32) return f(float{});
  if (d == DType::f64) return f(double{});
  return false;
}

// Hot loops are compiled twice on x86-64 Linux with GCC, for baseline SSE2 and for AVX2, and
// the dynamic loader picks the clone the CPU supports (ifunc). Elsewhere: one portable build.
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
#define STRATA_SIMD_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define STRATA_SIMD_CLONES
#endif

constexpr int kMaxRank = 32;
constexpr int kMaxOperands = 4;

// A strided walk over `shape`; operand k is read at offset[k] + Σ index[d] · strides[k][d].
struct Plan {
  int rank = 0;
  int operands = 0;
  int64_t shape[kMaxRank];
  int64_t strides[kMaxOperands][kMaxRank];
  int64_t offset[kMaxOperands] = {0, 0, 0, 0};

  // Gives operand k the row-major strides of a contiguous array of `shape` (the output).
  void set_contiguous(int k) {
    int64_t s = 1;
    for (int d = rank - 1; d >= 0; d--) {
      strides[k][d] = s;
      s *= shape[d];
    }
  }

  int64_t size() const {
    int64_t n = 1;
    for (int d = 0; d < rank; d++) n *= shape[d];
    return n;
  }

  // Drops size-1 axes and merges neighbours that every operand walks as one run, so most
  // broadcasts become one long inner loop (and contiguous data a single axis).
  void simplify() {
    int r = 0;
    for (int d = 0; d < rank; d++) {
      if (shape[d] == 1) continue;
      bool merge = r > 0;
      for (int k = 0; merge && k < operands; k++) {
        merge = strides[k][r - 1] == strides[k][d] * shape[d];
      }
      if (merge) {
        shape[r - 1] *= shape[d];
        for (int k = 0; k < operands; k++) strides[k][r - 1] = strides[k][d];
      } else {
        shape[r] = shape[d];
        for (int k = 0; k < operands; k++) strides[k][r] = strides[k][d];
        r++;
      }
    }
    rank = r;
  }

  // Calls seg(off, count) for every contiguous run of the flat range [begin, end) in row-major
  // order: off[k] is operand k's position at the run's start, and operand k then advances by
  // strides[k][rank - 1] per element. A rank-0 plan is a single element.
  template <class Seg>
  void walk(int64_t begin, int64_t end, Seg&& seg) const {
    int64_t off[kMaxOperands];
    if (rank == 0) {
      if (begin < end) {
        for (int k = 0; k < operands; k++) off[k] = offset[k];
        seg(off, int64_t{1});
      }
      return;
    }
    const int last = rank - 1;
    const int64_t n = shape[last];
    int64_t idx[kMaxRank];
    int64_t row = begin / n;
    int64_t col = begin % n;
    for (int d = last - 1; d >= 0; d--) {
      idx[d] = row % shape[d];
      row /= shape[d];
    }
    int64_t base[kMaxOperands];
    for (int k = 0; k < operands; k++) {
      base[k] = offset[k];
      for (int d = 0; d < last; d++) base[k] += idx[d] * strides[k][d];
    }
    for (int64_t pos = begin; pos < end;) {
      int64_t count = std::min(n - col, end - pos);
      for (int k = 0; k < operands; k++) off[k] = base[k] + col * strides[k][last];
      seg(off, count);
      pos += count;
      col = 0;
      for (int d = last - 1; d >= 0; d--) {
        for (int k = 0; k < operands; k++) base[k] += strides[k][d];
        if (++idx[d] < shape[d]) break;
        for (int k = 0; k < operands; k++) base[k] -= strides[k][d] * shape[d];
        idx[d] = 0;
      }
    }
  }
};

}  // namespace strata
