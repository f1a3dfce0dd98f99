// Reductions over the middle axis of [outer, size, inner], prefix sums, and row sorts.
// Sums and products accumulate in double, as the reference does, so float32 results round once
// (int32 products wrap in int32 instead).

#include <limits>
#include <numeric>
#include <vector>

#include "kernels.h"
#include "thread-pool.h"

namespace strata {
namespace {

constexpr int64_t kGrain = 1 << 15;
// Columns handled together when inner > 1: one double accumulator row that stays in L1.
constexpr int64_t kBlock = 1024;

// max/min propagate NaN and keep the first of equal values, as the reference's strict compare.
template <class T>
inline bool beats(T v, T best, bool is_max) {
  return v != v || (is_max ? v > best : v < best);
}

template <class T>
double sum_run(const T* x, int64_t n) {
  // Four partial sums let the loop vectorise; in double the order does not show in the result.
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += static_cast<double>(x[i]);
    s1 += static_cast<double>(x[i + 1]);
    s2 += static_cast<double>(x[i + 2]);
    s3 += static_cast<double>(x[i + 3]);
  }
  for (; i < n; i++) s0 += static_cast<double>(x[i]);
  return (s0 + s1) + (s2 + s3);
}

// Reduces columns [i0, i1) of outer slice o.
template <class T, class O>
void reduce_block(ReduceOp op, const T* x, O* out, int64_t o, int64_t size, int64_t inner,
                  int64_t i0, int64_t i1) {
  const T* base = x + o * size * inner;
  O* dst = out + o * inner;
  const int64_t w = i1 - i0;
  if (size == 0) {
    // Empty axis: the identity of sum / prod; max / min read nothing (undefined → NaN in the
    // reference) and arg ops report position 0.
    double fill = op == ReduceOp::Sum ? 0.0 : op == ReduceOp::Prod ? 1.0
                  : (op == ReduceOp::Max || op == ReduceOp::Min) ? std::nan("") : 0.0;
    for (int64_t i = i0; i < i1; i++) dst[i] = store<O>(fill);
    return;
  }
  switch (op) {
    case ReduceOp::Sum:
    case ReduceOp::Prod: {
      const bool sum = op == ReduceOp::Sum;
      if constexpr (std::is_same_v<O, int32_t> && std::is_integral_v<T>) {
        if (!sum) {
          // An int32 product wraps at every step (the low 32 bits of the exact product, as the
          // reference): a double would lose the bits past 2^53 that the int32 result keeps.
          for (int64_t i = i0; i < i1; i++) {
            uint32_t acc = 1;
            for (int64_t s = 0; s < size; s++) {
              acc *= static_cast<uint32_t>(static_cast<int32_t>(base[s * inner + i]));
            }
            dst[i] = static_cast<int32_t>(acc);
          }
          return;
        }
      }
      if (inner == 1) {
        double acc = 1;
        if (sum) acc = sum_run(base, size);
        else for (int64_t s = 0; s < size; s++) acc *= static_cast<double>(base[s]);
        dst[0] = store<O>(acc);
        return;
      }
      double acc[kBlock];
      for (int64_t i = 0; i < w; i++) acc[i] = sum ? 0.0 : 1.0;
      for (int64_t s = 0; s < size; s++) {
        const T* row = base + s * inner + i0;
        if (sum) for (int64_t i = 0; i < w; i++) acc[i] += static_cast<double>(row[i]);
        else for (int64_t i = 0; i < w; i++) acc[i] *= static_cast<double>(row[i]);
      }
      for (int64_t i = 0; i < w; i++) dst[i0 + i] = store<O>(acc[i]);
      return;
    }
    case ReduceOp::Max:
    case ReduceOp::Min: {
      const bool is_max = op == ReduceOp::Max;
      T best[kBlock];
      for (int64_t i = 0; i < w; i++) best[i] = base[i0 + i];
      for (int64_t s = 1; s < size; s++) {
        const T* row = base + s * inner + i0;
        for (int64_t i = 0; i < w; i++) {
          if (beats(row[i], best[i], is_max)) best[i] = row[i];
        }
      }
      for (int64_t i = 0; i < w; i++) dst[i0 + i] = store<O>(best[i]);
      return;
    }
    case ReduceOp::Argmax:
    case ReduceOp::Argmin: {
      const bool is_max = op == ReduceOp::Argmax;
      T best[kBlock];
      int32_t at[kBlock];
      for (int64_t i = 0; i < w; i++) {
        best[i] = base[i0 + i];
        at[i] = 0;
      }
      for (int64_t s = 1; s < size; s++) {
        const T* row = base + s * inner + i0;
        for (int64_t i = 0; i < w; i++) {
          // A NaN, once found, is the answer: later values (NaN included) never replace it.
          if (best[i] == best[i] && beats(row[i], best[i], is_max)) {
            best[i] = row[i];
            at[i] = static_cast<int32_t>(s);
          }
        }
      }
      for (int64_t i = 0; i < w; i++) dst[i0 + i] = store<O>(at[i]);
      return;
    }
  }
}

template <class T, class O>
void reduce_loop(ReduceOp op, const T* x, O* out, int64_t outer, int64_t size, int64_t inner) {
  const int nthreads = num_threads();
  if (op == ReduceOp::Sum && inner == 1 && outer < nthreads && size >= 4 * kGrain) {
    // A few long rows (a full sum): split each row across threads, then add the partial sums.
    const int64_t parts = nthreads;
    std::vector<double> partial(static_cast<size_t>(outer * parts));
    parallel_for(outer * parts, 1, [&](int64_t begin, int64_t end) {
      for (int64_t t = begin; t < end; t++) {
        const int64_t o = t / parts, q = t % parts;
        const int64_t s0 = size * q / parts, s1 = size * (q + 1) / parts;
        partial[t] = sum_run(x + o * size + s0, s1 - s0);
      }
    });
    for (int64_t o = 0; o < outer; o++) {
      double acc = 0;
      for (int64_t q = 0; q < parts; q++) acc += partial[o * parts + q];
      out[o] = store<O>(acc);
    }
    return;
  }
  const int64_t blocks = inner == 1 ? 1 : (inner + kBlock - 1) / kBlock;
  const int64_t work = std::max<int64_t>(size * std::min(inner, kBlock), 1);
  const int64_t grain = std::max<int64_t>(1, kGrain / work);
  parallel_for(outer * blocks, grain, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; t++) {
      const int64_t o = t / blocks;
      const int64_t i0 = (t % blocks) * kBlock;
      reduce_block(op, x, out, o, size, inner, i0, std::min(inner, i0 + kBlock));
    }
  });
}

