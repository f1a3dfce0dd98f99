// Convolution over NDHWC tensors as matrix products, like the reference (src/backend/ts/conv.ts).
// Each output pixel ("row" = batch × output position) reads K = taps · Cg input values per group;
// side by side these patches form col [rows, K], and per group g (w_g = columns g·Og… of w [K, O],
// reached through BLAS's leading dimension, no copy):
//   forward      y_g  = col · w_g
//   input grad   dcol = dy_g · w_gᵀ, scattered back into dx (col2im)
//   filter grad  dw_g = colᵀ · dy_g
// float32 runs on the register-tiled kernels of conv-tiled.cc (no BLAS, no full im2col). The
// path here serves float64, pointwise convolutions and the input gradient of a batch smaller
// than the thread count: rows go in blocks so col stays bounded; im2col / col2im run on the pool
// and the products on the pool. Groups too small for a useful product (depthwise above
// all) run direct loops.

#include <vector>

#include "conv-geometry.h"
#include "kernels.h"
#include "thread-pool.h"

namespace strata {
namespace {

// col[r - r0, tap·Cg + c] = x[pixel(r, tap), group·Cg + c]; zero where the tap hits padding.
template <class T>
void im2col(const T* x, T* col, const Geo& g, int64_t group, int64_t r0, int64_t r1) {
  parallel_for(r1 - r0, std::max<int64_t>(1, 4096 / std::max<int64_t>(g.K, 1)),
               [&](int64_t begin, int64_t end) {
                 std::vector<int64_t> tap(g.taps), src(g.taps);
                 for (int64_t i = begin; i < end; i++) {
                   T* row = col + i * g.K;
                   std::fill(row, row + g.K, T(0));
                   const int64_t count = g.row_taps(r0 + i, tap.data(), src.data());
                   for (int64_t t = 0; t < count; t++) {
                     std::memcpy(row + tap[t] * g.Cg, x + src[t] + group * g.Cg,
                                 static_cast<size_t>(g.Cg) * sizeof(T));
                   }
                 }
               });
}

// The adjoint of im2col. Rows of one image add into shared pixels, so tasks split images and
// channel slices, never rows of one image.
template <class T>
void col2im(const T* dcol, T* dx, const Geo& g, int64_t group, int64_t r0, int64_t r1) {
  const int64_t first = r0 / g.per_image, last = (r1 - 1) / g.per_image;
  const int64_t images = last - first + 1;
  const int64_t slices = std::min<int64_t>(num_threads(), (g.Cg + 15) / 16);
  parallel_for(images * slices, 1, [&](int64_t begin, int64_t end) {
    std::vector<int64_t> tap(g.taps), src(g.taps);
    for (int64_t task = begin; task < end; task++) {
      const int64_t n = first + task / slices, s = task % slices;
      const int64_t c0 = g.Cg * s / slices, c1 = g.Cg * (s + 1) / slices;
      const int64_t lo = std::max(r0, n * g.per_image), hi = std::min(r1, (n + 1) * g.per_image);
      for (int64_t r = lo; r < hi; r++) {
        const T* row = dcol + (r - r0) * g.K;
        const int64_t count = g.row_taps(r, tap.data(), src.data());
        for (int64_t t = 0; t < count; t++) {
          T* to = dx + src[t] + group * g.Cg;
          const T* from = row + tap[t] * g.Cg;
          for (int64_t c = c0; c < c1; c++) to[c] += from[c];
        }
      }
    }
  });
}

// ---------------------------------------------------------------- direct loops for small groups
// w is [taps, Cg, O]: tap t, in-channel ci of group grp, out-channel o of the group sits at
// (t·Cg + ci)·O + grp·Og + o.

template <class T>
void direct_forward(const T* x, const T* w, T* out, const Geo& g) {
  parallel_for(g.rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(g.taps * g.O, 1)),
               [&](int64_t begin, int64_t end) {
                 std::vector<int64_t> tap(g.taps), src(g.taps);
                 for (int64_t r = begin; r < end; r++) {
                   T* o_row = out + r * g.O;
                   const int64_t count = g.row_taps(r, tap.data(), src.data());
                   for (int64_t t = 0; t < count; t++) {
                     const T* xp = x + src[t];
                     const T* wt = w + tap[t] * g.Cg * g.O;
                     if (g.Cg == 1 && g.Og == 1) {
                       // Depthwise: channel j reads input channel j, one multiply-add per lane.
                       for (int64_t j = 0; j < g.O; j++) o_row[j] += xp[j] * wt[j];
                       continue;
                     }
                     for (int64_t grp = 0; grp < g.G; grp++) {
                       for (int64_t ci = 0; ci < g.Cg; ci++) {
                         const T xv = xp[grp * g.Cg + ci];
                         const T* wr = wt + ci * g.O + grp * g.Og;
                         T* oo = o_row + grp * g.Og;
                         for (int64_t o = 0; o < g.Og; o++) oo[o] += xv * wr[o];
                       }
                     }
                   }
                 }
               });
}

// dx[pixel, grp·Cg + ci] += Σ_o dy[r, grp·Og + o] · w[tap, ci, grp·Og + o]; one task per image.
template <class T>
void direct_backprop_input(const T* dy, const T* w, T* dx, const Geo& g) {
  parallel_for(g.p.batch, 1, [&](int64_t begin, int64_t end) {
    std::vector<int64_t> tap(g.taps), src(g.taps);
    for (int64_t r = begin * g.per_image; r < end * g.per_image; r++) {
      const T* d_row = dy + r * g.O;
      const int64_t count = g.row_taps(r, tap.data(), src.data());
      for (int64_t t = 0; t < count; t++) {
        T* xp = dx + src[t];
        const T* wt = w + tap[t] * g.Cg * g.O;
        if (g.Cg == 1 && g.Og == 1) {
          // Depthwise: channel j takes dy's channel j times its own weight; one lane per channel
          // (the same products and sums as the loop below, vectorized across channels).
          for (int64_t j = 0; j < g.O; j++) xp[j] += d_row[j] * wt[j];
          continue;
        }
        for (int64_t grp = 0; grp < g.G; grp++) {
          for (int64_t ci = 0; ci < g.Cg; ci++) {
            const T* wr = wt + ci * g.O + grp * g.Og;
            const T* dd = d_row + grp * g.Og;
            T acc = 0;
            for (int64_t o = 0; o < g.Og; o++) acc += dd[o] * wr[o];
            xp[grp * g.Cg + ci] += acc;
          }
        }
      }
    }
  });
}

// dw[tap, ci, grp·Og + o] += x[pixel, grp·Cg + ci] · dy[r, grp·Og + o]. Every row adds into the
// whole of dw, so each task sums its rows into a private double copy, and the copies are added.
template <class T>
void direct_backprop_filter(const T* x, const T* dy, T* dw, const Geo& g) {
  const int64_t size = g.taps * g.Cg * g.O;
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>(num_threads(), g.rows / 64));
  std::vector<std::vector<double>> partial(static_cast<size_t>(parts));
  parallel_for(parts, 1, [&](int64_t begin, int64_t end) {
    std::vector<int64_t> tap(g.taps), src(g.taps);
    for (int64_t q = begin; q < end; q++) {
      std::vector<double>& acc = partial[q];
      acc.assign(static_cast<size_t>(size), 0.0);
      for (int64_t r = g.rows * q / parts; r < g.rows * (q + 1) / parts; r++) {
        const T* d_row = dy + r * g.O;
        const int64_t count = g.row_taps(r, tap.data(), src.data());
        for (int64_t t = 0; t < count; t++) {
          const T* xp = x + src[t];
          double* at = acc.data() + tap[t] * g.Cg * g.O;
          if (g.Cg == 1 && g.Og == 1) {
            // Depthwise: dw[tap, j] gathers x's channel j times dy's channel j, across channels.
            for (int64_t j = 0; j < g.O; j++) {
              at[j] += static_cast<double>(xp[j]) * static_cast<double>(d_row[j]);
            }
            continue;
          }
          for (int64_t grp = 0; grp < g.G; grp++) {
            for (int64_t ci = 0; ci < g.Cg; ci++) {
              const double xv = static_cast<double>(xp[grp * g.Cg + ci]);
              double* ar = at + ci * g.O + grp * g.Og;
              const T* dd = d_row + grp * g.Og;
              for (int64_t o = 0; o < g.Og; o++) ar[o] += xv * static_cast<double>(dd[o]);
            }
          }
        }
      }
    }
  });
  for (int64_t i = 0; i < size; i++) {
    double s = 0;
    for (int64_t q = 0; q < parts; q++) s += partial[q][i];
    dw[i] = static_cast<T>(s);
  }
}

