// The native kernels, one family per .cc file. Their declarations, the op enums and the geometry
// structs are generated from the kernel table (src/backend/kernel-table.ts) into
// kernel-table.gen.h; the reference backend in src/backend/reference/ is the specification.
#pragma once

#include "common.h"
#include "kernel-table.gen.h"

namespace strata {

// matmul.cc — C[m,n] = op(A) · op(B) + beta · C through BLAS, row-major with explicit leading
// dimensions; a large product is split across the pool (inline when called from inside a pool
// job).
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const double* a,
          int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc);

}  // namespace strata
