// Softmax and log-softmax over the last axis of [rows, n], one pass per row: what the op-by-op
// path computes (max, its shift, exp, sum, then divide, or log and subtract), in the same
// roundings: the shifted value in T, e^x as the unary exp computes it, the sum in double rounded
// to T, its log in double rounded to T, and T division or subtraction.

#include <cmath>

#include "exp-f32.h"
#include "kernels.h"
#include "thread-pool.h"

namespace strata {
namespace {

template <class T>
T exp_as_unary(T v) {
  if constexpr (std::is_same_v<T, float>) {
    return static_cast<float>(exp_f32(v));
  } else {
    return std::exp(v);
  }
}

// The row's max, NaN reading as the max (as the reduce kernel); a non-finite max shifts by 0.
template <class T>
T row_shift(const T* xr, int64_t n) {
  T m = xr[0];
  for (int64_t j = 1; j < n; j++) m = (xr[j] > m || std::isnan(xr[j])) ? xr[j] : m;
  return std::isfinite(m) ? m : T(0);
}

// The double sum of a row of out, in four partial sums so that the loop vectorises (in double the
// order does not show in the result rounded to T, as the reduce kernel's sums).
template <class T>
double row_sum(const T* o, int64_t n) {
  double s[4] = {0, 0, 0, 0};
  int64_t j = 0;
  for (; j + 4 <= n; j += 4) {
    for (int k = 0; k < 4; k++) s[k] += static_cast<double>(o[j + k]);
  }
  for (; j < n; j++) s[0] += static_cast<double>(o[j]);
  return (s[0] + s[1]) + (s[2] + s[3]);
}

// The exps go through out first, so that loop and the sum's vectorise: a running sum in the exp
// loop kept it scalar (attention's softmax over [batch, heads, 200, 200] ran at ~100 M/s).
template <class T>
STRATA_SIMD_CLONES void softmax_rows(const T* x, T* out, int64_t rows, int64_t n) {
  for (int64_t r = 0; r < rows; r++) {
    const T* xr = x + r * n;
    T* o = out + r * n;
    const T shift = row_shift(xr, n);
    for (int64_t j = 0; j < n; j++) o[j] = exp_as_unary<T>(xr[j] - shift);
    const T sum = static_cast<T>(row_sum(o, n));
    for (int64_t j = 0; j < n; j++) o[j] = o[j] / sum;
  }
}

template <class T>
STRATA_SIMD_CLONES void log_softmax_rows(const T* x, T* out, int64_t rows, int64_t n) {
  for (int64_t r = 0; r < rows; r++) {
    const T* xr = x + r * n;
    T* o = out + r * n;
    const T shift = row_shift(xr, n);
    for (int64_t j = 0; j < n; j++) o[j] = exp_as_unary<T>(xr[j] - shift);
    const T sum = static_cast<T>(row_sum(o, n));
    const T lse = static_cast<T>(std::log(static_cast<double>(sum)));
    for (int64_t j = 0; j < n; j++) o[j] = (xr[j] - shift) - lse;
  }
}

// Runs rows(x, out, count, n) over blocks of rows on the pool.
template <class Rows>
bool by_rows(const Buf& x, const Buf& out, int64_t rows, int64_t n, Rows&& run) {
  if (x.dtype != out.dtype) return false;
  return visit_float(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    if (n == 0) return true;
    parallel_for(rows, std::max<int64_t>(1, 16384 / n), [&](int64_t begin, int64_t end) {
      run(as<T>(x) + begin * n, as<T>(out) + begin * n, end - begin, n);
    });
    return true;
  });
}

}  // namespace

bool softmax(const Buf& x, const Buf& out, int64_t rows, int64_t n) {
  return by_rows(x, out, rows, n, [](auto* xr, auto* o, int64_t count, int64_t width) {
    softmax_rows(xr, o, count, width);
  });
}

bool log_softmax(const Buf& x, const Buf& out, int64_t rows, int64_t n) {
  return by_rows(x, out, rows, n, [](auto* xr, auto* o, int64_t count, int64_t width) {
    log_softmax_rows(xr, o, count, width);
  });
}

}  // namespace strata