// ---------------------------------------------------------------- the three kernels

// float32 takes the register-tiled kernels (conv-tiled.cc) unless the case is empty, depthwise-
// like (direct loops) or pointwise (one BLAS product with no im2col).
bool tiled(const Geo& g) {
  return g.rows > 0 && g.O > 0 && g.K > 0 && !g.direct() && !g.pointwise();
}

template <class T>
void conv_plain(const T* x, const T* w, T* out, const Geo& g);

template <class T>
void conv_forward(const T* x, const T* w, T* out, const Geo& g, const Epilogue<T>& e) {
  if constexpr (std::is_same_v<T, float>) {
    if (tiled(g) && tiled_forward(x, w, out, g, e)) return;
  }
  conv_plain(x, w, out, g);
  if (e.bias || e.relu) bias_relu_rows(out, out, g.rows, g.O, e.bias, e.relu);
}

template <class T>
void conv_plain(const T* x, const T* w, T* out, const Geo& g) {
  std::fill(out, out + g.rows * g.O, T(0));
  if (g.rows == 0 || g.O == 0 || g.K == 0) return;
  if (g.direct()) return direct_forward(x, w, out, g);
  if (g.pointwise()) {
    // Each group is [rows, Cg] · [Cg, Og], read in place through the leading dimensions.
    for (int64_t grp = 0; grp < g.G; grp++) {
      gemm(false, false, g.rows, g.Og, g.Cg, x + grp * g.Cg, g.C, w + grp * g.Og, g.O, T(0),
           out + grp * g.Og, g.O);
    }
    return;
  }
  const int64_t block = g.block();
  std::vector<T> col(static_cast<size_t>(block * g.K));
  for (int64_t r0 = 0; r0 < g.rows; r0 += block) {
    const int64_t r1 = std::min(g.rows, r0 + block);
    for (int64_t grp = 0; grp < g.G; grp++) {
      im2col(x, col.data(), g, grp, r0, r1);
      gemm(false, false, r1 - r0, g.Og, g.K, col.data(), g.K, w + grp * g.Og, g.O, T(0),
           out + r0 * g.O + grp * g.Og, g.O);
    }
  }
}

