// Shared parts of the fused recurrent kernels (lstm.cc, gru.cc): how a sequence splits across
// threads, the activations, and the gradient of the
// recurrent kernel. Arrays are batch-major: sample b's row at step t starts at (b·steps + t)·width.
#pragma once

#include <initializer_list>
#include <vector>

#include "kernels.h"
#include "thread-pool.h"

namespace strata {
namespace rnn {

// Samples are independent through the whole recurrence, so a sequence splits across the pool by
// blocks of the batch, each block running every step on its own (one fork-join per call, none
// per step). A block gets at least this many gate values (batch rows × steps × 4·units).
inline constexpr int64_t kRowGrain = 1 << 16;

inline int64_t batch_grain(int64_t steps, int64_t width) {
  return std::max<int64_t>(1, kRowGrain / std::max<int64_t>(steps * width, 1));
}

// ---------------------------------------------------------------- activations

// e^x in float, branch-free so loops vectorise: x = n·ln2 + r with |r| ≤ ln2/2 (Cody–Waite, ln2
// split so n·kLn2Hi is exact), e^r by its degree-7 Taylor polynomial (truncation r⁸/8! < 6e-9),
// 2^n written into the exponent bits. x is clamped to [-87, 88], where 2^n stays a normal float;
// the callers only ever add 1 to the result and divide, so the clamp changes nothing visible.
// NaN stays NaN.
inline float exp_approx(float x) {
  x = x > 88.f ? 88.f : x;
  x = x < -87.f ? -87.f : x;
  constexpr float kLog2e = 1.44269504f, kLn2Hi = 0.693359375f, kLn2Lo = -2.12194440e-4f;
  constexpr float kRound = 12582912.f;  // 1.5·2^23: adding it rounds to an integer, kept in bits
  const float kr = x * kLog2e + kRound;
  const float n = kr - kRound;
  const float r = (x - n * kLn2Hi) - n * kLn2Lo;
  const float q = 1.f / 24 + r * (1.f / 120 + r * (1.f / 720 + r * (1.f / 5040)));
  const float p = 1.f + r * (1.f + r * (0.5f + r * (1.f / 6 + r * q)));
  int32_t bits;
  std::memcpy(&bits, &kr, sizeof bits);
  bits = (bits - 0x4B400000 + 127) << 23;  // kr's bits are those of 1.5·2^23 plus n
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

// float: σ(x) = 1 / (1 + e^-x) (the division absorbs e^-x's overflow), and
// tanh(x) = sign(x)·(1 − 2 / (e^{2|x|} + 1)) for |x| ≥ 0.625, where the subtraction loses no
// accuracy; below, x + x³·P(x²) with P a degree-4 fit of (tanh x − x) / x³ on [0, 0.625²]
// (relative error 4.4e-9 before rounding). Both within a few float32 ulps of the exact values.
// double: the libm functions, exactly as the reference.
template <class T>
struct Act;

template <>
struct Act<float> {
  static float sigmoid(float x) { return 1.f / (1.f + exp_approx(-x)); }
  static float tanh(float x) {
    const float ax = std::fabs(x);
    const float big = 1.f - 2.f / (exp_approx(2.f * ax) + 1.f);
    const float s = x * x;
    const float p =
        -0.333332819f +
        s * (0.133314422f + s * (-0.0537397148f + s * (0.0206390866f + s * -0.00570498633f)));
    const float small = x + x * s * p;
    return ax < 0.625f ? small : std::copysign(big, x);
  }
};

template <>
struct Act<double> {
  static double sigmoid(double x) {
    if (x >= 0) return 1.0 / (1.0 + std::exp(-x));
    const double e = std::exp(x);
    return e / (1.0 + e);
  }
  static double tanh(double x) { return std::tanh(x); }
};

// ---------------------------------------------------------------- shared steps

// du = Σ_{b,t} h_{t−1}[b]ᵀ·d[b,t] for d [batch·steps, width] (the gradient of the recurrent
// pre-activations, zero at masked steps), with h_{t−1} from hSeq and h_{−1} = h0. Flat rows
// r = b·steps + t of hSeq and d pair up as hSeq[r−1] with d[r], which is right except at t = 0,
// where hSeq[r−1] is the previous sample's last state instead of h0[b]: one product over the
// shifted rows, then one correction with e[b] = h0[b] − hSeq[b·steps − 1] (h0[0] for b = 0)
// against the rows of step 0. Two large products, split across the pool by gemm().
template <class T>
void recurrent_kernel_grad(const T* hs, const T* h0, const T* d, T* du, int64_t batch,
                           int64_t steps, int64_t U, int64_t width) {
  if (U == 0 || width == 0) return;
  if (batch * steps == 0) {
    std::fill(du, du + U * width, T(0));
    return;
  }
  gemm(true, false, U, width, batch * steps - 1, hs, U, d + width, width, T(0), du, width);
  std::vector<T> e(static_cast<size_t>(batch * U));
  for (int64_t b = 0; b < batch; b++) {
    const T* last = b > 0 ? hs + (b * steps - 1) * U : nullptr;
    for (int64_t j = 0; j < U; j++) e[b * U + j] = h0[b * U + j] - (last ? last[j] : T(0));
  }
  gemm(true, false, U, width, batch, e.data(), U, d, steps * width, T(1), du, width);
}

// ---------------------------------------------------------------- argument checks

// An optional array: null when not given.
template <class T>
T* opt(const Buf* b) {
  return b ? as<T>(*b) : nullptr;
}

// Every given float array has dtype d (float32 or float64).
inline bool same_float(DType d, std::initializer_list<const Buf*> bufs) {
  for (const Buf* b : bufs) {
    if (b && b->dtype != d) return false;
  }
  return d == DType::f32 || d == DType::f64;
}

}  // namespace rnn
}  // namespace strata
