// float32 convolutions on the 6 × 16 register tiles of tile-gemm.h, threaded on our pool with no
// BLAS call (so no second thread pool competes for the cores), and without materialising the
// im2col matrix where it can be avoided:
//   forward      y tile [6 rows, 16 out channels]: each row reads its taps in place (a padded tap
//                reads a run of zeros), against the kernel packed in 16-column panels.
//   input grad   dcol tile [6 rows, K] = dy tile · w_gᵀ, added straight into dx. Threads split
//                images, so no two threads add into one pixel.
//   filter grad  dw tile [6 of K, 16 out channels] += colᵀ · dy over a chunk of rows, col being a
//                small per-thread im2col of the chunk; each thread sums its rows into its own copy
//                of dw and the copies are added at the end.

#include <atomic>
#include <vector>

#include "conv-geometry.h"
#include "thread-pool.h"
#include "tile-gemm.h"

namespace strata {
namespace {

constexpr int64_t R = kTileRows;
constexpr int64_t N = kTileCols;

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// body(q, begin, end) over [0, n) in pieces of `piece` that the pool's threads take in turn from a
// shared counter; q (< num_threads()) names the thread's slot for per-thread state. A thread the
// OS has parked (the cores are shared) then holds back one piece, not a fixed half of the work.
template <class F>
void dynamic_for(int64_t n, int64_t piece, F&& body) {
  const int64_t pieces = ceil_div(n, std::max<int64_t>(piece, 1));
  std::atomic<int64_t> next{0};
  parallel_for(std::min<int64_t>(num_threads(), pieces), 1, [&](int64_t q, int64_t) {
    for (int64_t c; (c = next.fetch_add(1)) < pieces;) {
      body(q, c * piece, std::min(n, (c + 1) * piece));
    }
  });
}

// body(q, begin, end) over [0, n) in pieces of `piece`, piece c always in slot c % slots and
// each slot's pieces in order: per-slot sums then come out the same whatever the scheduling
// (bit-identical runs), at the cost of a parked thread holding back its slot's share.
template <class F>
void slotted_for(int64_t n, int64_t piece, int64_t slots, F&& body) {
  const int64_t pieces = ceil_div(n, std::max<int64_t>(piece, 1));
  parallel_for(slots, 1, [&](int64_t begin, int64_t end) {
    for (int64_t q = begin; q < end; q++) {
      for (int64_t c = q; c < pieces; c += slots) body(q, c * piece, std::min(n, (c + 1) * piece));
    }
  });
}

inline void add_run(float* to, const float* from, int64_t n) {
  for (int64_t c = 0; c < n; c++) to[c] += from[c];
}

inline void copy_run(float* to, const float* from, int64_t n) {
  for (int64_t c = 0; c < n; c++) to[c] = from[c];
}

// A per-thread buffer of at least n floats, kept between calls (slot picks one of a few).
float* scratch(int slot, int64_t n) {
  thread_local std::vector<float> buffers[3];
  std::vector<float>& b = buffers[slot];
  if (static_cast<int64_t>(b.size()) < n) b.resize(static_cast<size_t>(n));
  return b.data();
}

// The runs of consecutive input values a row reads when its window lies inside the input,
// relative to RowCursor::window_base(): one run of Cg values per tap or, with one group and no
// dilation along w, one run of kw·C values per (kd, kh) — in either case in K's order.
struct Runs {
  int64_t count = 0, len = 0;
  int64_t offset[64];

  explicit Runs(const Geo& g) {
    if (!g.offsets_known) return;
    const int64_t kw = g.p.kernel_shape[2];
    const bool merge = g.G == 1 && g.p.dilations[2] == 1;
    count = merge ? g.taps / kw : g.taps;
    len = merge ? kw * g.C : g.Cg;
    for (int64_t s = 0; s < count; s++) offset[s] = g.tap_offset[merge ? s * kw : s];
  }
};

// One tile's rows: base[i] = window_base() of row i when every row's window is inside the input
// (`inside`), else src[i · taps + t] = sources of tap t. Rows past mr repeat the last row.
struct TileRows {
  bool inside;
  int64_t base[R];
  std::vector<int64_t> src;

  explicit TileRows(const Geo& g) : src(static_cast<size_t>(R * g.taps)) {}

