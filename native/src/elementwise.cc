// Elementwise kernels: unary, binary (broadcast through strided plans), where, cast.
//
// Results match the reference backend (src/backend/reference) bit for bit wherever that is
// cheap: + − × ÷ √ and friends run in the element type (for float32 that equals computing in
// double and rounding once), while transcendental functions, pow, mod and floorDiv run in double
// and round once, as the reference's JavaScript numbers do (float32 exp and sigmoid use the TS
// backend's float32-accuracy exp, within 1 ulp). Integers compute in double and store with
// JavaScript's wrapping conversions, except squares, × and pow on int32 outputs (imul semantics).

#include <cmath>

#include "exp-f32.h"
#include "kernels.h"
#include "thread-pool.h"

namespace strata {
namespace {

constexpr int64_t kGrain = 1 << 15;

// Math.imul: the low 32 bits of the exact product.
inline int32_t Mul32(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}

// ---------------------------------------------------------------- unary functors

struct Neg { template <class C> static C f(C v) { return -v; } };
struct Abs { template <class C> static C f(C v) { return std::abs(v); } };
// sign(±0) = +0 and sign(NaN) = NaN, as NumPy's.
struct Sign {
  template <class C> static C f(C v) { return v > 0 ? C(1) : v < 0 ? C(-1) : v == 0 ? C(0) : v; }
};
struct Square {
  template <class C> static C f(C v) { return v * v; }
  // The low 32 bits of the exact square (a double loses them past 2^53).
  static int32_t fi(int32_t v) { return Mul32(v, v); }
};
struct Sqrt { template <class C> static C f(C v) { return std::sqrt(v); } };
struct Rsqrt { static double f(double v) { return 1.0 / std::sqrt(v); } };
struct Reciprocal { template <class C> static C f(C v) { return C(1) / v; } };
struct Exp {
  static double f(double v) { return std::exp(v); }
  static double f32(double v) { return exp_f32(v); }
};
struct Expm1 { static double f(double v) { return std::expm1(v); } };
struct Log { static double f(double v) { return std::log(v); } };
struct Log1p { static double f(double v) { return std::log1p(v); } };
struct Sin { static double f(double v) { return std::sin(v); } };
struct Cos { static double f(double v) { return std::cos(v); } };
struct Tan { static double f(double v) { return std::tan(v); } };
struct Tanh { static double f(double v) { return std::tanh(v); } };
// σ(x) = 1 / (1 + e^-x), written so that e^|x| never overflows.
struct Sigmoid {
  static double f(double v) {
    if (v >= 0) return 1.0 / (1.0 + std::exp(-v));
    double e = std::exp(v);
    return e / (1.0 + e);
  }
  static double f32(double v) { return 1.0 / (1.0 + exp_f32(-v)); }
};
struct Erf { static double f(double v) { return std::erf(v); } };
// relu(-0) = +0 and relu(NaN) = NaN, as the reference.
struct Relu { template <class C> static C f(C v) { return v <= 0 ? C(0) : v; } };
// log(1 + e^x) = max(x, 0) + log1p(e^-|x|), free of overflow.
struct Softplus {
  static double f(double v) { return std::max(v, 0.0) + std::log1p(std::exp(-std::abs(v))); }
};
struct Floor { template <class C> static C f(C v) { return std::floor(v); } };
struct Ceil { template <class C> static C f(C v) { return std::ceil(v); } };
// The default rounding mode rounds half to even, as NumPy does.
struct Round { template <class C> static C f(C v) { return std::nearbyint(v); } };
struct LogicalNot { template <class C> static bool f(C v) { return v == 0; } };
struct Isnan { template <class C> static bool f(C v) { return v != v; } };
struct Isfinite { template <class C> static bool f(C v) { return std::isfinite(v); } };
struct Asin { static double f(double v) { return std::asin(v); } };
struct Acos { static double f(double v) { return std::acos(v); } };
struct Atan { static double f(double v) { return std::atan(v); } };
struct Sinh { static double f(double v) { return std::sinh(v); } };
struct Cosh { static double f(double v) { return std::cosh(v); } };
struct Asinh { static double f(double v) { return std::asinh(v); } };
struct Acosh { static double f(double v) { return std::acosh(v); } };
struct Atanh { static double f(double v) { return std::atanh(v); } };

// ---------------------------------------------------------------- binary functors

struct Add { template <class C> static C f(C a, C b) { return a + b; } };
struct Sub { template <class C> static C f(C a, C b) { return a - b; } };
struct Mul {
  template <class C> static C f(C a, C b) { return a * b; }
  static int32_t fi(int32_t a, int32_t b) { return Mul32(a, b); }
};
struct Div { template <class C> static C f(C a, C b) { return a / b; } };
struct Pow {
  // C's pow is NumPy's: 1^y = 1 for every y and (−1)^±∞ = 1 (where Math.pow gives NaN).
  static double f(double a, double b) { return std::pow(a, b); }
  // Integer power by squaring in wrapping int32 arithmetic, as NumPy computes it.
  static int32_t fi(int32_t x, int32_t y) {
    if (y < 0) return x == 1 ? 1 : x == -1 ? (y % 2 ? -1 : 1) : 0;
    uint32_t r = 1, b = static_cast<uint32_t>(x);
    for (uint32_t e = static_cast<uint32_t>(y); e > 0; e >>= 1) {
      if (e & 1) r *= b;
      b *= b;
    }
    return static_cast<int32_t>(r);
  }
};
// Math.max / Math.min: NaN wins, and +0 is larger than -0.
struct Max {
  template <class C> static C f(C a, C b) {
    if (a != a || b != b) return a + b;
    if (a == b) return std::signbit(a) ? b : a;
    return a > b ? a : b;
  }
};
struct Min {
  template <class C> static C f(C a, C b) {
    if (a != a || b != b) return a + b;
    if (a == b) return std::signbit(a) ? a : b;
    return a < b ? a : b;
  }
};
// Python's and NumPy's modulo: fmod's result moved by b when its sign differs from b's; a zero
// result takes b's sign (−4 % 2 = +0, 4 % −2 = −0).
struct Mod {
  static double f(double a, double b) {
    double r = std::fmod(a, b);
    if (b == 0) return r;
    if (r == 0) return std::copysign(0.0, b);
    return (r < 0) != (b < 0) ? r + b : r;
  }
};
// Python's and NumPy's floor division, consistent with Mod: (a − fmod(a, b)) / b, one less when
// the remainder is moved, snapped to an integer; a zero quotient takes the sign of a / b. Not
// ⌊a / b⌋: 1 // 0.1 = 9 (⌊1 / 0.1⌋ = 10), −1 // ∞ = −1, ∞ // 2 = NaN.
struct FloorDiv {
  static double f(double a, double b) {
    if (b == 0) return a / b;
    double r = std::fmod(a, b);
    double q = (a - r) / b;
    if (r != 0 && (r < 0) != (b < 0)) q -= 1;
    if (q == 0) return std::copysign(0.0, a / b);
    double fl = std::floor(q);
    return q - fl > 0.5 ? fl + 1 : fl;
  }
};
struct Eq { template <class C> static bool f(C a, C b) { return a == b; } };
struct Ne { template <class C> static bool f(C a, C b) { return a != b; } };
struct Lt { template <class C> static bool f(C a, C b) { return a < b; } };
struct Le { template <class C> static bool f(C a, C b) { return a <= b; } };
struct Gt { template <class C> static bool f(C a, C b) { return a > b; } };
struct Ge { template <class C> static bool f(C a, C b) { return a >= b; } };
struct LogicalAnd { template <class C> static bool f(C a, C b) { return a != 0 && b != 0; } };
struct LogicalOr { template <class C> static bool f(C a, C b) { return a != 0 || b != 0; } };
struct LogicalXor { template <class C> static bool f(C a, C b) { return (a != 0) != (b != 0); } };
// Signed zeros and infinities as C99 (atan2(±0, −0) = ±π).
struct Atan2 { static double f(double a, double b) { return std::atan2(a, b); } };

template <class Op, class = void>
struct HasIntForm : std::false_type {};
template <class Op>
struct HasIntForm<Op, std::void_t<decltype(Op::fi(0, 0))>> : std::true_type {};

// Ops with a float32-accuracy form (f32) use it for float32 outputs, as the TS backend does.
template <class Op, class = void>
struct HasF32Form : std::false_type {};
template <class Op>
struct HasF32Form<Op, std::void_t<decltype(Op::f32(0.0))>> : std::true_type {};

// Unary ops with an int32 form (fi) use it for int32 results of int32 inputs.
template <class Op, class = void>
struct HasIntForm1 : std::false_type {};
template <class Op>
struct HasIntForm1<Op, std::void_t<decltype(Op::fi(0))>> : std::true_type {};

template <class Op, class T, class O>
inline O apply1(T v) {
  if constexpr (std::is_same_v<T, int32_t> && std::is_same_v<O, int32_t> &&
                HasIntForm1<Op>::value) {
    return Op::fi(v);
  } else if constexpr (std::is_same_v<O, float> && HasF32Form<Op>::value) {
    return static_cast<float>(Op::f32(static_cast<double>(v)));
  } else {
    return store<O>(Op::f(static_cast<compute_t<T>>(v)));
  }
}

template <class Op, class T, class O>
inline O apply2(T a, T b) {
  if constexpr (std::is_same_v<T, int32_t> && std::is_same_v<O, int32_t> && HasIntForm<Op>::value) {
    return Op::fi(a, b);
  } else {
    using C = compute_t<T>;
    return store<O>(Op::f(static_cast<C>(a), static_cast<C>(b)));
  }
}

// ---------------------------------------------------------------- loops

template <class Op, class T, class O>
STRATA_SIMD_CLONES void unary_run(const T* x, O* out, int64_t n) {
  for (int64_t i = 0; i < n; i++) out[i] = apply1<Op, T, O>(x[i]);
}

template <class Op, class T, class O>
void unary_loop(const T* x, O* out, int64_t n) {
  parallel_for(n, kGrain, [=](int64_t begin, int64_t end) {
    unary_run<Op>(x + begin, out + begin, end - begin);
  });
}

template <class Op>
bool unary_as(const Buf& x, const Buf& out) {
  return visit(x.dtype, [&](auto tag) {
    using T = decltype(tag);
    if (out.dtype == x.dtype) unary_loop<Op>(as<T>(x), as<T>(out), x.length);
    else if (out.dtype == DType::u8) unary_loop<Op>(as<T>(x), as<uint8_t>(out), x.length);
    else return false;
    return true;
  });
}

// The inner run of a broadcast binary op: the common stride patterns get their own loops so the
// compiler can vectorise them (both contiguous, or one operand a broadcast scalar).
template <class Op, class T, class O>
STRATA_SIMD_CLONES void binary_run(const T* a, int64_t sa, const T* b, int64_t sb, O* out,
                                   int64_t n) {
  if (sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; i++) out[i] = apply2<Op, T, O>(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const T bv = b[0];
    for (int64_t i = 0; i < n; i++) out[i] = apply2<Op, T, O>(a[i], bv);
  } else if (sa == 0 && sb == 1) {
    const T av = a[0];
    for (int64_t i = 0; i < n; i++) out[i] = apply2<Op, T, O>(av, b[i]);
  } else {
    for (int64_t i = 0; i < n; i++) out[i] = apply2<Op, T, O>(a[i * sa], b[i * sb]);
  }
}

template <class Op, class T, class O>
void binary_loop(const T* a, const T* b, O* out, const Plan& p) {
  const int last = p.rank - 1;
  const int64_t sa = p.rank ? p.strides[0][last] : 0;
  const int64_t sb = p.rank ? p.strides[1][last] : 0;
  parallel_for(p.size(), kGrain, [&](int64_t begin, int64_t end) {
    p.walk(begin, end, [&](const int64_t* off, int64_t n) {
      binary_run<Op, T, O>(a + off[0], sa, b + off[1], sb, out + off[2], n);
    });
  });
}

template <class Op>
bool binary_as(const Buf& a, const Buf& b, const Buf& out, const Plan& p) {
  if (a.dtype != b.dtype) return false;
  return visit(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    if (out.dtype == a.dtype) binary_loop<Op>(as<T>(a), as<T>(b), as<T>(out), p);
    else if (out.dtype == DType::u8) binary_loop<Op>(as<T>(a), as<T>(b), as<uint8_t>(out), p);
    else return false;
    return true;
  });
}

// The inner run of where. Both sides are read unconditionally, so the selection compiles to a
// blend instead of a branch (random masks, relu's gradient above all, mispredict half the time);
// a broadcast scalar on either side (where(mask, dy, 0)) gets its own loop.
template <class E>
STRATA_SIMD_CLONES void where_run(const uint8_t* c, int64_t sc, const E* a, int64_t sa,
                                  const E* b, int64_t sb, E* out, int64_t n) {
  if (sc == 1 && sa == 1 && sb == 1) {
    for (int64_t i = 0; i < n; i++) {
      const E av = a[i], bv = b[i];
      out[i] = c[i] ? av : bv;
    }
  } else if (sc == 1 && sa == 1 && sb == 0) {
    const E bv = b[0];
    for (int64_t i = 0; i < n; i++) {
      const E av = a[i];
      out[i] = c[i] ? av : bv;
    }
  } else if (sc == 1 && sa == 0 && sb == 1) {
    const E av = a[0];
    for (int64_t i = 0; i < n; i++) {
      const E bv = b[i];
      out[i] = c[i] ? av : bv;
    }
  } else {
    for (int64_t i = 0; i < n; i++) {
      const E av = a[i * sa], bv = b[i * sb];
      out[i] = c[i * sc] ? av : bv;
    }
  }
}

// where only moves elements, so one loop per element width serves every dtype.
template <class E>
void where_loop(const uint8_t* c, const E* a, const E* b, E* out, const Plan& p) {
  const int last = p.rank - 1;
  const int64_t sc = p.rank ? p.strides[0][last] : 0;
  const int64_t sa = p.rank ? p.strides[1][last] : 0;
  const int64_t sb = p.rank ? p.strides[2][last] : 0;
  parallel_for(p.size(), kGrain, [&](int64_t begin, int64_t end) {
    p.walk(begin, end, [&](const int64_t* off, int64_t n) {
      where_run(c + off[0], sc, a + off[1], sa, b + off[2], sb, out + off[3], n);
    });
  });
}

template <class T, class O>
void cast_loop(const T* x, O* out, int64_t n) {
  parallel_for(n, kGrain, [=](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; i++) {
      // NumPy: bool(x) is x != 0 (so bool(NaN) is true); other targets convert as JS stores do.
      if constexpr (std::is_same_v<O, uint8_t>) out[i] = x[i] != 0;
      else out[i] = store<O>(x[i]);
    }
  });
}

}  // namespace

