// Fused optimizer updates (UpdateRule in src/backend/backend.ts): one threaded pass per weight
// that updates the slots in place and writes the new weight, instead of ~9 elementwise ops that
// each allocate a weight-sized array. Arithmetic is in the arrays' own precision so the loops
// vectorise; the TypeScript reference computes in double and agrees to float32 tolerance.

#include <cmath>

#include "kernels.h"
#include "thread-pool.h"

namespace strata {
namespace {

constexpr int64_t kGrain = 1 << 15;

template <class T>
void sgd(const T* w, const T* g, T* m, T* out, int64_t n, const double* h) {
  const T lr = T(h[0]), keep = T(1 - h[1]), mu = T(h[2]);
  const bool nesterov = h[3] != 0;
  parallel_for(n, kGrain, [=](int64_t begin, int64_t end) {
    if (m == nullptr) {
      for (int64_t i = begin; i < end; i++) out[i] = w[i] * keep - lr * g[i];
      return;
    }
    for (int64_t i = begin; i < end; i++) {
      const T step = lr * g[i];
      const T v = mu * m[i] - step;
      m[i] = v;
      out[i] = w[i] * keep + (nesterov ? mu * v - step : v);
    }
  });
}

template <class T>
void rmsprop(const T* w, const T* g, T* v, T* m, T* a, T* out, int64_t n, const double* h) {
  const T lr = T(h[0]), keep = T(1 - h[1]), rho = T(h[2]), mu = T(h[3]), eps = T(h[4]);
  const T one_minus_rho = T(1 - h[2]);
  parallel_for(n, kGrain, [=](int64_t begin, int64_t end) {
    if (m == nullptr && a == nullptr) {  // the default configuration: the loop that vectorises
      for (int64_t i = begin; i < end; i++) {
        const T vi = rho * v[i] + one_minus_rho * g[i] * g[i];
        v[i] = vi;
        out[i] = w[i] * keep - lr * g[i] / std::sqrt(vi + eps);
      }
      return;
    }
    for (int64_t i = begin; i < end; i++) {
      const T gi = g[i];
      const T vi = rho * v[i] + one_minus_rho * gi * gi;
      v[i] = vi;
      T denominator = vi + eps;
      if (a != nullptr) {
        const T ai = rho * a[i] + one_minus_rho * gi;
        a[i] = ai;
        denominator -= ai * ai;
      }
      T step = lr * gi / std::sqrt(denominator);
      if (m != nullptr) {
        step += mu * m[i];
        m[i] = step;
      }
      out[i] = w[i] * keep - step;
    }
  });
}

template <class T>
void adam(const T* w, const T* g, T* m, T* v, T* v_hat, T* out, int64_t n, const double* h) {
  const T alpha = T(h[0]), keep = T(1 - h[1]), eps = T(h[4]);
  const T one_minus_b1 = T(1 - h[2]), one_minus_b2 = T(1 - h[3]);
  parallel_for(n, kGrain, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) {
      const T gi = g[i];
      const T mi = m[i] + (gi - m[i]) * one_minus_b1;
      T vi = v[i] + (gi * gi - v[i]) * one_minus_b2;
      m[i] = mi;
      v[i] = vi;
      if (v_hat != nullptr) {
        vi = std::max(v_hat[i], vi);
        v_hat[i] = vi;
      }
      out[i] = w[i] * keep - alpha * mi / (std::sqrt(vi) + eps);
    }
  });
}

}  // namespace

bool apply_update(UpdateRule rule, const Buf& w, const Buf& g, const Buf* slots, int n_slots,
                  const Buf& out, const double* h) {
  if (g.dtype != w.dtype || out.dtype != w.dtype) return false;
  for (int s = 0; s < n_slots; s++) {
    if (slots[s].dtype != w.dtype) return false;
  }
  return visit_float(w.dtype, [&](auto tag) {
    using T = decltype(tag);
    const auto slot = [&](int s) { return s < n_slots ? as<T>(slots[s]) : nullptr; };
    const T* wp = as<T>(w);
    const T* gp = as<T>(g);
    T* op = as<T>(out);
    switch (rule) {
      case UpdateRule::Sgd: sgd(wp, gp, slot(0), op, w.length, h); break;
      case UpdateRule::Rmsprop: {
        const bool momentum = h[3] > 0, centered = h[5] != 0;
        rmsprop(wp, gp, slot(0), momentum ? slot(1) : nullptr,
                centered ? slot(momentum ? 2 : 1) : nullptr, op, w.length, h);
        break;
      }
      case UpdateRule::Adam:
        adam(wp, gp, slot(0), slot(1), h[5] != 0 ? slot(2) : nullptr, op, w.length, h);
        break;
    }
    return true;
  });
}

}  // namespace strata