template <class T>
void conv_input_grad(const T* dy, const T* w, T* dx, const Geo& g) {
  if constexpr (std::is_same_v<T, float>) {
    if (tiled(g) && tiled_backprop_input(dy, w, dx, g)) return;
  }
  const ConvParams& p = g.p;
  std::fill(dx, dx + p.batch * p.in_shape[0] * p.in_shape[1] * p.in_shape[2] * g.C, T(0));
  if (g.rows == 0 || g.O == 0 || g.K == 0) return;
  if (g.direct()) return direct_backprop_input(dy, w, dx, g);
  if (g.pointwise()) {
    // dx_g [rows, Cg] = dy_g [rows, Og] · w_gᵀ, w_g stored [Cg, Og] with leading dimension O.
    for (int64_t grp = 0; grp < g.G; grp++) {
      gemm(false, true, g.rows, g.Cg, g.Og, dy + grp * g.Og, g.O, w + grp * g.Og, g.O, T(0),
           dx + grp * g.Cg, g.C);
    }
    return;
  }
  const int64_t block = g.block();
  std::vector<T> dcol(static_cast<size_t>(block * g.K));
  for (int64_t r0 = 0; r0 < g.rows; r0 += block) {
    const int64_t r1 = std::min(g.rows, r0 + block);
    for (int64_t grp = 0; grp < g.G; grp++) {
      // dcol [rows, K] = dy_g [rows, Og] · w_gᵀ, w_g stored [K, Og] (hence transB).
      gemm(false, true, r1 - r0, g.K, g.Og, dy + r0 * g.O + grp * g.Og, g.O, w + grp * g.Og, g.O,
           T(0), dcol.data(), g.K);
      col2im(dcol.data(), dx, g, grp, r0, r1);
    }
  }
}