template <class T>
void cumsum_loop(const T* x, T* out, int64_t outer, int64_t size, int64_t inner) {
  const int64_t blocks = (inner + kBlock - 1) / kBlock;
  const int64_t work = std::max<int64_t>(size * std::min(inner, kBlock), 1);
  const int64_t grain = std::max<int64_t>(1, kGrain / work);
  parallel_for(outer * blocks, grain, [&](int64_t begin, int64_t end) {
    double acc[kBlock];
    for (int64_t t = begin; t < end; t++) {
      const int64_t o = t / blocks;
      const int64_t i0 = (t % blocks) * kBlock;
      const int64_t w = std::min(inner, i0 + kBlock) - i0;
      const int64_t base = o * size * inner + i0;
      // −0 + x = x: the first prefix is x itself, −0 included (NumPy).
      for (int64_t i = 0; i < w; i++) acc[i] = -0.0;
      for (int64_t s = 0; s < size; s++) {
        const int64_t at = base + s * inner;
        for (int64_t i = 0; i < w; i++) {
          acc[i] += static_cast<double>(x[at + i]);
          out[at + i] = store<T>(acc[i]);
        }
      }
    }
  });
}

template <class T>
void sort_loop(const T* x, T* values, int32_t* indices, int64_t rows, int64_t size,
               bool descending) {
  parallel_for(rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(size, 1) / 8),
               [&](int64_t begin, int64_t end) {
                 std::vector<int32_t> order(static_cast<size_t>(size));
                 for (int64_t r = begin; r < end; r++) {
                   const T* row = x + r * size;
                   std::iota(order.begin(), order.end(), 0);
                   // NaN goes last in both directions; equal values keep their order (stable).
                   auto less = [&](int32_t i, int32_t j) {
                     const T a = row[i], b = row[j];
                     if (a != a) return false;
                     if (b != b) return true;
                     return descending ? a > b : a < b;
                   };
                   std::stable_sort(order.begin(), order.end(), less);
                   for (int64_t i = 0; i < size; i++) {
                     indices[r * size + i] = order[i];
                     values[r * size + i] = row[order[i]];
                   }
                 }
               });
}

}  // namespace

bool reduce(ReduceOp op, const Buf& x, const Buf& out, int64_t outer, int64_t size, int64_t inner) {
  return visit(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    if (out.dtype == x.dtype) reduce_loop(op, as<T>(x), as<T>(out), outer, size, inner);
    else if (out.dtype == DType::i32)
      reduce_loop(op, as<T>(x), as<int32_t>(out), outer, size, inner);
    else return false;
    return true;
  });
}

bool cumsum(const Buf& x, const Buf& out, int64_t outer, int64_t size, int64_t inner) {
  if (x.dtype != out.dtype) return false;
  return visit(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    cumsum_loop(as<T>(x), as<T>(out), outer, size, inner);
    return true;
  });
}

bool sort(const Buf& x, const Buf& values, const Buf& indices, int64_t rows, int64_t size,
          bool descending) {
  if (x.dtype != values.dtype) return false;
  return visit(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    sort_loop(as<T>(x), as<T>(values), as<int32_t>(indices), rows, size, descending);
    return true;
  });
}

}  // namespace strata
