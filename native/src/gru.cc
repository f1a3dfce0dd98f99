// A fused GRU (Keras's reset_after = True: gates z, r, h, the reset gate applied after the
// recurrent product, which has its own bias) over every timestep in one call, forward and
// backward, structured as lstm.cc (see rnn.h). The TypeScript reference is src/backend/ts/rnn.ts.

#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "rnn.h"

namespace strata {
namespace {

using rnn::Act;
using rnn::opt;
using rnn::same_float;

// ---------------------------------------------------------------- GRU forward

// One sample's step, a holding h·U [3U] on entry, x the step's row of xProj:
//   z = σ((x_z + b_z) + (a_z + b'_z)),  r = σ((x_r + b_r) + (a_r + b'_r)),  hh = a_h + b'_h
//   h̃ = tanh((x_h + b_h) + r ⊙ hh),  h' = h̃ + z ⊙ (h − h̃)
// (rounded as the op-by-op path rounds). Leaves z, r, hh in a (what backward needs), h' in h.
template <class T>
[[gnu::always_inline]] inline void gru_cell_row(const T* __restrict x, const T* __restrict b,
                                                const T* __restrict rb, T* __restrict a,
                                                T* __restrict h, int64_t U) {
  for (int64_t j = 0; j < 2 * U; j++) a[j] = Act<T>::sigmoid((x[j] + b[j]) + (a[j] + rb[j]));
  for (int64_t j = 0; j < U; j++) {
    const T hh = a[2 * U + j] + rb[2 * U + j];
    const T ht = Act<T>::tanh((x[2 * U + j] + b[2 * U + j]) + a[U + j] * hh);
    a[2 * U + j] = hh;
    h[j] = ht + a[j] * (h[j] - ht);
  }
}

// Step t for samples [b0, b1); z holds their h·U [b1 − b0, 3U] on entry.
template <class T>
STRATA_SIMD_CLONES void gru_step(const T* xp, const T* bias, const T* rbias, const uint8_t* mask,
                                 T* z, T* h, T* hs, T* gates, int64_t b0, int64_t b1,
                                 int64_t steps, int64_t U, int64_t t) {
  const int64_t G = 3 * U;
  for (int64_t b = b0; b < b1; b++) {
    const int64_t row = b * steps + t;
    if (!mask || mask[row]) {
      T* a = z + (b - b0) * G;
      gru_cell_row(xp + row * G, bias, rbias, a, h + b * U, U);
      if (gates) std::memcpy(gates + row * G, a, sizeof(T) * G);
    }
    if (hs) std::memcpy(hs + row * U, h + b * U, sizeof(T) * U);
  }
}

template <class T>
void gru_forward_loop(const T* xp, const T* u, const T* bias, const T* rbias, const T* h0,
                      const uint8_t* mask, T* h, T* hs, T* gates, int64_t batch, int64_t steps,
                      int64_t U) {
  std::copy(h0, h0 + batch * U, h);
  if (batch == 0 || U == 0) return;
  const int64_t G = 3 * U;
  std::vector<T> b(static_cast<size_t>(G)), rb(static_cast<size_t>(G));
  if (bias) std::copy(bias, bias + G, b.begin());
  if (rbias) std::copy(rbias, rbias + G, rb.begin());
  parallel_for(batch, rnn::batch_grain(steps, G), [&](int64_t b0, int64_t b1) {
    std::vector<T> z(static_cast<size_t>((b1 - b0) * G));
    for (int64_t t = 0; t < steps; t++) {
      gemm(false, false, b1 - b0, G, U, h + b0 * U, U, u, G, T(0), z.data(), G);
      gru_step(xp, b.data(), rb.data(), mask, z.data(), h, hs, gates, b0, b1, steps, U, t);
    }
  });
}

// ---------------------------------------------------------------- GRU backward

// One sample's step backward, dh the gradient reaching h_t, hp = h_{t−1}, h̃ recomputed:
//   dz = dh ⊙ (hp − h̃),  dh̃ = dh ⊙ (1 − z),  da_h = dh̃ ⊙ (1 − h̃²),  dr = da_h ⊙ hh
//   dx = [dz ⊙ z(1−z), dr ⊙ r(1−r), da_h]       (the input pre-activations)
//   drec = [dx_z, dx_r, da_h ⊙ r]                (the recurrent ones, h·U + b')
//   dprev = dh ⊙ z                                (dh_{t−1} before drec·Uᵀ is added)
template <class T>
[[gnu::always_inline]] inline void gru_cell_row_back(const T* __restrict x, const T* __restrict b,
                                                     const T* __restrict a,
                                                     const T* __restrict hp,
                                                     const T* __restrict dh, T* __restrict dx,
                                                     T* __restrict drec, T* __restrict dprev,
                                                     int64_t U) {
  for (int64_t j = 0; j < U; j++) {
    const T z = a[j], r = a[U + j], hh = a[2 * U + j];
    const T ht = Act<T>::tanh((x[2 * U + j] + b[2 * U + j]) + r * hh);
    const T dah = dh[j] * (T(1) - z) * (T(1) - ht * ht);
    const T daz = dh[j] * (hp[j] - ht) * z * (T(1) - z);
    const T dar = dah * hh * r * (T(1) - r);
    dx[j] = daz;
    dx[U + j] = dar;
    dx[2 * U + j] = dah;
    drec[j] = daz;
    drec[U + j] = dar;
    drec[2 * U + j] = dah * r;
    dprev[j] = dh[j] * z;
  }
}

// Step t backward for samples [b0, b1): dh gains dhSeq[:, t]; each sample's dx goes to its row
// of dxProj (which may be xp itself: the row is read first) and drec to its row of the
// workspace; prev receives dh_{t−1} but for drec·Uᵀ. Masked samples carry dh, with zero rows.
template <class T>
STRATA_SIMD_CLONES void gru_step_back(const T* xp, const T* bias, const T* h0, const uint8_t* mask,
                                      const T* hs, const T* gates, const T* dhs, T* dh, T* prev,
                                      T* dxp, T* drec, T* row_dx, T* db, T* drb,
                                      int64_t b0, int64_t b1, int64_t steps, int64_t U,
                                      int64_t t) {
  const int64_t G = 3 * U;
  for (int64_t b = b0; b < b1; b++) {
    const int64_t row = b * steps + t;
    T* dhb = dh + (b - b0) * U;
    T* pb = prev + (b - b0) * U;
    if (dhs) {
      const T* d = dhs + row * U;
      for (int64_t j = 0; j < U; j++) dhb[j] += d[j];
    }
    T* dr = drec + row * G;
    if (mask && !mask[row]) {
      std::fill(dxp + row * G, dxp + (row + 1) * G, T(0));
      std::fill(dr, dr + G, T(0));
      std::memcpy(pb, dhb, sizeof(T) * U);
      continue;
    }
    const T* hp = t > 0 ? hs + (row - 1) * U : h0 + b * U;
    gru_cell_row_back(xp + row * G, bias, gates + row * G, hp, dhb, row_dx, dr, pb, U);
    std::memcpy(dxp + row * G, row_dx, sizeof(T) * G);
    for (int64_t q = 0; q < G; q++) db[q] += row_dx[q];
    for (int64_t q = 0; q < G; q++) drb[q] += dr[q];
  }
}

template <class T>
void gru_backward_loop(const T* xp, const T* u, const T* bias, const T* h0, const uint8_t* mask,
                       const T* hs, const T* gates, const T* dhs, const T* dhl, T* dxp, T* du,
                       T* dbias, T* drbias, T* dh0, int64_t batch, int64_t steps, int64_t U) {
  const int64_t G = 3 * U;
  std::vector<double> db(static_cast<size_t>(G)), drb(static_cast<size_t>(G));
  // The recurrent pre-activations' gradient of every step, for du (every row gets written).
  std::unique_ptr<T[]> drec(new T[static_cast<size_t>(batch * steps * G)]);
  if (batch * U > 0) {
    std::vector<T> b(static_cast<size_t>(G));
    if (bias) std::copy(bias, bias + G, b.begin());
    std::mutex merge;
    parallel_for(batch, rnn::batch_grain(steps, G), [&](int64_t b0, int64_t b1) {
      const int64_t rows = b1 - b0;
      const size_t sn = static_cast<size_t>(rows * U);
      std::vector<T> dh(sn), prev(sn), row_dx(static_cast<size_t>(G));
      // The bias gradients sum a step's rows in T (at most a block of the batch), steps in double.
      std::vector<T> db_step(static_cast<size_t>(G)), drb_step(static_cast<size_t>(G));
      std::vector<double> db_block(static_cast<size_t>(G)), drb_block(static_cast<size_t>(G));
      if (dhl) std::copy(dhl + b0 * U, dhl + b1 * U, dh.begin());
      for (int64_t t = steps - 1; t >= 0; t--) {
        std::fill(db_step.begin(), db_step.end(), T(0));
        std::fill(drb_step.begin(), drb_step.end(), T(0));
        gru_step_back(xp, b.data(), h0, mask, hs, gates, dhs, dh.data(), prev.data(), dxp,
                      drec.get(), row_dx.data(), db_step.data(), drb_step.data(), b0, b1, steps,
                      U, t);
        for (int64_t q = 0; q < G; q++) {
          db_block[q] += static_cast<double>(db_step[q]);
          drb_block[q] += static_cast<double>(drb_step[q]);
        }
        // dh_{t−1} += drec_t·Uᵀ over the block's rows of step t (stride steps·3U).
        gemm(false, true, rows, U, G, drec.get() + (b0 * steps + t) * G, steps * G, u, G, T(1),
             prev.data(), U);
        std::swap(dh, prev);
      }
      std::copy(dh.begin(), dh.end(), dh0 + b0 * U);
      std::lock_guard<std::mutex> lock(merge);
      for (int64_t q = 0; q < G; q++) {
        db[q] += db_block[q];
        drb[q] += drb_block[q];
      }
    });
  }
  for (int64_t q = 0; q < G; q++) {
    if (dbias) dbias[q] = static_cast<T>(db[q]);
    if (drbias) drbias[q] = static_cast<T>(drb[q]);
  }
  rnn::recurrent_kernel_grad(hs, h0, drec.get(), du, batch, steps, U, G);
}

}  // namespace

bool gru_forward(const Buf& x_proj, const Buf& u, const Buf* bias, const Buf* rbias,
                 const Buf& h0, const Buf* mask, const Buf& h_last, const Buf* h_seq,
                 const Buf* gates, const RnnParams& g) {
  if (!same_float(x_proj.dtype, {&u, bias, rbias, &h0, &h_last, h_seq, gates}) ||
      (mask && mask->dtype != DType::u8)) {
    return false;
  }
  return visit_float(x_proj.dtype, [&](auto tag) {
    using T = decltype(tag);
    gru_forward_loop(as<T>(x_proj), as<T>(u), opt<T>(bias), opt<T>(rbias), as<T>(h0),
                     opt<uint8_t>(mask), as<T>(h_last), opt<T>(h_seq), opt<T>(gates), g.batch,
                     g.steps, g.units);
    return true;
  });
}

bool gru_backward(const Buf& x_proj, const Buf& u, const Buf* bias, const Buf& h0,
                  const Buf* mask, const Buf& h_seq, const Buf& gates, const Buf* dh_seq,
                  const Buf* dh_last, const Buf& dx_proj, const Buf& du, const Buf* dbias,
                  const Buf* drbias, const Buf& dh0, const RnnParams& g) {
  if (!same_float(x_proj.dtype, {&u, bias, &h0, &h_seq, &gates, dh_seq, dh_last, &dx_proj,
                                 &du, dbias, drbias, &dh0}) ||
      (mask && mask->dtype != DType::u8)) {
    return false;
  }
  // An empty typed array may have no data pointer; otherwise these two are required.
  if (g.batch * g.steps * g.units > 0 && (!h_seq.data || !gates.data)) return false;
  return visit_float(x_proj.dtype, [&](auto tag) {
    using T = decltype(tag);
    gru_backward_loop(as<T>(x_proj), as<T>(u), opt<T>(bias), as<T>(h0), opt<uint8_t>(mask),
                      as<T>(h_seq), as<T>(gates), opt<T>(dh_seq), opt<T>(dh_last),
                      as<T>(dx_proj), as<T>(du), opt<T>(dbias), opt<T>(drbias), as<T>(dh0),
                      g.batch, g.steps, g.units);
    return true;
  });
}

}  // namespace strata