  void read(RowCursor& cur, const Geo& g, int64_t mr) {
    const RowCursor start = cur;
    inside = true;
    for (int64_t i = 0; i < mr; i++, cur.next()) {
      base[i] = cur.window_base();
      inside = inside && base[i] >= 0;
    }
    for (int64_t i = mr; i < R; i++) base[i] = base[mr - 1];
    if (inside) return;
    RowCursor at = start;
    for (int64_t i = 0; i < R; i++) {
      int64_t* s = src.data() + i * g.taps;
      if (i < mr) {
        at.sources(s);
        at.next();
      } else {
        std::copy(src.data() + (mr - 1) * g.taps, src.data() + mr * g.taps, s);
      }
    }
  }
};

}  // namespace

bool tiled_forward(const float* x, const float* w, float* out, const Geo& g,
                   const Epilogue<float>& e) {
  const TileKernels& tk = tile_kernels();
  const int64_t panels = ceil_div(g.Og, N);
  // bp[grp][panel][k][16] = w[k, grp·Og + panel·16 + j], zero past the group's last column.
  std::vector<float> bp(static_cast<size_t>(g.G * panels * g.K * N), 0.0f);
  for (int64_t grp = 0; grp < g.G; grp++) {
    for (int64_t j = 0; j < panels; j++) {
      const int64_t cols = std::min(N, g.Og - j * N);
      float* to = bp.data() + (grp * panels + j) * g.K * N;
      for (int64_t k = 0; k < g.K; k++) {
        const float* from = w + k * g.O + grp * g.Og + j * N;
        for (int64_t c = 0; c < cols; c++) to[k * N + c] = from[c];
      }
    }
  }
  const std::vector<float> zeros(static_cast<size_t>(g.Cg), 0.0f);
  const int64_t tiles = ceil_div(g.rows, R);
  // Pieces of about 2^19 multiply-adds (some 8–20 µs), at least one tile.
  const int64_t piece = std::max<int64_t>(1, (1 << 19) / std::max<int64_t>(R * g.K * g.O, 1));
  const Runs runs(g);
  dynamic_for(tiles, piece, [&](int64_t, int64_t begin, int64_t end) {
    TileRows rows(g);
    std::vector<const float*> ptr(static_cast<size_t>(R * g.taps));
    RowCursor cur(g, begin * R);
    for (int64_t tile = begin; tile < end; tile++) {
      const int64_t r0 = tile * R, mr = std::min(R, g.rows - r0);
      rows.read(cur, g, mr);
      for (int64_t grp = 0; grp < g.G; grp++) {
        const float* xg = x + grp * g.Cg;
        int64_t segments = g.taps, len = g.Cg;
        if (rows.inside) {
          segments = runs.count;
          len = runs.len;
          for (int64_t s = 0; s < segments; s++) {
            for (int64_t i = 0; i < R; i++) ptr[s * R + i] = xg + rows.base[i] + runs.offset[s];
          }
        } else {
          for (int64_t t = 0; t < g.taps; t++) {
            for (int64_t i = 0; i < R; i++) {
              const int64_t at = rows.src[i * g.taps + t];
              ptr[t * R + i] = at < 0 ? zeros.data() : xg + at;
            }
          }
        }
        for (int64_t j = 0; j < panels; j++) {
          const int64_t col = grp * g.Og + j * N;
          tk.rows(segments, len, ptr.data(), bp.data() + (grp * panels + j) * g.K * N,
                  out + r0 * g.O + col, g.O, mr, std::min(N, g.Og - j * N), false,
                  e.bias ? e.bias + col : nullptr, e.relu);
        }
      }
    }
  });
  return true;
}

bool tiled_backprop_input(const float* dy, const float* w, float* dx, const Geo& g) {
  // Threads split images; with fewer images than threads the BLAS path spreads the work better.
  if (g.p.batch < num_threads()) return false;
  const TileKernels& tk = tile_kernels();
  const int64_t panels = ceil_div(g.K, N), Kp = panels * N;
  // bp[grp][panel][o][16] = w[panel·16 + j, grp·Og + o] (w_gᵀ by 16-row panels), zero past K.
  std::vector<float> bp(static_cast<size_t>(g.G * panels * g.Og * N), 0.0f);
  for (int64_t grp = 0; grp < g.G; grp++) {
    for (int64_t j = 0; j < panels; j++) {
      float* to = bp.data() + (grp * panels + j) * g.Og * N;
      for (int64_t c = 0; c < std::min(N, g.K - j * N); c++) {
        const float* from = w + (j * N + c) * g.O + grp * g.Og;
        for (int64_t o = 0; o < g.Og; o++) to[o * N + c] = from[o];
      }
    }
  }
  const Runs runs(g);
  const int64_t image = g.p.in_shape[0] * g.p.in_shape[1] * g.p.in_shape[2] * g.C;
  dynamic_for(g.p.batch, 1, [&](int64_t, int64_t begin, int64_t end) {
    std::fill(dx + begin * image, dx + end * image, 0.0f);
    float* dcol = scratch(0, R * Kp);
    TileRows rows(g);
    const float* ptr[R];
    RowCursor cur(g, begin * g.per_image);
    const int64_t last = end * g.per_image;
    for (int64_t r0 = begin * g.per_image; r0 < last; r0 += R) {
      const int64_t mr = std::min(R, last - r0);
      rows.read(cur, g, mr);
      for (int64_t grp = 0; grp < g.G; grp++) {
        for (int64_t i = 0; i < R; i++) ptr[i] = dy + (r0 + std::min(i, mr - 1)) * g.O + grp * g.Og;
        for (int64_t j = 0; j < panels; j++) {
          tk.rows(1, g.Og, ptr, bp.data() + (grp * panels + j) * g.Og * N, dcol + j * N, Kp, mr,
                  N, false, nullptr, false);
        }
        // col2im for the tile: every run of the patch goes back to the values it was read from.
        float* dxg = dx + grp * g.Cg;
        for (int64_t i = 0; i < mr; i++) {
          const float* row = dcol + i * Kp;
          if (rows.inside) {
            for (int64_t s = 0; s < runs.count; s++) {
              add_run(dxg + rows.base[i] + runs.offset[s], row + s * runs.len, runs.len);
            }
            continue;
          }
          for (int64_t t = 0; t < g.taps; t++) {
            const int64_t at = rows.src[i * g.taps + t];
            if (at >= 0) add_run(dxg + at, row + t * g.Cg, g.Cg);
          }
        }
      }
    }
  });
  return true;
}

bool tiled_backprop_filter(const float* x, const float* dy, float* dw, const Geo& g) {
  const TileKernels& tk = tile_kernels();
  const int64_t size = g.K * g.O;
  // Rows per chunk: each product sums over the chunk's rows, so enough of them to amortise a
  // tile's loads and stores; col (chunk × K) about 256 KB at most, above 32 rows.
  const int64_t chunk = std::clamp<int64_t>((1 << 16) / std::max<int64_t>(g.K, 1), 32, 128);
  const int64_t parts = std::min<int64_t>(num_threads(), ceil_div(g.rows, chunk));
  const int64_t panels = ceil_div(g.Og, N), k_tiles = ceil_div(g.K, R);
  // Thread slot q sums its chunks into dw (q = 0) or its own copy, added at the end.
  std::vector<float> others(static_cast<size_t>((parts - 1) * size), 0.0f);
  const Runs runs(g);
  slotted_for(g.rows, chunk, parts, [&](int64_t q, int64_t r0, int64_t r1) {
    // col rows of K values, plus slack: a k tile past K reads up to 5 values beyond a row.
    float* col = scratch(0, chunk * g.K + R);
    float* tail = scratch(1, chunk * N);
    std::vector<int64_t> base(static_cast<size_t>(chunk));
    std::vector<int64_t> src(static_cast<size_t>(chunk * g.taps));
    float* acc = q == 0 ? dw : others.data() + (q - 1) * size;
    RowCursor cur(g, r0);
    const int64_t rc = r1 - r0;
    for (int64_t i = 0; i < rc; i++, cur.next()) {
      base[i] = cur.window_base();
      if (base[i] < 0) cur.sources(src.data() + i * g.taps);
    }
    for (int64_t grp = 0; grp < g.G; grp++) {
      // col [rc, K] for this group: the chunk's patches, zero where a tap hits padding.
      const float* xg = x + grp * g.Cg;
      for (int64_t i = 0; i < rc; i++) {
        float* row = col + i * g.K;
        if (base[i] >= 0) {
          for (int64_t s = 0; s < runs.count; s++) {
            copy_run(row + s * runs.len, xg + base[i] + runs.offset[s], runs.len);
          }
          continue;
        }
        for (int64_t t = 0; t < g.taps; t++) {
          const int64_t at = src[i * g.taps + t];
          if (at < 0) {
            std::fill(row + t * g.Cg, row + (t + 1) * g.Cg, 0.0f);
          } else {
            copy_run(row + t * g.Cg, xg + at, g.Cg);
          }
        }
      }
      // B: dy's 16 columns of each panel read in place, but the last, narrower panel copied
      // into a zero-padded [rc, 16] block.
      const float* dyg = dy + r0 * g.O + grp * g.Og;
      const int64_t last_nr = g.Og - (panels - 1) * N;
      if (last_nr < N) {
        const float* b = dyg + (panels - 1) * N;
        for (int64_t i = 0; i < rc; i++) {
          std::fill(tail + i * N, tail + (i + 1) * N, 0.0f);
          std::copy(b + i * g.O, b + i * g.O + last_nr, tail + i * N);
        }
      }
      // A tile (rc rows of 6 col values) stays in L1 while it meets every panel of B.
      for (int64_t kt = 0; kt < k_tiles; kt++) {
        const int64_t k0 = kt * R, mr = std::min(R, g.K - k0);
        float* acc_k = acc + k0 * g.O + grp * g.Og;
        for (int64_t j = 0; j < panels; j++) {
          const bool narrow = j == panels - 1 && last_nr < N;
          tk.strided(rc, col + k0, g.K, narrow ? tail : dyg + j * N, narrow ? N : g.O,
                     acc_k + j * N, g.O, mr, narrow ? last_nr : N, true);
        }
      }
    }
  });
  if (parts > 1) {
    parallel_for(size, 4096, [&](int64_t begin, int64_t end) {
      for (int64_t q = 1; q < parts; q++) {
        const float* part = others.data() + (q - 1) * size;
        for (int64_t i = begin; i < end; i++) dw[i] += part[i];
      }
    });
  }
  return true;
}

}  // namespace strata
