// The native kernels, one family per .cc file. Each mirrors a method of `Kernels` in
// src/backend/backend.ts; the reference backend in src/backend/reference/ is the specification.
// A kernel returns false when it is handed a dtype combination it has no loop for; the binding
// validates everything else (lengths, ranges) before it calls in.
#pragma once

#include "common.h"

namespace strata {

// Op names in the order of their numeric codes. The binding exports these lists and the
// TypeScript side builds its name → code tables from them, so the two cannot drift apart.
#define STRATA_UNARY_OPS(X)                                                                    \
  X(Neg, "neg") X(Abs, "abs") X(Sign, "sign") X(Square, "square") X(Sqrt, "sqrt")              \
  X(Rsqrt, "rsqrt") X(Reciprocal, "reciprocal") X(Exp, "exp") X(Expm1, "expm1") X(Log, "log")  \
  X(Log1p, "log1p") X(Sin, "sin") X(Cos, "cos") X(Tanh, "tanh") X(Sigmoid, "sigmoid")          \
  X(Erf, "erf") X(Relu, "relu") X(Softplus, "softplus") X(Floor, "floor") X(Ceil, "ceil")      \
  X(Round, "round") X(LogicalNot, "logicalNot") X(Isnan, "isnan") X(Isfinite, "isfinite")

#define STRATA_BINARY_OPS(X)                                                                   \
  X(Add, "add") X(Sub, "sub") X(Mul, "mul") X(Div, "div") X(Pow, "pow") X(Max, "max")          \
  X(Min, "min") X(Mod, "mod") X(FloorDiv, "floorDiv") X(Eq, "eq") X(Ne, "ne") X(Lt, "lt")      \
  X(Le, "le") X(Gt, "gt") X(Ge, "ge") X(LogicalAnd, "logicalAnd") X(LogicalOr, "logicalOr")    \
  X(LogicalXor, "logicalXor")

#define STRATA_REDUCE_OPS(X)                                                                   \
  X(Sum, "sum") X(Prod, "prod") X(Max, "max") X(Min, "min") X(Argmax, "argmax")                \
  X(Argmin, "argmin")

#define STRATA_UPDATE_RULES(X) X(Sgd, "sgd") X(Rmsprop, "rmsprop") X(Adam, "adam")

#define STRATA_ENUM_ENTRY(id, name) id,
enum class UnaryOp { STRATA_UNARY_OPS(STRATA_ENUM_ENTRY) };
enum class BinaryOp { STRATA_BINARY_OPS(STRATA_ENUM_ENTRY) };
enum class ReduceOp { STRATA_REDUCE_OPS(STRATA_ENUM_ENTRY) };
enum class UpdateRule { STRATA_UPDATE_RULES(STRATA_ENUM_ENTRY) };
#undef STRATA_ENUM_ENTRY

// elementwise.cc — plans are simplified in place; out is the last operand, contiguous.
bool unary(UnaryOp op, const Buf& x, const Buf& out);
bool binary(BinaryOp op, const Buf& a, const Buf& b, const Buf& out, Plan& plan);
bool where(const Buf& cond, const Buf& a, const Buf& b, const Buf& out, Plan& plan);
bool cast(const Buf& x, const Buf& out);

// movement.cc — plan operands are [x, out], each with its own offset.
bool copy(const Buf& x, const Buf& out, Plan& plan);
// Both return the position of the first index outside [0, axisSize), or -1 when all are valid
// (then, and only then, has the kernel run).
int64_t gather(const Buf& x, const int32_t* indices, int64_t n, const Buf& out, int64_t outer,
               int64_t axis_size, int64_t inner);
int64_t scatter_add(const Buf& updates, const int32_t* indices, int64_t n, const Buf& out,
                    int64_t outer, int64_t axis_size, int64_t inner);

// reduce.cc
bool reduce(ReduceOp op, const Buf& x, const Buf& out, int64_t outer, int64_t size, int64_t inner);
bool cumsum(const Buf& x, const Buf& out, int64_t outer, int64_t size, int64_t inner);
bool sort(const Buf& x, const Buf& values, int32_t* indices, int64_t rows, int64_t size,
          bool descending);

// matmul.cc
bool matmul(const Buf& a, const Buf& b, const Buf& out, int64_t m, int64_t k, int64_t n,
            bool trans_a, bool trans_b, int64_t batch, int64_t a_stride, int64_t b_stride);
// C[m,n] = op(A) · op(B) + beta · C through BLAS, row-major with explicit leading dimensions;
// a large product is split across the pool (inline when called from inside a pool job).
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const float* a, int64_t lda,
          const float* b, int64_t ldb, float beta, float* c, int64_t ldc);
