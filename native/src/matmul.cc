// Batched matrix products through BLAS (cblas_sgemm / cblas_dgemm), which runs single-threaded:
// one large product is split into blocks across our pool; many small products run side by side
// on the pool, one per task, through a plain loop.

#include <cblas.h>

#include <vector>

#include "kernels.h"
#include "thread-pool.h"

namespace strata {

namespace {

// One single-threaded BLAS product, row-major.
void blas_gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a,
               int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, static_cast<blasint>(m),
              static_cast<blasint>(n), static_cast<blasint>(k), 1.0f, a,
              static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c,
              static_cast<blasint>(ldc));
}

void blas_gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const double* a,
               int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  cblas_dgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans,
              trans_b ? CblasTrans : CblasNoTrans, static_cast<blasint>(m),
              static_cast<blasint>(n), static_cast<blasint>(k), 1.0, a,
              static_cast<blasint>(lda), b, static_cast<blasint>(ldb), beta, c,
              static_cast<blasint>(ldc));
}

// Below this many multiply-adds one thread does the whole product: splitting costs more than
// the second core gains.
constexpr double kSplitProduct = double(1 << 20);

// One product split into a block of rows (or columns, when it is wider than tall) per pool
// thread, each a single-threaded BLAS call. OpenBLAS's own threads stay off: they spin in
// sched_yield between products and fight our pool and V8 for the cores. Inside a pool job
// (a kernel that already runs one product per thread) parallel_for runs the blocks inline.
template <class T>
void split_gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const T* a,
                int64_t lda, const T* b, int64_t ldb, T beta, T* c, int64_t ldc) {
  const int64_t parts = num_threads();
  if (parts == 1 || double(m) * double(n) * double(k) < kSplitProduct) {
    blas_gemm(trans_a, trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  // Block edges on multiples of 16 keep every block on BLAS's full-width micro-kernels.
  const bool by_rows = m >= n;
  const int64_t size = by_rows ? m : n;
  const auto edge = [&](int64_t p) { return std::min(size, (size * p / parts + 8) / 16 * 16); };
  parallel_for(parts, 1, [&](int64_t first, int64_t last) {
    for (int64_t p = first; p < last; p++) {
      const int64_t lo = p == 0 ? 0 : edge(p), hi = p == parts - 1 ? size : edge(p + 1);
      if (hi <= lo) continue;
      if (by_rows) {
        const T* a_block = trans_a ? a + lo : a + lo * lda;
        blas_gemm(trans_a, trans_b, hi - lo, n, k, a_block, lda, b, ldb, beta, c + lo * ldc, ldc);
      } else {
        const T* b_block = trans_b ? b + lo * ldb : b + lo;
        blas_gemm(trans_a, trans_b, m, hi - lo, k, a, lda, b_block, ldb, beta, c + lo, ldc);
      }
    }
  });
}

}  // namespace

void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a,
          int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  split_gemm(trans_a, trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const double* a,
          int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
  split_gemm(trans_a, trans_b, m, n, k, a, lda, b, ldb, beta, c, ldc);
}

namespace {

// Below this many multiply-adds per product, a batch runs as parallel plain loops.
constexpr int64_t kSmallProduct = 32 * 32 * 32;

// out[m,n] = op(a) · op(b) for one small product, accumulating in double like the reference.
template <class T>
void small_matmul(const T* a, const T* b, T* out, int64_t m, int64_t k, int64_t n, bool trans_a,
                  bool trans_b, double* acc) {
  const int64_t a_row = trans_a ? 1 : k, a_depth = trans_a ? m : 1;
  for (int64_t i = 0; i < m; i++) {
    for (int64_t j = 0; j < n; j++) acc[j] = 0;
    for (int64_t p = 0; p < k; p++) {
      const double av = static_cast<double>(a[i * a_row + p * a_depth]);
      if (trans_b) {
        for (int64_t j = 0; j < n; j++) acc[j] += av * static_cast<double>(b[j * k + p]);
      } else {
        const T* brow = b + p * n;
        for (int64_t j = 0; j < n; j++) acc[j] += av * static_cast<double>(brow[j]);
      }
    }
    for (int64_t j = 0; j < n; j++) out[i * n + j] = static_cast<T>(acc[j]);
  }
}

template <class T>
void matmul_loop(const T* a, const T* b, T* out, int64_t m, int64_t k, int64_t n, bool trans_a,
                 bool trans_b, int64_t batch, int64_t a_stride, int64_t b_stride) {
  if (batch == 0 || m == 0 || n == 0) return;
  if (k == 0) {
    std::fill(out, out + batch * m * n, T(0));
    return;
  }
  const int64_t lda = trans_a ? m : k, ldb = trans_b ? k : n;
  // A shared right operand and back-to-back left operands: the batch is one tall product
  // [batch·m, k] · [k, n] (a dense layer applied to a sequence, for instance).
  if (batch > 1 && b_stride == 0 && !trans_a && a_stride == m * k) {
    gemm(false, trans_b, batch * m, n, k, a, lda, b, ldb, T(0), out, n);
    return;
  }
  if (batch > 1 && m * n * k <= kSmallProduct) {
    parallel_for(batch, std::max<int64_t>(1, kSmallProduct / std::max<int64_t>(m * n * k, 1)),
                 [&](int64_t begin, int64_t end) {
                   std::vector<double> acc(static_cast<size_t>(n));
                   for (int64_t t = begin; t < end; t++) {
                     small_matmul(a + t * a_stride, b + t * b_stride, out + t * m * n, m, k, n,
                                  trans_a, trans_b, acc.data());
                   }
                 });
    return;
  }
  for (int64_t t = 0; t < batch; t++) {
    gemm(trans_a, trans_b, m, n, k, a + t * a_stride, lda, b + t * b_stride, ldb, T(0),
         out + t * m * n, n);
  }
}

}  // namespace

bool matmul(const Buf& a, const Buf& b, const Buf& out, int64_t m, int64_t k, int64_t n,
            bool trans_a, bool trans_b, int64_t batch, int64_t a_stride, int64_t b_stride) {
  if (a.dtype != out.dtype || b.dtype != out.dtype) return false;
  return visit_float(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    matmul_loop(as<T>(a), as<T>(b), as<T>(out), m, k, n, trans_a, trans_b, batch, a_stride,
                b_stride);
    return true;
  });
}

}  // namespace strata
