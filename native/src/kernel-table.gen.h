// The kernel table's types and kernel declarations, generated from src/backend/kernel-table.ts by scripts/gen-kernel-table.mjs.
// Do not edit: change the table, then run that script (npm install does).

#pragma once

#include "common.h"

namespace strata {

// The digest of the table these headers come from (src/backend/native/layout.ts).
inline constexpr const char* kTableSignature = "35db1ac5";

// ---------------------------------------------------------------- op enums

// Op names in the order of their numeric codes: X(Enumerator, "name").
#define STRATA_UNARY_OPS(X) \
  X(Neg, "neg") \
  X(Abs, "abs") \
  X(Sign, "sign") \
  X(Square, "square") \
  X(Sqrt, "sqrt") \
  X(Rsqrt, "rsqrt") \
  X(Reciprocal, "reciprocal") \
  X(Exp, "exp") \
  X(Expm1, "expm1") \
  X(Log, "log") \
  X(Log1p, "log1p") \
  X(Sin, "sin") \
  X(Cos, "cos") \
  X(Tan, "tan") \
  X(Tanh, "tanh") \
  X(Sigmoid, "sigmoid") \
  X(Erf, "erf") \
  X(Relu, "relu") \
  X(Softplus, "softplus") \
  X(Floor, "floor") \
  X(Ceil, "ceil") \
  X(Round, "round") \
  X(LogicalNot, "logicalNot") \
  X(Isnan, "isnan") \
  X(Isfinite, "isfinite") \
  X(Asin, "asin") \
  X(Acos, "acos") \
  X(Atan, "atan") \
  X(Sinh, "sinh") \
  X(Cosh, "cosh") \
  X(Asinh, "asinh") \
  X(Acosh, "acosh") \
  X(Atanh, "atanh")
#define STRATA_BINARY_OPS(X) \
  X(Add, "add") \
  X(Sub, "sub") \
  X(Mul, "mul") \
  X(Div, "div") \
  X(Pow, "pow") \
  X(Max, "max") \
  X(Min, "min") \
  X(Mod, "mod") \
  X(FloorDiv, "floorDiv") \
  X(Eq, "eq") \
  X(Ne, "ne") \
  X(Lt, "lt") \
  X(Le, "le") \
  X(Gt, "gt") \
  X(Ge, "ge") \
  X(LogicalAnd, "logicalAnd") \
  X(LogicalOr, "logicalOr") \
  X(LogicalXor, "logicalXor") \
  X(Atan2, "atan2")
#define STRATA_REDUCE_OPS(X) \
  X(Sum, "sum") \
  X(Prod, "prod") \
  X(Max, "max") \
  X(Min, "min") \
  X(Argmax, "argmax") \
  X(Argmin, "argmin")
#define STRATA_UPDATE_RULES(X) \
  X(Sgd, "sgd") \
  X(Rmsprop, "rmsprop") \
  X(Adam, "adam")

#define STRATA_ENUM_ENTRY(id, name) id,
enum class UnaryOp { STRATA_UNARY_OPS(STRATA_ENUM_ENTRY) };
inline constexpr int kUnaryOpCount = 33;
enum class BinaryOp { STRATA_BINARY_OPS(STRATA_ENUM_ENTRY) };
inline constexpr int kBinaryOpCount = 19;
enum class ReduceOp { STRATA_REDUCE_OPS(STRATA_ENUM_ENTRY) };
inline constexpr int kReduceOpCount = 6;
enum class UpdateRule { STRATA_UPDATE_RULES(STRATA_ENUM_ENTRY) };
inline constexpr int kUpdateRuleCount = 3;
#undef STRATA_ENUM_ENTRY

// ---------------------------------------------------------------- geometry

// As in the table: counts and integers, triples per spatial axis [d, h, w].
struct ConvParams {
  int64_t batch;
  int64_t in_channels;
  int64_t out_channels;
  int64_t groups;
  int64_t in_shape[3];
  int64_t out_shape[3];
  int64_t kernel_shape[3];
  int64_t strides[3];
  int64_t dilations[3];
  int64_t pad_before[3];
};
struct PoolParams {
  int64_t batch;
  int64_t channels;
  int64_t in_shape[3];
  int64_t out_shape[3];
  int64_t window[3];
  int64_t strides[3];
  int64_t pad_before[3];
};
struct RnnParams {
  int64_t batch;
  int64_t steps;
  int64_t units;
};

// ---------------------------------------------------------------- kernels

// Each returns false when handed a dtype combination it has no loop for. A nullable
// storage is a null pointer when not given; storage of class int32 / bool has that
// dtype and float storage is float32 or float64 (the binding checks), and every size
// and range was checked in src/backend/native/ before the call.
bool unary(UnaryOp op, const Buf& x, const Buf& out);
bool binary(BinaryOp op, const Buf& a, const Buf& b, const Buf& out, Plan& plan);
bool where(const Buf& cond, const Buf& a, const Buf& b, const Buf& out, Plan& plan);
bool cast(const Buf& x, const Buf& out);
bool copy(const Buf& x, const Buf& out, Plan& plan);
bool reduce(ReduceOp op, const Buf& x, const Buf& out, int64_t outer, int64_t size, int64_t inner);
bool cumsum(const Buf& x, const Buf& out, int64_t outer, int64_t size, int64_t inner);
bool sort(const Buf& x, const Buf& values, const Buf& indices, int64_t rows, int64_t size,
          bool descending);
bool gather(const Buf& x, const Buf& indices, const Buf& out, int64_t outer, int64_t axis_size,
            int64_t inner);
bool scatter_add(const Buf& updates, const Buf& indices, const Buf& out, int64_t outer,
                 int64_t axis_size, int64_t inner);
bool matmul(const Buf& a, const Buf& b, const Buf& out, int64_t m, int64_t k, int64_t n,
            bool trans_a, bool trans_b, int64_t batch, int64_t a_batch_stride,
            int64_t b_batch_stride);
bool conv(const Buf& x, const Buf& w, const Buf& out, const ConvParams& p);
bool conv_backprop_input(const Buf& dy, const Buf& w, const Buf& dx, const ConvParams& p);
bool conv_backprop_filter(const Buf& x, const Buf& dy, const Buf& dw, const ConvParams& p);
bool max_pool(const Buf& x, const Buf& out, const Buf* argmax, const PoolParams& p);
bool max_pool_backprop(const Buf& dy, const Buf& argmax, const Buf& dx, const PoolParams& p);
bool avg_pool(const Buf& x, const Buf& out, const PoolParams& p);
bool avg_pool_backprop(const Buf& dy, const Buf& dx, const PoolParams& p);
bool conv_bias(const Buf& x, const Buf& w, const Buf* bias, const Buf& out, const ConvParams& p,
               bool relu);
bool softmax(const Buf& x, const Buf& out, int64_t rows, int64_t n);
bool log_softmax(const Buf& x, const Buf& out, int64_t rows, int64_t n);
bool bias_relu(const Buf& x, const Buf* bias, const Buf& out, int64_t rows, int64_t n, bool relu);
bool bias_relu_backprop(const Buf& dy, const Buf& y, const Buf& dz, const Buf* db, int64_t rows,
                        int64_t n);
bool apply_update(UpdateRule rule, const Buf& w, const Buf& g, const Buf* slots, int n_slots,
                  const Buf& out, const double* hyper);
bool lstm_forward(const Buf& x_proj, const Buf& u, const Buf* bias, const Buf& h0, const Buf& c0,
                  const Buf* mask, const Buf& h_last, const Buf& c_last, const Buf* h_seq,
                  const Buf* c_seq, const Buf* gates, const RnnParams& p);
bool lstm_backward(const Buf& u, const Buf& h0, const Buf& c0, const Buf* mask, const Buf& h_seq,
                   const Buf& c_seq, const Buf& gates, const Buf* dh_seq, const Buf* dh_last,
                   const Buf* dc_last, const Buf& dx_proj, const Buf& du, const Buf* d_bias,
                   const Buf& dh0, const Buf& dc0, const RnnParams& p);
bool gru_forward(const Buf& x_proj, const Buf& u, const Buf* bias, const Buf* recurrent_bias,
                 const Buf& h0, const Buf* mask, const Buf& h_last, const Buf* h_seq,
                 const Buf* gates, const RnnParams& p);
bool gru_backward(const Buf& x_proj, const Buf& u, const Buf* bias, const Buf& h0, const Buf* mask,
                  const Buf& h_seq, const Buf& gates, const Buf* dh_seq, const Buf* dh_last,
                  const Buf& dx_proj, const Buf& du, const Buf* d_bias,
                  const Buf* d_recurrent_bias, const Buf& dh0, const RnnParams& p);

}  // namespace strata
