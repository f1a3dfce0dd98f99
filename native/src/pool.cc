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
  const PoolGeometry& p;
  int64_t per_image;

  explicit Window(const PoolGeometry& g) : p(g), per_image(g.out[0] * g.out[1] * g.out[2]) {}

  int64_t pixels() const { return p.batch * per_image; }

  // Flat offsets (input pixel index × C) of the cells that output pixel o's window covers,
  // in (d, h, w) order; returns how many.
  int64_t cells(int64_t o, int64_t* out) const {
    const int64_t ow = o % p.out[2];
    o /= p.out[2];
    const int64_t oh = o % p.out[1];
    o /= p.out[1];
    const int64_t od = o % p.out[0];
    const int64_t n = o / p.out[0];
    const int64_t d0 = od * p.strides[0] - p.pad[0];
    const int64_t h0 = oh * p.strides[1] - p.pad[1];
    const int64_t w0 = ow * p.strides[2] - p.pad[2];
    const int64_t d1 = std::min(d0 + p.window[0], p.in[0]);
    const int64_t h1 = std::min(h0 + p.window[1], p.in[1]);
    const int64_t w1 = std::min(w0 + p.window[2], p.in[2]);
    int64_t count = 0;
    for (int64_t id = std::max<int64_t>(d0, 0); id < d1; id++) {
      for (int64_t ih = std::max<int64_t>(h0, 0); ih < h1; ih++) {
        const int64_t row = ((n * p.in[0] + id) * p.in[1] + ih) * p.in[2];
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

// The first largest value wins; NaN beats every number (and the first NaN stays).
template <class T>
void max_pool_loop(const T* x, T* out, int32_t* argmax, const Window& win) {
  const int64_t C = win.p.channels;
  parallel_for(win.pixels(), win.grain(), [&](int64_t begin, int64_t end) {
    std::vector<int64_t> cells(static_cast<size_t>(win.window_size()));
    for (int64_t o = begin; o < end; o++) {
      const int64_t count = win.cells(o, cells.data());
      T* best = out + o * C;
      int32_t* at = argmax + o * C;
      if (count == 0) {
        std::fill(best, best + C, -std::numeric_limits<T>::infinity());
        std::fill(at, at + C, -1);
        continue;
      }
      for (int64_t c = 0; c < C; c++) {
        best[c] = x[cells[0] + c];
        at[c] = static_cast<int32_t>(cells[0] + c);
      }
      for (int64_t k = 1; k < count; k++) {
        const T* src = x + cells[k];
        for (int64_t c = 0; c < C; c++) {
          const T v = src[c];
          if (v > best[c] || (v != v && best[c] == best[c])) {
            best[c] = v;
            at[c] = static_cast<int32_t>(cells[k] + c);
          }
        }
      }
    }
  });
}

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
  const PoolGeometry& p = win.p;
  const int64_t C = p.channels;
  std::fill(dx, dx + p.batch * p.in[0] * p.in[1] * p.in[2] * C, T(0));
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

bool max_pool(const Buf& x, const Buf& out, int32_t* argmax, const PoolGeometry& p) {
  if (x.dtype != out.dtype) return false;
  return visit_float(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    max_pool_loop(as<T>(x), as<T>(out), argmax, Window(p));
    return true;
  });
}

bool avg_pool(const Buf& x, const Buf& out, const PoolGeometry& p) {
  if (x.dtype != out.dtype) return false;
  return visit_float(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    avg_pool_loop(as<T>(x), as<T>(out), Window(p));
    return true;
  });
}

bool avg_pool_backprop(const Buf& dy, const Buf& dx, const PoolGeometry& p) {
  if (dy.dtype != dx.dtype) return false;
  return visit_float(dx.dtype, [&](auto tag) {
    using T = decltype(tag);
    avg_pool_backprop_loop(as<T>(dy), as<T>(dx), Window(p));
    return true;
  });
}

}  // namespace strata