bool unary(UnaryOp op, const Buf& x, const Buf& out) {
  switch (op) {
#define STRATA_CASE(id, name) \
  case UnaryOp::id: return unary_as<id>(x, out);
    STRATA_UNARY_OPS(STRATA_CASE)
#undef STRATA_CASE
  }
  return false;
}

bool binary(BinaryOp op, const Buf& a, const Buf& b, const Buf& out, Plan& plan) {
  plan.operands = 3;
  plan.set_contiguous(2);
  plan.simplify();
  switch (op) {
#define STRATA_CASE(id, name) \
  case BinaryOp::id: return binary_as<id>(a, b, out, plan);
    STRATA_BINARY_OPS(STRATA_CASE)
#undef STRATA_CASE
  }
  return false;
}

bool where(const Buf& cond, const Buf& a, const Buf& b, const Buf& out, Plan& plan) {
  if (cond.dtype != DType::u8 || a.dtype != out.dtype || b.dtype != out.dtype) return false;
  plan.operands = 4;
  plan.set_contiguous(3);
  plan.simplify();
  const uint8_t* c = as<uint8_t>(cond);
  switch (out.dtype) {
    case DType::f32:
    case DType::i32:
      where_loop(c, as<uint32_t>(a), as<uint32_t>(b), as<uint32_t>(out), plan);
      return true;
    case DType::f64:
      where_loop(c, as<uint64_t>(a), as<uint64_t>(b), as<uint64_t>(out), plan);
      return true;
    case DType::u8:
      where_loop(c, as<uint8_t>(a), as<uint8_t>(b), as<uint8_t>(out), plan);
      return true;
  }
  return false;
}

bool cast(const Buf& x, const Buf& out) {
  return visit(x.dtype, [&](auto tx) {
    using T = decltype(tx);
    return visit(out.dtype, [&](auto to) {
      using O = decltype(to);
      cast_loop(as<T>(x), as<O>(out), x.length);
      return true;
    });
  });
}

}  // namespace strata
