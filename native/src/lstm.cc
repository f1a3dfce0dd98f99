// A fused LSTM over every timestep in one call, forward and backward: per step one small
// product (h·U forward, dz·Uᵀ backward) and the gates of a block of the batch in one vectorised
// pass (see rnn.h). The TypeScript reference is src/backend/ts/rnn.ts.

#include <mutex>
#include <utility>
#include <vector>

#include "rnn.h"

namespace strata {
namespace {

using rnn::Act;
using rnn::opt;
using rnn::same_float;

// ---------------------------------------------------------------- LSTM forward

// One sample's step: a holds h·U [4U] on entry and the activations i, f, g, o after; h and c
// are updated in place. (x + b) + h·U rounds as the op-by-op path does. Separate restrict
// pointers let the loops vectorise without alias checks.
template <class T>
[[gnu::always_inline]] inline void lstm_cell_row(const T* __restrict x, const T* __restrict bias,
                                                 T* __restrict a, T* __restrict h,
                                                 T* __restrict c, int64_t U) {
  for (int64_t j = 0; j < 2 * U; j++) a[j] = Act<T>::sigmoid((x[j] + bias[j]) + a[j]);
  for (int64_t j = 2 * U; j < 3 * U; j++) a[j] = Act<T>::tanh((x[j] + bias[j]) + a[j]);
  for (int64_t j = 3 * U; j < 4 * U; j++) a[j] = Act<T>::sigmoid((x[j] + bias[j]) + a[j]);
  for (int64_t j = 0; j < U; j++) {
    const T cn = a[U + j] * c[j] + a[j] * a[2 * U + j];
    c[j] = cn;
    h[j] = a[3 * U + j] * Act<T>::tanh(cn);
  }
}

// Step t's gate arithmetic for samples [b0, b1). z holds their h·U [b1 − b0, 4U] on entry and
// the activations after; h and c ([batch, U], the running states) are updated in place. gates
// may be xp itself: a row is copied there only after the row of xp has been read.
template <class T>
STRATA_SIMD_CLONES void lstm_step(const T* xp, const T* bias, const uint8_t* mask, T* z, T* h,
                                  T* c, T* hs, T* cs, T* gates, int64_t b0, int64_t b1,
                                  int64_t steps, int64_t U, int64_t t) {
  const int64_t G = 4 * U;
  for (int64_t b = b0; b < b1; b++) {
    const int64_t row = b * steps + t;
    if (!mask || mask[row]) {
      T* a = z + (b - b0) * G;
      lstm_cell_row(xp + row * G, bias, a, h + b * U, c + b * U, U);
      if (gates) std::memcpy(gates + row * G, a, sizeof(T) * G);
    }
    if (hs) std::memcpy(hs + row * U, h + b * U, sizeof(T) * U);
    if (cs) std::memcpy(cs + row * U, c + b * U, sizeof(T) * U);
  }
}

template <class T>
void lstm_forward_loop(const T* xp, const T* u, const T* bias, const T* h0, const T* c0,
                       const uint8_t* mask, T* h, T* c, T* hs, T* cs, T* gates, int64_t batch,
                       int64_t steps, int64_t U) {
  std::copy(h0, h0 + batch * U, h);
  std::copy(c0, c0 + batch * U, c);
  if (batch == 0 || U == 0) return;
  const int64_t G = 4 * U;
  std::vector<T> b(static_cast<size_t>(G));
  if (bias) std::copy(bias, bias + G, b.begin());
  parallel_for(batch, rnn::batch_grain(steps, G), [&](int64_t b0, int64_t b1) {
    std::vector<T> z(static_cast<size_t>((b1 - b0) * G));
    for (int64_t t = 0; t < steps; t++) {
      gemm(false, false, b1 - b0, G, U, h + b0 * U, U, u, G, T(0), z.data(), G);
      lstm_step(xp, b.data(), mask, z.data(), h, c, hs, cs, gates, b0, b1, steps, U, t);
    }
  });
}

// ---------------------------------------------------------------- LSTM backward

// One sample's step backward. With tc = tanh(c_t) and dh, dc the gradients reaching h_t, c_t:
//   do = dh ⊙ tc,  dc ← dc + dh ⊙ o ⊙ (1 − tc²)
//   dz = [dc ⊙ g ⊙ i(1−i), dc ⊙ c_{t−1} ⊙ f(1−f), dc ⊙ i ⊙ (1−g²), do ⊙ o(1−o)]
//   dc_{t−1} = dc ⊙ f
template <class T>
[[gnu::always_inline]] inline void lstm_cell_row_back(const T* __restrict a,
                                                      const T* __restrict cn,
                                                      const T* __restrict cp,
                                                      const T* __restrict dh, T* __restrict dc,
                                                      T* __restrict dz, int64_t U) {
  for (int64_t j = 0; j < U; j++) {
    const T i = a[j], f = a[U + j], g = a[2 * U + j], o = a[3 * U + j];
    const T tc = Act<T>::tanh(cn[j]);
    const T dct = dc[j] + dh[j] * o * (T(1) - tc * tc);
    dz[j] = dct * g * i * (T(1) - i);
    dz[U + j] = dct * cp[j] * f * (T(1) - f);
    dz[2 * U + j] = dct * i * (T(1) - g * g);
    dz[3 * U + j] = dh[j] * tc * o * (T(1) - o);
    dc[j] = dct * f;
  }
}

// Step t backward for samples [b0, b1), whose dh and dc ([b1 − b0, U]) are the gradients reaching
// h_t and c_t: dh gains dhSeq[:, t], then each sample's dz goes to its row of dxProj (zeros where
// masked: those samples carry dh and dc through) and into db. dxProj may be the gates array
// itself: a row is read whole (into `row_dz` first) before it is written.
template <class T>
STRATA_SIMD_CLONES void lstm_step_back(const T* c0, const uint8_t* mask, const T* cs,
                                       const T* gates, const T* dhs, T* dh, T* dc, T* dxp,
                                       T* db, T* row_dz, int64_t b0, int64_t b1,
                                       int64_t steps, int64_t U, int64_t t) {
  const int64_t G = 4 * U;
  for (int64_t b = b0; b < b1; b++) {
    const int64_t row = b * steps + t;
    T* dhb = dh + (b - b0) * U;
    if (dhs) {
      const T* d = dhs + row * U;
      for (int64_t j = 0; j < U; j++) dhb[j] += d[j];
    }
    T* dz = dxp + row * G;
    if (mask && !mask[row]) {
      std::fill(dz, dz + G, T(0));
      continue;
    }
    const T* cp = t > 0 ? cs + (row - 1) * U : c0 + b * U;
    lstm_cell_row_back(gates + row * G, cs + row * U, cp, dhb, dc + (b - b0) * U, row_dz, U);
    std::memcpy(dz, row_dz, sizeof(T) * G);
    for (int64_t q = 0; q < G; q++) db[q] += row_dz[q];
  }
}

template <class T>
void lstm_backward_loop(const T* u, const T* h0, const T* c0, const uint8_t* mask, const T* hs,
                        const T* cs, const T* gates, const T* dhs, const T* dhl, const T* dcl,
                        T* dxp, T* du, T* dbias, T* dh0, T* dc0, int64_t batch, int64_t steps,
                        int64_t U) {
  const int64_t G = 4 * U, n = batch * U;
  std::vector<double> db(static_cast<size_t>(G));
  if (n > 0) {
    std::mutex merge;
    parallel_for(batch, rnn::batch_grain(steps, G), [&](int64_t b0, int64_t b1) {
      const int64_t rows = b1 - b0;
      const size_t sn = static_cast<size_t>(rows * U);
      std::vector<T> dh(sn), dc(sn), prev(sn), row_dz(static_cast<size_t>(G));
      // db sums a step's rows in T (at most a block of the batch), the steps in double.
      std::vector<T> db_step(static_cast<size_t>(G));
      std::vector<double> db_block(static_cast<size_t>(G));
      if (dhl) std::copy(dhl + b0 * U, dhl + b1 * U, dh.begin());
      if (dcl) std::copy(dcl + b0 * U, dcl + b1 * U, dc.begin());
      for (int64_t t = steps - 1; t >= 0; t--) {
        std::fill(db_step.begin(), db_step.end(), T(0));
        lstm_step_back(c0, mask, cs, gates, dhs, dh.data(), dc.data(), dxp, db_step.data(),
                       row_dz.data(), b0, b1, steps, U, t);
        for (int64_t q = 0; q < G; q++) db_block[q] += static_cast<double>(db_step[q]);
        // dh_{t−1} = dz_t·Uᵀ, dz_t being the block's rows of step t (stride steps·4U).
        gemm(false, true, rows, U, G, dxp + (b0 * steps + t) * G, steps * G, u, G, T(0),
             prev.data(), U);
        if (mask) {
          for (int64_t b = b0; b < b1; b++) {
            T* d = &dh[(b - b0) * U];
            if (!mask[b * steps + t]) std::copy(d, d + U, &prev[(b - b0) * U]);
          }
        }
        std::swap(dh, prev);
      }
      std::copy(dh.begin(), dh.end(), dh0 + b0 * U);
      std::copy(dc.begin(), dc.end(), dc0 + b0 * U);
      std::lock_guard<std::mutex> lock(merge);
      for (int64_t q = 0; q < G; q++) db[q] += db_block[q];
    });
  }
  if (dbias) {
    for (int64_t q = 0; q < G; q++) dbias[q] = static_cast<T>(db[q]);
  }
  rnn::recurrent_kernel_grad(hs, h0, dxp, du, batch, steps, U, G);
}

}  // namespace

bool lstm_forward(const Buf& x_proj, const Buf& u, const Buf* bias, const Buf& h0, const Buf& c0,
                  const Buf* mask, const Buf& h_last, const Buf& c_last, const Buf* h_seq,
                  const Buf* c_seq, const Buf* gates, const RnnParams& g) {
  if (!same_float(x_proj.dtype, {&u, bias, &h0, &c0, &h_last, &c_last, h_seq, c_seq, gates}) ||
      (mask && mask->dtype != DType::u8)) {
    return false;
  }
  return visit_float(x_proj.dtype, [&](auto tag) {
    using T = decltype(tag);
    lstm_forward_loop(as<T>(x_proj), as<T>(u), opt<T>(bias), as<T>(h0), as<T>(c0),
                      opt<uint8_t>(mask),
                      as<T>(h_last), as<T>(c_last), opt<T>(h_seq), opt<T>(c_seq), opt<T>(gates),
                      g.batch, g.steps, g.units);
    return true;
  });
}

bool lstm_backward(const Buf& u, const Buf& h0, const Buf& c0, const Buf* mask, const Buf& h_seq,
                   const Buf& c_seq, const Buf& gates, const Buf* dh_seq, const Buf* dh_last,
                   const Buf* dc_last, const Buf& dx_proj, const Buf& du, const Buf* dbias,
                   const Buf& dh0, const Buf& dc0, const RnnParams& g) {
  if (!same_float(u.dtype, {&h0, &c0, &h_seq, &c_seq, &gates, dh_seq, dh_last, dc_last,
                            &dx_proj, &du, dbias, &dh0, &dc0}) ||
      (mask && mask->dtype != DType::u8)) {
    return false;
  }
  // An empty typed array may have no data pointer; otherwise these three are required.
  if (g.batch * g.steps * g.units > 0 && (!h_seq.data || !c_seq.data || !gates.data)) {
    return false;
  }
  return visit_float(u.dtype, [&](auto tag) {
    using T = decltype(tag);
    lstm_backward_loop(as<T>(u), as<T>(h0), as<T>(c0), opt<uint8_t>(mask), as<T>(h_seq),
                       as<T>(c_seq), as<T>(gates), opt<T>(dh_seq), opt<T>(dh_last),
                       opt<T>(dc_last), as<T>(dx_proj), as<T>(du), opt<T>(dbias), as<T>(dh0),
                       as<T>(dc0),
                       g.batch, g.steps, g.units);
    return true;
  });
}

}  // namespace strata
