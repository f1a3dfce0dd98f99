// The geometry of one convolution call as conv.cc and conv-tiled.cc walk it: rows are output
// pixels (batch × output positions, in NDHWC order), each reading K = taps · Cg input values per
// group, where a tap is one (kd, kh, kw) position of the kernel.
#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels.h"

namespace strata {

// Values of col per block in the BLAS path: large enough for efficient products, small enough
// to stay in L3-ish.
constexpr int64_t kColBlock = 1 << 20;
// Groups whose Cg·Og is below this run as direct loops (as in the TS backend).
constexpr int64_t kDirectLimit = 256;

struct Geo {
  const ConvParams& p;
  int64_t rows, per_image, C, O, G, Cg, Og, taps, K;
  // Flat offset (in values) of each tap from the first tap's pixel, for rows whose window lies
  // wholly inside the input.
  int64_t tap_offset[64];
  bool offsets_known;
  // The output columns whose windows lie inside the input along w, and the flat step between
  // neighbouring columns' windows.
  int64_t ow_first, ow_last, w_step;

  explicit Geo(const ConvParams& g)
      : p(g),
        per_image(g.out_shape[0] * g.out_shape[1] * g.out_shape[2]),
        C(g.in_channels),
        O(g.out_channels),
        G(g.groups),
        Cg(g.in_channels / g.groups),
        Og(g.out_channels / g.groups),
        taps(g.kernel_shape[0] * g.kernel_shape[1] * g.kernel_shape[2]) {
    rows = g.batch * per_image;
    K = taps * Cg;
    // ow·s − pad ≥ 0 and ow·s − pad + (k − 1)·d ≤ in − 1.
    const int64_t s = g.strides[2];
    const int64_t top =
        g.in_shape[2] - 1 - (g.kernel_shape[2] - 1) * g.dilations[2] + g.pad_before[2];
    if (s > 0) {
      ow_first = std::max<int64_t>(0, (g.pad_before[2] + s - 1) / s);
      ow_last = top < 0 ? -1 : top / s;
    } else {  // every column's window starts at −pad
      const bool inside = g.pad_before[2] <= 0 && top >= 0;
      ow_first = inside ? 0 : 1;
      ow_last = inside ? g.out_shape[2] : 0;
    }
    w_step = s * C;
    offsets_known = taps <= 64;
    if (offsets_known) {
      int64_t t = 0;
      for (int64_t a = 0; a < p.kernel_shape[0]; a++) {
        for (int64_t b = 0; b < p.kernel_shape[1]; b++) {
          for (int64_t c = 0; c < p.kernel_shape[2]; c++) {
            tap_offset[t++] =
                ((a * p.dilations[0] * p.in_shape[1] + b * p.dilations[1]) * p.in_shape[2] +
                 c * p.dilations[2]) * C;
          }
        }
      }
    }
  }

  bool pointwise() const {
    for (int i = 0; i < 3; i++) {
      if (p.strides[i] != 1 || p.pad_before[i] != 0 || p.in_shape[i] != p.out_shape[i]) {
        return false;
      }
    }
    return taps == 1;
  }
  bool direct() const { return G > 1 && Cg * Og < kDirectLimit; }
  int64_t block() const {
    return std::max<int64_t>(1, std::min(rows, kColBlock / std::max<int64_t>(K, 1)));
  }

  // The kernel taps of output row r that land inside the input: tap[t] is the tap's index in
  // (kd, kh, kw) order, src[t] the flat offset (pixel index × C) of the input pixel it reads.
  int64_t row_taps(int64_t r, int64_t* tap, int64_t* src) const {
    const int64_t ow = r % p.out_shape[2];
    r /= p.out_shape[2];
    const int64_t oh = r % p.out_shape[1];
    r /= p.out_shape[1];
    const int64_t od = r % p.out_shape[0];
    const int64_t n = r / p.out_shape[0];
    const int64_t d0 = od * p.strides[0] - p.pad_before[0];
    const int64_t h0 = oh * p.strides[1] - p.pad_before[1];
    const int64_t w0 = ow * p.strides[2] - p.pad_before[2];
    int64_t count = 0;
    for (int64_t a = 0; a < p.kernel_shape[0]; a++) {
      const int64_t id = d0 + a * p.dilations[0];
      if (id < 0 || id >= p.in_shape[0]) continue;
      for (int64_t b = 0; b < p.kernel_shape[1]; b++) {
        const int64_t ih = h0 + b * p.dilations[1];
        if (ih < 0 || ih >= p.in_shape[1]) continue;
        const int64_t pixel_row = ((n * p.in_shape[0] + id) * p.in_shape[1] + ih) * p.in_shape[2];
        for (int64_t c = 0; c < p.kernel_shape[2]; c++) {
          const int64_t iw = w0 + c * p.dilations[2];
          if (iw < 0 || iw >= p.in_shape[2]) continue;
          tap[count] = (a * p.kernel_shape[1] + b) * p.kernel_shape[2] + c;
          src[count++] = (pixel_row + iw) * C;
        }
      }
    }
    return count;
  }
};

// Walks output rows in order without dividing at each step.
struct RowCursor {
  const Geo& g;
  int64_t n = 0, od = 0, oh = 0, ow = 0;
  // Per output line (n, od, oh): whether its windows lie inside the input along d and h, and the
  // flat offset of its (possibly out-of-range) first window's corner.
  bool line_inside = false;
  int64_t line_base = 0;

