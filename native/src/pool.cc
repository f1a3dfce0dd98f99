// Pooling over NDHWC tensors, as the reference (src/backend/ts/pool.ts): each window is clipped
// to the input, so padded cells are never visited — they cannot win a max and do not count in a
// mean. Channels are the inner loop: every visited input pixel is one contiguous run of C values.

#include <limits>
#include <vector>

#include "kernels.h"
#include "thread-pool.h"

namespace strata {
namespace {

struct Window {
  const PoolParams& p;
  int64_t per_image;

  explicit Window(const PoolParams& g)
      : p(g), per_image(g.out_shape[0] * g.out_shape[1] * g.out_shape[2]) {}

  int64_t pixels() const { return p.batch * per_image; }

  // Flat offsets (input pixel index × C) of the cells that output pixel o's window covers,
  // in (d, h, w) order; returns how many.
  int64_t cells(int64_t o, int64_t* out) const {
    const int64_t ow = o % p.out_shape[2];
    o /= p.out_shape[2];
    const int64_t oh = o % p.out_shape[1];
    o /= p.out_shape[1];
    const int64_t od = o % p.out_shape[0];
    const int64_t n = o / p.out_shape[0];
    const int64_t d0 = od * p.strides[0] - p.pad_before[0];
    const int64_t h0 = oh * p.strides[1] - p.pad_before[1];
    const int64_t w0 = ow * p.strides[2] - p.pad_before[2];
    const int64_t d1 = std::min(d0 + p.window[0], p.in_shape[0]);
    const int64_t h1 = std::min(h0 + p.window[1], p.in_shape[1]);
    const int64_t w1 = std::min(w0 + p.window[2], p.in_shape[2]);
    int64_t count = 0;
    for (int64_t id = std::max<int64_t>(d0, 0); id < d1; id++) {
      for (int64_t ih = std::max<int64_t>(h0, 0); ih < h1; ih++) {
        const int64_t row = ((n * p.in_shape[0] + id) * p.in_shape[1] + ih) * p.in_shape[2];
        for (int64_t iw = std::max<int64_t>(w0, 0); iw < w1; iw++) {
          out[count++] = (row + iw) * p.channels;
        }
      }
    }
    return count;
  }

  int64_t window_size() const { return p.window[0] * p.window[1] * p.window[2]; }
  int64_t grain() const {
    return std::max<int64_t>(1, 8192 / std::max<int64_t>(window_size() * p.channels, 1));
  }
};

// ---------------------------------------------------------------- max pooling
// The first largest value wins; NaN beats every number (and the first NaN stays). The loops walk
// one output line (n, od, oh) per call, its window rows clipped once, and vectorise over channels.

// The input rows [d0, d1) × [h0, h1) that output line (n, od, oh) reads, and the line's offset.
struct Line {
  int64_t n, d0, d1, h0, h1;

