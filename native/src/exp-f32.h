// e^x for float32 results, shared by the elementwise kernels and softmax.
#pragma once

#include <cstdint>
#include <cstring>

namespace strata {

// e^x for float32 outputs, as the TS backend's exp32: x = k·ln2 + r with |r| ≤ ln2/2 (Cody–Waite,
// ln2 split so k·LN2_HI is exact), e^r by its degree-7 Taylor polynomial (error r⁸/8! ≈ 5e-9),
// 2^k built directly in the exponent bits. Branch-free, so the loop vectorises; the clamp to ±120
// only moves values whose float32 result is 0 or Infinity anyway, and NaN stays NaN.
inline double exp_f32(double x) {
  constexpr double kLog2e = 1.4426950408889634, kLn2Hi = 0.6931471803691238;
  constexpr double kLn2Lo = 1.9082149292705877e-10, kRound = 6755399441055744.0;  // 1.5·2^52
  double c = x > 120 ? 120 : x;
  c = c < -120 ? -120 : c;
  const double kr = c * kLog2e + kRound;  // k = round(c / ln2) sits in kr's low mantissa bits
  const double k = kr - kRound;
  const double r = c - k * kLn2Hi - k * kLn2Lo;
  const double q = 1. / 24 + r * (1. / 120 + r * (1. / 720 + r / 5040));
  const double p = 1 + r * (1 + r * (1. / 2 + r * (1. / 6 + r * q)));
  uint64_t bits;
  std::memcpy(&bits, &kr, sizeof bits);
  bits = (bits + 1023) << 52;  // only (k + 1023) mod 2^12 survives the shift: 2^k's exponent
  double scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

}  // namespace strata
