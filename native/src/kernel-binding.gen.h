// The kernels' Node-API entry points, generated from src/backend/kernel-table.ts by scripts/gen-kernel-table.mjs.
// Do not edit: change the table, then run that script (npm install does).

#pragma once

#include "binding.h"
#include "kernels.h"

namespace strata {
namespace binding {

// Geometry arrives packed in a Float64Array, fields in the table's order.
inline constexpr int64_t kConvParamsLength = 22;
inline ConvParams unpack_conv_params(const double* m) {
  ConvParams p;
  p.batch = static_cast<int64_t>(m[0]);
  p.in_channels = static_cast<int64_t>(m[1]);
  p.out_channels = static_cast<int64_t>(m[2]);
  p.groups = static_cast<int64_t>(m[3]);
  p.in_shape[0] = static_cast<int64_t>(m[4]);
  p.in_shape[1] = static_cast<int64_t>(m[5]);
  p.in_shape[2] = static_cast<int64_t>(m[6]);
  p.out_shape[0] = static_cast<int64_t>(m[7]);
  p.out_shape[1] = static_cast<int64_t>(m[8]);
  p.out_shape[2] = static_cast<int64_t>(m[9]);
  p.kernel_shape[0] = static_cast<int64_t>(m[10]);
  p.kernel_shape[1] = static_cast<int64_t>(m[11]);
  p.kernel_shape[2] = static_cast<int64_t>(m[12]);
  p.strides[0] = static_cast<int64_t>(m[13]);
  p.strides[1] = static_cast<int64_t>(m[14]);
  p.strides[2] = static_cast<int64_t>(m[15]);
  p.dilations[0] = static_cast<int64_t>(m[16]);
  p.dilations[1] = static_cast<int64_t>(m[17]);
  p.dilations[2] = static_cast<int64_t>(m[18]);
  p.pad_before[0] = static_cast<int64_t>(m[19]);
  p.pad_before[1] = static_cast<int64_t>(m[20]);
  p.pad_before[2] = static_cast<int64_t>(m[21]);
  return p;
}

inline constexpr int64_t kPoolParamsLength = 17;
inline PoolParams unpack_pool_params(const double* m) {
  PoolParams p;
  p.batch = static_cast<int64_t>(m[0]);
  p.channels = static_cast<int64_t>(m[1]);
  p.in_shape[0] = static_cast<int64_t>(m[2]);
  p.in_shape[1] = static_cast<int64_t>(m[3]);
  p.in_shape[2] = static_cast<int64_t>(m[4]);
  p.out_shape[0] = static_cast<int64_t>(m[5]);
  p.out_shape[1] = static_cast<int64_t>(m[6]);
  p.out_shape[2] = static_cast<int64_t>(m[7]);
  p.window[0] = static_cast<int64_t>(m[8]);
  p.window[1] = static_cast<int64_t>(m[9]);
  p.window[2] = static_cast<int64_t>(m[10]);
  p.strides[0] = static_cast<int64_t>(m[11]);
  p.strides[1] = static_cast<int64_t>(m[12]);
  p.strides[2] = static_cast<int64_t>(m[13]);
  p.pad_before[0] = static_cast<int64_t>(m[14]);
  p.pad_before[1] = static_cast<int64_t>(m[15]);
  p.pad_before[2] = static_cast<int64_t>(m[16]);
  return p;
}

inline constexpr int64_t kRnnParamsLength = 3;
inline RnnParams unpack_rnn_params(const double* m) {
  RnnParams p;
  p.batch = static_cast<int64_t>(m[0]);
  p.steps = static_cast<int64_t>(m[1]);
  p.units = static_cast<int64_t>(m[2]);
  return p;
}

inline void unary(const Napi::CallbackInfo& info) {
  Args r(info, "unary");
  const UnaryOp op = r.choice<UnaryOp>(0, kUnaryOpCount);
  const Buf x = r.storage(1, Class::Any);
  const Buf out = r.storage(2, Class::Any);
  if (!r.ok()) return;
  r.done(::strata::unary(op, x, out));
}

inline void binary(const Napi::CallbackInfo& info) {
  Args r(info, "binary");
  const BinaryOp op = r.choice<BinaryOp>(0, kBinaryOpCount);
  const Buf a = r.storage(1, Class::Any);
  const Buf b = r.storage(2, Class::Any);
  const Buf out = r.storage(3, Class::Any);
  Plan plan;
  r.plan(4, 2, &plan);
  if (!r.ok()) return;
  r.done(::strata::binary(op, a, b, out, plan));
}

inline void where(const Napi::CallbackInfo& info) {
  Args r(info, "where");
  const Buf cond = r.storage(0, Class::Bool);
  const Buf a = r.storage(1, Class::Any);
  const Buf b = r.storage(2, Class::Any);
  const Buf out = r.storage(3, Class::Any);
  Plan plan;
  r.plan(4, 3, &plan);
  if (!r.ok()) return;
  r.done(::strata::where(cond, a, b, out, plan));
}

inline void cast(const Napi::CallbackInfo& info) {
  Args r(info, "cast");
  const Buf x = r.storage(0, Class::Any);
  const Buf out = r.storage(1, Class::Any);
  if (!r.ok()) return;
  r.done(::strata::cast(x, out));
}

inline void copy(const Napi::CallbackInfo& info) {
  Args r(info, "copy");
  const Buf x = r.storage(0, Class::Any);
  const int64_t x_offset = r.count(1);
  const Buf out = r.storage(2, Class::Any);
  const int64_t out_offset = r.count(3);
  Plan plan;
  r.plan(4, 2, &plan);
  if (!r.ok()) return;
  plan.offset[0] = x_offset;
  plan.offset[1] = out_offset;
  r.done(::strata::copy(x, out, plan));
}

inline void reduce(const Napi::CallbackInfo& info) {
  Args r(info, "reduce");
  const ReduceOp op = r.choice<ReduceOp>(0, kReduceOpCount);
  const Buf x = r.storage(1, Class::Any);
  const Buf out = r.storage(2, Class::Any);
  const int64_t outer = r.count(3);
  const int64_t size = r.count(4);
  const int64_t inner = r.count(5);
  if (!r.ok()) return;
  r.done(::strata::reduce(op, x, out, outer, size, inner));
}

inline void cumsum(const Napi::CallbackInfo& info) {
  Args r(info, "cumsum");
  const Buf x = r.storage(0, Class::Any);
  const Buf out = r.storage(1, Class::Any);
  const int64_t outer = r.count(2);
  const int64_t size = r.count(3);
  const int64_t inner = r.count(4);
  if (!r.ok()) return;
  r.done(::strata::cumsum(x, out, outer, size, inner));
}

inline void sort(const Napi::CallbackInfo& info) {
  Args r(info, "sort");
  const Buf x = r.storage(0, Class::Any);
  const Buf values = r.storage(1, Class::Any);
  const Buf indices = r.storage(2, Class::Int32);
  const int64_t rows = r.count(3);
  const int64_t size = r.count(4);
  const bool descending = r.flag(5);
  if (!r.ok()) return;
  r.done(::strata::sort(x, values, indices, rows, size, descending));
}

inline void gather(const Napi::CallbackInfo& info) {
  Args r(info, "gather");
  const Buf x = r.storage(0, Class::Any);
  const Buf indices = r.storage(1, Class::Int32);
  const Buf out = r.storage(2, Class::Any);
  const int64_t outer = r.count(3);
  const int64_t axis_size = r.count(4);
  const int64_t inner = r.count(5);
  if (!r.ok()) return;
  r.done(::strata::gather(x, indices, out, outer, axis_size, inner));
}

inline void scatter_add(const Napi::CallbackInfo& info) {
  Args r(info, "scatterAdd");
  const Buf updates = r.storage(0, Class::Any);
  const Buf indices = r.storage(1, Class::Int32);
  const Buf out = r.storage(2, Class::Any);
  const int64_t outer = r.count(3);
  const int64_t axis_size = r.count(4);
  const int64_t inner = r.count(5);
  if (!r.ok()) return;
  r.done(::strata::scatter_add(updates, indices, out, outer, axis_size, inner));
}

inline void matmul(const Napi::CallbackInfo& info) {
  Args r(info, "matmul");
  const Buf a = r.storage(0, Class::Float);
  const Buf b = r.storage(1, Class::Float);
  const Buf out = r.storage(2, Class::Float);
  const int64_t m = r.count(3);
  const int64_t k = r.count(4);
  const int64_t n = r.count(5);
  const bool trans_a = r.flag(6);
  const bool trans_b = r.flag(7);
  const int64_t batch = r.count(8);
  const int64_t a_batch_stride = r.count(9);
  const int64_t b_batch_stride = r.count(10);
  if (!r.ok()) return;
  r.done(::strata::matmul(a, b, out, m, k, n, trans_a, trans_b, batch, a_batch_stride,
                          b_batch_stride));
}

inline void conv(const Napi::CallbackInfo& info) {
  Args r(info, "conv");
  const Buf x = r.storage(0, Class::Float);
  const Buf w = r.storage(1, Class::Float);
  const Buf out = r.storage(2, Class::Float);
  const ConvParams p = unpack_conv_params(r.packed(3, kConvParamsLength));
  if (!r.ok()) return;
  r.done(::strata::conv(x, w, out, p));
}

inline void conv_backprop_input(const Napi::CallbackInfo& info) {
  Args r(info, "convBackpropInput");
  const Buf dy = r.storage(0, Class::Float);
  const Buf w = r.storage(1, Class::Float);
  const Buf dx = r.storage(2, Class::Float);
  const ConvParams p = unpack_conv_params(r.packed(3, kConvParamsLength));
  if (!r.ok()) return;
  r.done(::strata::conv_backprop_input(dy, w, dx, p));
}

inline void conv_backprop_filter(const Napi::CallbackInfo& info) {
  Args r(info, "convBackpropFilter");
  const Buf x = r.storage(0, Class::Float);
  const Buf dy = r.storage(1, Class::Float);
  const Buf dw = r.storage(2, Class::Float);
  const ConvParams p = unpack_conv_params(r.packed(3, kConvParamsLength));
  if (!r.ok()) return;
  r.done(::strata::conv_backprop_filter(x, dy, dw, p));
}

inline void max_pool(const Napi::CallbackInfo& info) {
  Args r(info, "maxPool");
  const Buf x = r.storage(0, Class::Float);
  const Buf out = r.storage(1, Class::Float);
  Buf argmax_given;
  const Buf* argmax = r.optional(2, Class::Int32, &argmax_given);
  const PoolParams p = unpack_pool_params(r.packed(3, kPoolParamsLength));
  if (!r.ok()) return;
  r.done(::strata::max_pool(x, out, argmax, p));
}

inline void max_pool_backprop(const Napi::CallbackInfo& info) {
  Args r(info, "maxPoolBackprop");
  const Buf dy = r.storage(0, Class::Float);
  const Buf argmax = r.storage(1, Class::Int32);
  const Buf dx = r.storage(2, Class::Float);
  const PoolParams p = unpack_pool_params(r.packed(3, kPoolParamsLength));
  if (!r.ok()) return;
  r.done(::strata::max_pool_backprop(dy, argmax, dx, p));
}

inline void avg_pool(const Napi::CallbackInfo& info) {
  Args r(info, "avgPool");
  const Buf x = r.storage(0, Class::Float);
  const Buf out = r.storage(1, Class::Float);
  const PoolParams p = unpack_pool_params(r.packed(2, kPoolParamsLength));
  if (!r.ok()) return;
  r.done(::strata::avg_pool(x, out, p));
}

inline void avg_pool_backprop(const Napi::CallbackInfo& info) {
  Args r(info, "avgPoolBackprop");
  const Buf dy = r.storage(0, Class::Float);
  const Buf dx = r.storage(1, Class::Float);
  const PoolParams p = unpack_pool_params(r.packed(2, kPoolParamsLength));
  if (!r.ok()) return;
  r.done(::strata::avg_pool_backprop(dy, dx, p));
}

inline void conv_bias(const Napi::CallbackInfo& info) {
  Args r(info, "convBias");
  const Buf x = r.storage(0, Class::Float);
  const Buf w = r.storage(1, Class::Float);
  Buf bias_given;
  const Buf* bias = r.optional(2, Class::Float, &bias_given);
  const Buf out = r.storage(3, Class::Float);
  const ConvParams p = unpack_conv_params(r.packed(4, kConvParamsLength));
  const bool relu = r.flag(5);
  if (!r.ok()) return;
  r.done(::strata::conv_bias(x, w, bias, out, p, relu));
}

inline void softmax(const Napi::CallbackInfo& info) {
  Args r(info, "softmax");
  const Buf x = r.storage(0, Class::Float);
  const Buf out = r.storage(1, Class::Float);
  const int64_t rows = r.count(2);
  const int64_t n = r.count(3);
  if (!r.ok()) return;
  r.done(::strata::softmax(x, out, rows, n));
}

inline void log_softmax(const Napi::CallbackInfo& info) {
  Args r(info, "logSoftmax");
  const Buf x = r.storage(0, Class::Float);
  const Buf out = r.storage(1, Class::Float);
  const int64_t rows = r.count(2);
  const int64_t n = r.count(3);
  if (!r.ok()) return;
  r.done(::strata::log_softmax(x, out, rows, n));
}

inline void bias_relu(const Napi::CallbackInfo& info) {
  Args r(info, "biasRelu");
  const Buf x = r.storage(0, Class::Float);
  Buf bias_given;
  const Buf* bias = r.optional(1, Class::Float, &bias_given);
  const Buf out = r.storage(2, Class::Float);
  const int64_t rows = r.count(3);
  const int64_t n = r.count(4);
  const bool relu = r.flag(5);
  if (!r.ok()) return;
  r.done(::strata::bias_relu(x, bias, out, rows, n, relu));
}

inline void bias_relu_backprop(const Napi::CallbackInfo& info) {
  Args r(info, "biasReluBackprop");
  const Buf dy = r.storage(0, Class::Float);
  const Buf y = r.storage(1, Class::Float);
  const Buf dz = r.storage(2, Class::Float);
  Buf db_given;
  const Buf* db = r.optional(3, Class::Float, &db_given);
  const int64_t rows = r.count(4);
  const int64_t n = r.count(5);
  if (!r.ok()) return;
  r.done(::strata::bias_relu_backprop(dy, y, dz, db, rows, n));
}

inline void apply_update(const Napi::CallbackInfo& info) {
  Args r(info, "applyUpdate");
  const UpdateRule rule = r.choice<UpdateRule>(0, kUpdateRuleCount);
  const Buf w = r.storage(1, Class::Float);
  const Buf g = r.storage(2, Class::Float);
  Buf slots[3];
  const int n_slots = r.list(3, Class::Float, slots, 3);
  const Buf out = r.storage(4, Class::Float);
  const double* hyper = r.numbers(5, 6);
  if (!r.ok()) return;
  r.done(::strata::apply_update(rule, w, g, slots, n_slots, out, hyper));
}

inline void lstm_forward(const Napi::CallbackInfo& info) {
  Args r(info, "lstmForward");
  const Buf x_proj = r.storage(0, Class::Float);
  const Buf u = r.storage(1, Class::Float);
  Buf bias_given;
  const Buf* bias = r.optional(2, Class::Float, &bias_given);
  const Buf h0 = r.storage(3, Class::Float);
  const Buf c0 = r.storage(4, Class::Float);
  Buf mask_given;
  const Buf* mask = r.optional(5, Class::Bool, &mask_given);
  const Buf h_last = r.storage(6, Class::Float);
  const Buf c_last = r.storage(7, Class::Float);
  Buf h_seq_given;
  const Buf* h_seq = r.optional(8, Class::Float, &h_seq_given);
  Buf c_seq_given;
  const Buf* c_seq = r.optional(9, Class::Float, &c_seq_given);
  Buf gates_given;
  const Buf* gates = r.optional(10, Class::Float, &gates_given);
  const RnnParams p = unpack_rnn_params(r.packed(11, kRnnParamsLength));
  if (!r.ok()) return;
  r.done(::strata::lstm_forward(x_proj, u, bias, h0, c0, mask, h_last, c_last, h_seq, c_seq, gates,
                                p));
}

inline void lstm_backward(const Napi::CallbackInfo& info) {
  Args r(info, "lstmBackward");
  const Buf u = r.storage(0, Class::Float);
  const Buf h0 = r.storage(1, Class::Float);
  const Buf c0 = r.storage(2, Class::Float);
  Buf mask_given;
  const Buf* mask = r.optional(3, Class::Bool, &mask_given);
  const Buf h_seq = r.storage(4, Class::Float);
  const Buf c_seq = r.storage(5, Class::Float);
  const Buf gates = r.storage(6, Class::Float);
  Buf dh_seq_given;
  const Buf* dh_seq = r.optional(7, Class::Float, &dh_seq_given);
  Buf dh_last_given;
  const Buf* dh_last = r.optional(8, Class::Float, &dh_last_given);
  Buf dc_last_given;
  const Buf* dc_last = r.optional(9, Class::Float, &dc_last_given);
  const Buf dx_proj = r.storage(10, Class::Float);
  const Buf du = r.storage(11, Class::Float);
  Buf d_bias_given;
  const Buf* d_bias = r.optional(12, Class::Float, &d_bias_given);
  const Buf dh0 = r.storage(13, Class::Float);
  const Buf dc0 = r.storage(14, Class::Float);
  const RnnParams p = unpack_rnn_params(r.packed(15, kRnnParamsLength));
  if (!r.ok()) return;
  r.done(::strata::lstm_backward(u, h0, c0, mask, h_seq, c_seq, gates, dh_seq, dh_last, dc_last,
                                 dx_proj, du, d_bias, dh0, dc0, p));
}

inline void gru_forward(const Napi::CallbackInfo& info) {
  Args r(info, "gruForward");
  const Buf x_proj = r.storage(0, Class::Float);
  const Buf u = r.storage(1, Class::Float);
  Buf bias_given;
  const Buf* bias = r.optional(2, Class::Float, &bias_given);
  Buf recurrent_bias_given;
  const Buf* recurrent_bias = r.optional(3, Class::Float, &recurrent_bias_given);
  const Buf h0 = r.storage(4, Class::Float);
  Buf mask_given;
  const Buf* mask = r.optional(5, Class::Bool, &mask_given);
  const Buf h_last = r.storage(6, Class::Float);
  Buf h_seq_given;
  const Buf* h_seq = r.optional(7, Class::Float, &h_seq_given);
  Buf gates_given;
  const Buf* gates = r.optional(8, Class::Float, &gates_given);
  const RnnParams p = unpack_rnn_params(r.packed(9, kRnnParamsLength));
  if (!r.ok()) return;
  r.done(::strata::gru_forward(x_proj, u, bias, recurrent_bias, h0, mask, h_last, h_seq, gates, p));
}

inline void gru_backward(const Napi::CallbackInfo& info) {
  Args r(info, "gruBackward");
  const Buf x_proj = r.storage(0, Class::Float);
  const Buf u = r.storage(1, Class::Float);
  Buf bias_given;
  const Buf* bias = r.optional(2, Class::Float, &bias_given);
  const Buf h0 = r.storage(3, Class::Float);
  Buf mask_given;
  const Buf* mask = r.optional(4, Class::Bool, &mask_given);
  const Buf h_seq = r.storage(5, Class::Float);
  const Buf gates = r.storage(6, Class::Float);
  Buf dh_seq_given;
  const Buf* dh_seq = r.optional(7, Class::Float, &dh_seq_given);
  Buf dh_last_given;
  const Buf* dh_last = r.optional(8, Class::Float, &dh_last_given);
  const Buf dx_proj = r.storage(9, Class::Float);
  const Buf du = r.storage(10, Class::Float);
  Buf d_bias_given;
  const Buf* d_bias = r.optional(11, Class::Float, &d_bias_given);
  Buf d_recurrent_bias_given;
  const Buf* d_recurrent_bias = r.optional(12, Class::Float, &d_recurrent_bias_given);
  const Buf dh0 = r.storage(13, Class::Float);
  const RnnParams p = unpack_rnn_params(r.packed(14, kRnnParamsLength));
  if (!r.ok()) return;
  r.done(::strata::gru_backward(x_proj, u, bias, h0, mask, h_seq, gates, dh_seq, dh_last, dx_proj,
                                du, d_bias, d_recurrent_bias, dh0, p));
}

// Adds every table kernel to the addon's exports, and the table's signature.
inline void export_kernels(Napi::Env env, Napi::Object exports) {
  const auto add = [&](const char* name, Napi::Function::VoidCallback f) {
    exports.Set(name, Napi::Function::New(env, f, name));
  };
  exports.Set("tableSignature", Napi::String::New(env, kTableSignature));
  add("unary", unary);
  add("binary", binary);
  add("where", where);
  add("cast", cast);
  add("copy", copy);
  add("reduce", reduce);
  add("cumsum", cumsum);
  add("sort", sort);
  add("gather", gather);
  add("scatterAdd", scatter_add);
  add("matmul", matmul);
  add("conv", conv);
  add("convBackpropInput", conv_backprop_input);
  add("convBackpropFilter", conv_backprop_filter);
  add("maxPool", max_pool);
  add("maxPoolBackprop", max_pool_backprop);
  add("avgPool", avg_pool);
  add("avgPoolBackprop", avg_pool_backprop);
  add("convBias", conv_bias);
  add("softmax", softmax);
  add("logSoftmax", log_softmax);
  add("biasRelu", bias_relu);
  add("biasReluBackprop", bias_relu_backprop);
  add("applyUpdate", apply_update);
  add("lstmForward", lstm_forward);
  add("lstmBackward", lstm_backward);
  add("gruForward", gru_forward);
  add("gruBackward", gru_backward);
}

}  // namespace binding
}  // namespace strata