  Line(const PoolParams& p, int64_t line) {
    const int64_t oh = line % p.out_shape[1];
    line /= p.out_shape[1];
    const int64_t od = line % p.out_shape[0];
    n = line / p.out_shape[0];
    d0 = od * p.strides[0] - p.pad_before[0];
    h0 = oh * p.strides[1] - p.pad_before[1];
    d1 = std::min(d0 + p.window[0], p.in_shape[0]);
    h1 = std::min(h0 + p.window[1], p.in_shape[1]);
    d0 = std::max<int64_t>(d0, 0);
    h0 = std::max<int64_t>(h0, 0);
  }
};

// Whether v replaces b as the running maximum.
template <class T>
inline bool beats(T v, T b) {
  return v > b || (v != v && b == b);
}

// One output line: out[ow, c] (and argmax[ow, c] when kArg) over the line's windows.
template <class T, bool kArg>
STRATA_SIMD_CLONES void max_pool_line(const T* x, T* out, int32_t* argmax, const PoolParams& p,
                                      const Line& l) {
  const int64_t C = p.channels;
  for (int64_t ow = 0; ow < p.out_shape[2]; ow++) {
    T* best = out + ow * C;
    int32_t* at = kArg ? argmax + ow * C : nullptr;
    const int64_t w0 = std::max<int64_t>(ow * p.strides[2] - p.pad_before[2], 0);
    const int64_t w1 = std::min(ow * p.strides[2] - p.pad_before[2] + p.window[2], p.in_shape[2]);
    bool first = true;
    for (int64_t id = l.d0; id < l.d1; id++) {
      for (int64_t ih = l.h0; ih < l.h1; ih++) {
        const int64_t row = ((l.n * p.in_shape[0] + id) * p.in_shape[1] + ih) * p.in_shape[2];
        for (int64_t iw = w0; iw < w1; iw++) {
          const int64_t cell = (row + iw) * C;
          const T* src = x + cell;
          const int32_t idx = static_cast<int32_t>(cell);
          if (first) {
            for (int64_t c = 0; c < C; c++) best[c] = src[c];
            if constexpr (kArg) {
              for (int64_t c = 0; c < C; c++) at[c] = idx + static_cast<int32_t>(c);
            }
            first = false;
            continue;
          }
          for (int64_t c = 0; c < C; c++) {
            const T v = src[c], b = best[c];
            const bool take = beats(v, b);
            best[c] = take ? v : b;
            if constexpr (kArg) at[c] = take ? idx + static_cast<int32_t>(c) : at[c];
          }
        }
      }
    }
    if (first) {
      std::fill(best, best + C, -std::numeric_limits<T>::infinity());
      if constexpr (kArg) std::fill(at, at + C, -1);
    }
  }
}

template <class T>
void max_pool_loop(const T* x, T* out, int32_t* argmax, const PoolParams& p) {
  const int64_t lines = p.batch * p.out_shape[0] * p.out_shape[1];
  const int64_t line_size = p.out_shape[2] * p.channels;
  const int64_t grain = std::max<int64_t>(
      1, 16384 / std::max<int64_t>(line_size * p.window[0] * p.window[1] * p.window[2], 1));
  parallel_for(lines, grain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) {
      const Line l(p, i);
      if (argmax) {
        max_pool_line<T, true>(x, out + i * line_size, argmax + i * line_size, p, l);
      } else {
        max_pool_line<T, false>(x, out + i * line_size, nullptr, p, l);
      }
    }
  });
}

// The adjoint: dx[i] = Σ dy[j] over the outputs j whose window holds i and whose winner is i.
// Every write is to a cell of the window being walked, so a stray argmax is simply never matched.
// Windows of one image only touch that image: tasks split images.
template <class T, bool kTiled>
STRATA_SIMD_CLONES void max_pool_backprop_line(const T* dy, const int32_t* argmax, T* dx,
                                               const PoolParams& p, const Line& l) {
  const int64_t C = p.channels;
  for (int64_t ow = 0; ow < p.out_shape[2]; ow++) {
    const T* g = dy + ow * C;
    const int32_t* at = argmax + ow * C;
    const int64_t w0 = std::max<int64_t>(ow * p.strides[2] - p.pad_before[2], 0);
    const int64_t w1 = std::min(ow * p.strides[2] - p.pad_before[2] + p.window[2], p.in_shape[2]);
    for (int64_t id = l.d0; id < l.d1; id++) {
      for (int64_t ih = l.h0; ih < l.h1; ih++) {
        const int64_t row = ((l.n * p.in_shape[0] + id) * p.in_shape[1] + ih) * p.in_shape[2];
        for (int64_t iw = w0; iw < w1; iw++) {
          const int64_t cell = (row + iw) * C;
          const int32_t idx = static_cast<int32_t>(cell);
          T* to = dx + cell;
          if constexpr (kTiled) {  // this window is the cell's only one: store, do not add
            for (int64_t c = 0; c < C; c++) {
              to[c] = at[c] == idx + static_cast<int32_t>(c) ? g[c] : T(0);
            }
          } else {
            for (int64_t c = 0; c < C; c++) {
              to[c] += at[c] == idx + static_cast<int32_t>(c) ? g[c] : T(0);
            }
          }
        }
      }
    }
  }
}

template <class T>
void max_pool_backprop_loop(const T* dy, const int32_t* argmax, T* dx, const PoolParams& p) {
  const int64_t image = p.in_shape[0] * p.in_shape[1] * p.in_shape[2] * p.channels;
  const int64_t lines = p.out_shape[0] * p.out_shape[1], line_size = p.out_shape[2] * p.channels;
  // Windows that tile the input exactly (stride = window, no padding, nothing left over) meet
  // every cell once: then each cell is stored, with no zero-fill pass first.
  bool tiled = true;
  for (int d = 0; d < 3; d++) {
    tiled = tiled && p.strides[d] == p.window[d] && p.pad_before[d] == 0 &&
            p.out_shape[d] * p.strides[d] == p.in_shape[d];
  }
  parallel_for(p.batch, 1, [&](int64_t begin, int64_t end) {
    if (!tiled) std::fill(dx + begin * image, dx + end * image, T(0));
    for (int64_t i = begin * lines; i < end * lines; i++) {
      const Line l(p, i);
      if (tiled) {
        max_pool_backprop_line<T, true>(dy + i * line_size, argmax + i * line_size, dx, p, l);
      } else {
        max_pool_backprop_line<T, false>(dy + i * line_size, argmax + i * line_size, dx, p, l);
      }
    }
  });
}