  RowCursor(const Geo& geo, int64_t r) : g(geo) {
    const ConvParams& p = g.p;
    ow = r % p.out_shape[2];
    r /= p.out_shape[2];
    oh = r % p.out_shape[1];
    r /= p.out_shape[1];
    od = r % p.out_shape[0];
    n = r / p.out_shape[0];
    new_line();
  }

  void next() {
    const ConvParams& p = g.p;
    if (++ow < p.out_shape[2]) return;
    ow = 0;
    if (++oh >= p.out_shape[1]) {
      oh = 0;
      if (++od >= p.out_shape[0]) {
        od = 0;
        n++;
      }
    }
    new_line();
  }

  void new_line() {
    const ConvParams& p = g.p;
    const int64_t d0 = od * p.strides[0] - p.pad_before[0];
    const int64_t h0 = oh * p.strides[1] - p.pad_before[1];
    line_inside = g.offsets_known && d0 >= 0 && h0 >= 0 &&
                  d0 + (p.kernel_shape[0] - 1) * p.dilations[0] < p.in_shape[0] &&
                  h0 + (p.kernel_shape[1] - 1) * p.dilations[1] < p.in_shape[1];
    line_base =
        (((n * p.in_shape[0] + d0) * p.in_shape[1] + h0) * p.in_shape[2] - p.pad_before[2]) * g.C;
  }

  // The flat offset of the current row's first tap when the whole window lies inside the input
  // (its taps then read base + tap_offset[t]), else -1.
  int64_t window_base() const {
    if (!line_inside || ow < g.ow_first || ow > g.ow_last) return -1;
    return line_base + ow * g.w_step;
  }

  // src[t] = the flat offset (pixel index × C) that tap t of the current row reads, for every tap
  // in (kd, kh, kw) order, or -1 where the tap falls into padding.
  void sources(int64_t* src) const {
    const ConvParams& p = g.p;
    const int64_t d0 = od * p.strides[0] - p.pad_before[0];
    const int64_t h0 = oh * p.strides[1] - p.pad_before[1];
    const int64_t w0 = ow * p.strides[2] - p.pad_before[2];
    const int64_t base = window_base();
    if (base >= 0) {
      for (int64_t t = 0; t < g.taps; t++) src[t] = base + g.tap_offset[t];
      return;
    }
    int64_t t = 0;
    for (int64_t a = 0; a < p.kernel_shape[0]; a++) {
      const int64_t id = d0 + a * p.dilations[0];
      for (int64_t b = 0; b < p.kernel_shape[1]; b++) {
        const int64_t ih = h0 + b * p.dilations[1];
        const bool row_in = id >= 0 && id < p.in_shape[0] && ih >= 0 && ih < p.in_shape[1];
        const int64_t pixel_row = ((n * p.in_shape[0] + id) * p.in_shape[1] + ih) * p.in_shape[2];
        for (int64_t c = 0; c < p.kernel_shape[2]; c++, t++) {
          const int64_t iw = w0 + c * p.dilations[2];
          src[t] = row_in && iw >= 0 && iw < p.in_shape[2] ? (pixel_row + iw) * g.C : -1;
        }
      }
    }
  }
};

// The fused epilogue of convBias (conv.cc): rows [rows, O] of the output += bias (when given),
// then relu (v ≤ 0 → +0, NaN kept, as the unary relu) when `relu`.
template <class T>
struct Epilogue {
  const T* bias = nullptr;
  bool relu = false;
};
// bias-relu.cc: out = relu?(x + bias) over rows [rows, n] (out may be x), threaded on the pool.
void bias_relu_rows(const float* x, float* out, int64_t rows, int64_t n, const float* bias,
                    bool relu);
void bias_relu_rows(const double* x, double* out, int64_t rows, int64_t n, const double* bias,
                    bool relu);

// conv-tiled.cc: the float32 kernels over the 6 × 16 register tiles. Each returns false when it
// does not take the case (the caller then runs the general path).
bool tiled_forward(const float* x, const float* w, float* out, const Geo& g,
                   const Epilogue<float>& e);
bool tiled_backprop_input(const float* dy, const float* w, float* dx, const Geo& g);
bool tiled_backprop_filter(const float* x, const float* dy, float* dw, const Geo& g);

}  // namespace strata