template <class T>
void conv_filter_grad(const T* x, const T* dy, T* dw, const Geo& g) {
  std::fill(dw, dw + g.K * g.O, T(0));
  if constexpr (std::is_same_v<T, float>) {
    if (tiled(g) && tiled_backprop_filter(x, dy, dw, g)) return;
  }
  if (g.rows == 0 || g.O == 0 || g.K == 0) return;
  if (g.direct()) return direct_backprop_filter(x, dy, dw, g);
  if (g.pointwise()) {
    // dw_g [Cg, Og] = x_gᵀ · dy_g, x_g stored [rows, Cg] with leading dimension C.
    for (int64_t grp = 0; grp < g.G; grp++) {
      gemm(true, false, g.Cg, g.Og, g.rows, x + grp * g.Cg, g.C, dy + grp * g.Og, g.O, T(0),
           dw + grp * g.Og, g.O);
    }
    return;
  }
  const int64_t block = g.block();
  std::vector<T> col(static_cast<size_t>(block * g.K));
  for (int64_t r0 = 0; r0 < g.rows; r0 += block) {
    const int64_t r1 = std::min(g.rows, r0 + block);
    for (int64_t grp = 0; grp < g.G; grp++) {
      im2col(x, col.data(), g, grp, r0, r1);
      // dw_g [K, Og] += colᵀ · dy_g; col stored [rows, K] (hence transA), accumulated by beta = 1.
      gemm(true, false, g.K, g.Og, r1 - r0, col.data(), g.K, dy + r0 * g.O + grp * g.Og, g.O, T(1),
           dw + grp * g.Og, g.O);
    }
  }
}

}  // namespace

bool conv(const Buf& x, const Buf& w, const Buf& out, const ConvParams& p) {
  if (x.dtype != out.dtype || w.dtype != out.dtype) return false;
  return visit_float(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    conv_forward(as<T>(x), as<T>(w), as<T>(out), Geo(p), Epilogue<T>{});
    return true;
  });
}

bool conv_bias(const Buf& x, const Buf& w, const Buf* bias, const Buf& out, const ConvParams& p,
               bool relu) {
  if (x.dtype != out.dtype || w.dtype != out.dtype || (bias && bias->dtype != out.dtype)) {
    return false;
  }
  return visit_float(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    conv_forward(as<T>(x), as<T>(w), as<T>(out), Geo(p),
                 Epilogue<T>{bias ? as<T>(*bias) : nullptr, relu});
    return true;
  });
}

bool conv_backprop_input(const Buf& dy, const Buf& w, const Buf& dx, const ConvParams& p) {
  if (dy.dtype != dx.dtype || w.dtype != dx.dtype) return false;
  return visit_float(dx.dtype, [&](auto tag) {
    using T = decltype(tag);
    conv_input_grad(as<T>(dy), as<T>(w), as<T>(dx), Geo(p));
    return true;
  });
}

bool conv_backprop_filter(const Buf& x, const Buf& dy, const Buf& dw, const ConvParams& p) {
  if (x.dtype != dw.dtype || dy.dtype != dw.dtype) return false;
  return visit_float(dw.dtype, [&](auto tag) {
    using T = decltype(tag);
    conv_filter_grad(as<T>(x), as<T>(dy), as<T>(dw), Geo(p));
    return true;
  });
}

}  // namespace strata