// ---------------------------------------------------------------- average pooling

// Mean over the cells inside the input, summed in double as the reference does.
template <class T>
void avg_pool_loop(const T* x, T* out, const Window& win) {
  const int64_t C = win.p.channels;
  parallel_for(win.pixels(), win.grain(), [&](int64_t begin, int64_t end) {
    std::vector<int64_t> cells(static_cast<size_t>(win.window_size()));
    std::vector<double> acc(static_cast<size_t>(C));
    for (int64_t o = begin; o < end; o++) {
      const int64_t count = win.cells(o, cells.data());
      std::fill(acc.begin(), acc.end(), 0.0);
      for (int64_t k = 0; k < count; k++) {
        const T* src = x + cells[k];
        for (int64_t c = 0; c < C; c++) acc[c] += static_cast<double>(src[c]);
      }
      const double inv = count > 0 ? 1.0 / static_cast<double>(count) : std::nan("");
      for (int64_t c = 0; c < C; c++) out[o * C + c] = static_cast<T>(acc[c] * inv);
    }
  });
}

// The adjoint of avgPool: each output gradient is spread evenly over the cells it averaged.
// Windows of one image overlap, so tasks split images and channel slices.
template <class T>
void avg_pool_backprop_loop(const T* dy, T* dx, const Window& win) {
  const PoolParams& p = win.p;
  const int64_t C = p.channels;
  std::fill(dx, dx + p.batch * p.in_shape[0] * p.in_shape[1] * p.in_shape[2] * C, T(0));
  const int64_t slices = std::min<int64_t>(num_threads(), (C + 15) / 16);
  parallel_for(p.batch * slices, 1, [&](int64_t begin, int64_t end) {
    std::vector<int64_t> cells(static_cast<size_t>(win.window_size()));
    for (int64_t task = begin; task < end; task++) {
      const int64_t n = task / slices, s = task % slices;
      const int64_t c0 = C * s / slices, c1 = C * (s + 1) / slices;
      for (int64_t o = n * win.per_image; o < (n + 1) * win.per_image; o++) {
        const int64_t count = win.cells(o, cells.data());
        if (count == 0) continue;
        const double inv = 1.0 / static_cast<double>(count);
        const T* g = dy + o * C;
        for (int64_t k = 0; k < count; k++) {
          T* dst = dx + cells[k];
          for (int64_t c = c0; c < c1; c++) {
            dst[c] = static_cast<T>(static_cast<double>(dst[c]) + static_cast<double>(g[c]) * inv);
          }
        }
      }
    }
  });
}

}  // namespace

bool max_pool(const Buf& x, const Buf& out, const Buf* argmax, const PoolParams& p) {
  if (x.dtype != out.dtype) return false;
  return visit_float(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    max_pool_loop(as<T>(x), as<T>(out), argmax ? as<int32_t>(*argmax) : nullptr, p);
    return true;
  });
}

bool max_pool_backprop(const Buf& dy, const Buf& argmax, const Buf& dx, const PoolParams& p) {
  if (dy.dtype != dx.dtype) return false;
  return visit_float(dx.dtype, [&](auto tag) {
    using T = decltype(tag);
    max_pool_backprop_loop(as<T>(dy), as<int32_t>(argmax), as<T>(dx), p);
    return true;
  });
}

bool avg_pool(const Buf& x, const Buf& out, const PoolParams& p) {
  if (x.dtype != out.dtype) return false;
  return visit_float(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    avg_pool_loop(as<T>(x), as<T>(out), Window(p));
    return true;
  });
}

bool avg_pool_backprop(const Buf& dy, const Buf& dx, const PoolParams& p) {
  if (dy.dtype != dx.dtype) return false;
  return visit_float(dx.dtype, [&](auto tag) {
    using T = decltype(tag);
    avg_pool_backprop_loop(as<T>(dy), as<T>(dx), Window(p));
    return true;
  });
}

}  // namespace strata