void gemm(bool trans_a, bool trans_b, int64_t m, int64_t n, int64_t k, const double* a,
          int64_t lda, const double* b, int64_t ldb, double beta, double* c, int64_t ldc);

// conv.cc / pool.cc — geometry as in ConvParams / PoolParams, spatial axes always 3.
struct ConvGeometry {
  int64_t batch, in_channels, out_channels, groups;
  int64_t in[3], out[3], kernel[3], strides[3], dilations[3], pad[3];
};
bool conv(const Buf& x, const Buf& w, const Buf& out, const ConvGeometry& g);
// conv, then + bias (O values; null for none) and relu when `relu`, fused into the output pass.
bool conv_bias(const Buf& x, const Buf& w, const Buf* bias, const Buf& out, const ConvGeometry& g,
               bool relu);
bool conv_backprop_input(const Buf& dy, const Buf& w, const Buf& dx, const ConvGeometry& g);
// Softmax over the last axis of rows [rows, n] (softmax.cc).
bool softmax(const Buf& x, const Buf& out, int64_t rows, int64_t n);
// out = relu?(x + bias) over rows [rows, n] (bias null: none): a Dense layer's epilogue.
bool bias_relu(const Buf& x, const Buf* bias, const Buf& out, int64_t rows, int64_t n, bool relu);
// The gradient through conv_bias's relu and bias, for rows [rows, n]: dz = dy · [y > 0], and
// db[j] = Σ_rows dz[·, j] when db is given.
bool bias_relu_backprop(const Buf& dy, const Buf& y, const Buf& dz, const Buf* db, int64_t rows,
                        int64_t n);
bool conv_backprop_filter(const Buf& x, const Buf& dy, const Buf& dw, const ConvGeometry& g);

struct PoolGeometry {
  int64_t batch, channels;
  int64_t in[3], out[3], window[3], strides[3], pad[3];
};
// argmax may be null (no gradient wanted): then only the maxima are written.
bool max_pool(const Buf& x, const Buf& out, int32_t* argmax, const PoolGeometry& g);
bool max_pool_backprop(const Buf& dy, const int32_t* argmax, const Buf& dx, const PoolGeometry& g);
bool avg_pool(const Buf& x, const Buf& out, const PoolGeometry& g);
bool avg_pool_backprop(const Buf& dy, const Buf& dx, const PoolGeometry& g);

// optimizer.cc — the fused update rules; h is the rule's hyper-parameter list (UpdateRule in
// src/backend/backend.ts), slots are updated in place.
constexpr int kMaxSlots = 3;
bool apply_update(UpdateRule rule, const Buf& w, const Buf& g, const Buf* slots, int n_slots,
                  const Buf& out, const double* h);
// lstm.cc / gru.cc — fused recurrent sequences, batch-major ([batch, steps, …]); an optional
// array not given has data == nullptr. Shapes as in the Kernels interface (lstmForward …).
struct RnnGeometry {
  int64_t batch, steps, units;
};
bool lstm_forward(const Buf& x_proj, const Buf& u, const Buf& bias, const Buf& h0, const Buf& c0,
                  const Buf& mask, const Buf& h_last, const Buf& c_last, const Buf& h_seq,
                  const Buf& c_seq, const Buf& gates, const RnnGeometry& g);
bool lstm_backward(const Buf& u, const Buf& h0, const Buf& c0, const Buf& mask, const Buf& h_seq,
                   const Buf& c_seq, const Buf& gates, const Buf& dh_seq, const Buf& dh_last,
                   const Buf& dc_last, const Buf& dx_proj, const Buf& du, const Buf& dbias,
                   const Buf& dh0, const Buf& dc0, const RnnGeometry& g);
bool gru_forward(const Buf& x_proj, const Buf& u, const Buf& bias, const Buf& rbias,
                 const Buf& h0, const Buf& mask, const Buf& h_last, const Buf& h_seq,
                 const Buf& gates, const RnnGeometry& g);
bool gru_backward(const Buf& x_proj, const Buf& u, const Buf& bias, const Buf& h0,
                  const Buf& mask, const Buf& h_seq, const Buf& gates, const Buf& dh_seq,
                  const Buf& dh_last, const Buf& dx_proj, const Buf& du, const Buf& dbias,
                  const Buf& drbias, const Buf& dh0, const RnnGeometry& g);

}  // namespace strata
