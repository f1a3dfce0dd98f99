// Data movement: strided copy (transpose, broadcast, slice, flip, pad, concat), gather and its
// adjoint scatterAdd. Copy and gather move bits, so they run per element width, not per dtype.

#include "kernels.h"
#include "thread-pool.h"

namespace strata {
namespace {

constexpr int64_t kGrain = 1 << 15;

int element_width(DType d) {
  switch (d) {
    case DType::f64: return 8;
    case DType::f32:
    case DType::i32: return 4;
    case DType::u8: return 1;
  }
  return 0;
}

template <class E>
void copy_loop(const E* x, E* out, const Plan& p) {
  const int last = p.rank - 1;
  const int64_t sx = p.rank ? p.strides[0][last] : 0;
  const int64_t so = p.rank ? p.strides[1][last] : 0;
  const auto body = [&](int64_t begin, int64_t end) {
    p.walk(begin, end, [&](const int64_t* off, int64_t n) {
      const E* src = x + off[0];
      E* dst = out + off[1];
      if (sx == 1 && so == 1) {
        std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(E));
      } else {
        for (int64_t i = 0; i < n; i++) dst[i * so] = src[i * sx];
      }
    });
  };
  // An output axis of stride 0 writes one place many times, and the last write must win as in
  // the sequential reference: such plans stay on one thread.
  bool overlapping = false;
  for (int d = 0; d < p.rank; d++) overlapping |= p.strides[1][d] == 0;
  if (overlapping) body(0, p.size());
  else parallel_for(p.size(), kGrain, body);
}

}  // namespace

bool copy(const Buf& x, const Buf& out, Plan& plan) {
  if (x.dtype != out.dtype) return false;
  plan.operands = 2;
  plan.simplify();
  switch (element_width(x.dtype)) {
    case 8: copy_loop(as<uint64_t>(x), as<uint64_t>(out), plan); return true;
    case 4: copy_loop(as<uint32_t>(x), as<uint32_t>(out), plan); return true;
    case 1: copy_loop(as<uint8_t>(x), as<uint8_t>(out), plan); return true;
  }
  return false;
}

// Every index is in [0, axis_size): src/backend/native/checks.ts scans them before the call.
bool gather(const Buf& x, const Buf& index_buf, const Buf& out, int64_t outer, int64_t axis_size,
            int64_t inner) {
  if (x.dtype != out.dtype) return false;
  const int32_t* indices = as<int32_t>(index_buf);
  const int64_t n = index_buf.length;
  const size_t width = static_cast<size_t>(element_width(x.dtype));
  const char* src = static_cast<const char*>(x.data);
  char* dst = static_cast<char*>(out.data);
  const size_t row = static_cast<size_t>(inner) * width;
  // One task per gathered row [o, j]: a memcpy of `inner` elements.
  parallel_for(outer * n, std::max<int64_t>(1, kGrain / std::max<int64_t>(inner, 1)),
               [&](int64_t begin, int64_t end) {
                 for (int64_t r = begin; r < end; r++) {
                   const int64_t o = r / n, j = r % n;
                   std::memcpy(dst + r * row, src + (o * axis_size + indices[j]) * row, row);
                 }
               });
  return true;
}

bool scatter_add(const Buf& updates, const Buf& index_buf, const Buf& out, int64_t outer,
                 int64_t axis_size, int64_t inner) {
  if (updates.dtype != out.dtype) return false;
  const int32_t* indices = as<int32_t>(index_buf);
  const int64_t n = index_buf.length;
  // Repeated indices add into the same row, so tasks split the independent axes only: each task
  // owns a block of `inner` columns of one outer slice and walks every j in order.
  const int64_t block = std::min<int64_t>(std::max<int64_t>(inner, 1), 4096);
  const int64_t blocks = (inner + block - 1) / block;
  visit(out.dtype, [&](auto tag) {
    using T = decltype(tag);
    using C = compute_t<T>;
    const T* u = as<T>(updates);
    T* o = as<T>(out);
    parallel_for(outer * blocks, std::max<int64_t>(1, kGrain / std::max<int64_t>(n * block, 1)),
                 [&](int64_t begin, int64_t end) {
                   for (int64_t t = begin; t < end; t++) {
                     const int64_t ob = t / blocks;
                     const int64_t i0 = (t % blocks) * block;
                     const int64_t i1 = std::min(inner, i0 + block);
                     for (int64_t j = 0; j < n; j++) {
                       T* dst = o + (ob * axis_size + indices[j]) * inner;
                       const T* src = u + (ob * n + j) * inner;
                       for (int64_t i = i0; i < i1; i++) {
                         dst[i] = store<T>(static_cast<C>(dst[i]) + static_cast<C>(src[i]));
                       }
                     }
                   }
                 });
    return true;
  });
  return true;
}

}  // namespace strata
