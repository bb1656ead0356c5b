// Row functions of the arithmetic binary ops (the result has the inputs' dtype).
// Each op is a small functor; `ok<T>` says which dtypes it is instantiated for.
#include "binary_kernels.h"

#include <limits>

namespace mlx::core::binary_cpu {

namespace {

// Integer arithmetic wraps (as numpy and MLX do) without signed-overflow UB.
template <typename T>
using wide_u = std::conditional_t<sizeof(T) <= 4, uint32_t, uint64_t>;
template <typename T>
inline constexpr bool is_int_v = std::is_integral_v<T> && !std::is_same_v<T, bool>;

struct AddF {
  template <typename T> static constexpr bool ok = true;
  template <typename T> T operator()(T a, T b) const {
    if constexpr (is_int_v<T>) return T(wide_u<T>(a) + wide_u<T>(b));
    else return T(a + b);
  }
};

struct SubtractF {
  template <typename T> static constexpr bool ok = true;
  template <typename T> T operator()(T a, T b) const {
    if constexpr (is_int_v<T>) return T(wide_u<T>(a) - wide_u<T>(b));
    else return T(a - b);
  }
};

struct MultiplyF {
  template <typename T> static constexpr bool ok = true;
  template <typename T> T operator()(T a, T b) const {
    if constexpr (is_int_v<T>) return T(wide_u<T>(a) * wide_u<T>(b));
    else return T(a * b);
  }
};

struct DivideF {
  template <typename T> static constexpr bool ok = is_float_v<T> || is_complex_v<T>;
  template <typename T> T operator()(T a, T b) const { return T(a / b); }
};

// Integers round toward -inf (x // 0 is 0, as numpy); floats floor the
// quotient rounded to T (MLX composes floor(divide(a, b))).
struct FloorDivideF {
  template <typename T> static constexpr bool ok = !is_complex_v<T>;
  template <typename T> T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) {
      return b && a;
    } else if constexpr (is_int_v<T>) {
      if (b == 0) return T(0);
      if constexpr (std::is_signed_v<T>) {
        if (b == T(-1)) return T(wide_u<T>(0) - wide_u<T>(a)); // MIN // -1 wraps
        T q = T(a / b);
        if (T(a % b) != 0 && ((a < 0) != (b < 0))) --q;
        return q;
      } else {
        return T(a / b);
      }
    } else {
      using C = calc_t<T>;
      C q = static_cast<C>(T(static_cast<C>(a) / static_cast<C>(b)));
      return T(std::floor(q));
    }
  }
};

// The remainder takes the divisor's sign (Python's %); x % 0 is 0 for
// integers and NaN for floats; a zero result takes the divisor's sign.
struct RemainderF {
  template <typename T> static constexpr bool ok = !is_complex_v<T>;
  template <typename T> T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) {
      return false;
    } else if constexpr (is_int_v<T>) {
      if (b == 0) return T(0);
      if constexpr (std::is_signed_v<T>) {
        if (b == T(-1)) return T(0);
        T r = T(a % b);
        if (r != 0 && ((r < 0) != (b < 0))) r = T(r + b);
        return r;
      } else {
        return T(a % b);
      }
    } else {
      using C = calc_t<T>;
      C x = static_cast<C>(a), y = static_cast<C>(b);
      C r = std::fmod(x, y);
      if (r != 0) {
        if ((r < 0) != (y < 0)) r += y;
      } else {
        r = std::copysign(C(0), y);
      }
      return T(r);
    }
  }
};

// Integer powers by squaring (a negative exponent gives 0, as MLX).
struct PowerF {
  template <typename T> static constexpr bool ok = true;
  template <typename T> T operator()(T a, T b) const {
    if constexpr (std::is_same_v<T, bool>) {
      return a || !b;
    } else if constexpr (is_int_v<T>) {
      if constexpr (std::is_signed_v<T>) {
        if (b < 0) return T(0);
      }
      using W = wide_u<T>;
      W r = 1, base = W(a);
      auto e = static_cast<std::make_unsigned_t<T>>(b);
      while (e) {
        if (e & 1) r *= base;
        e >>= 1;
        base *= base;
      }
      return T(r);
    } else if constexpr (is_complex_v<T>) {
      return T(std::pow(static_cast<std::complex<float>>(a), static_cast<std::complex<float>>(b)));
    } else {
      using C = calc_t<T>;
      return T(std::pow(static_cast<C>(a), static_cast<C>(b)));
    }
  }
};

// NaN propagates from either side.
struct MaximumF {
  template <typename T> static constexpr bool ok = true;
  template <typename T> T operator()(T a, T b) const {
    if (is_nan(a)) return a;
    return less_than(b, a) ? a : b;
  }
};

struct MinimumF {
  template <typename T> static constexpr bool ok = true;
  template <typename T> T operator()(T a, T b) const {
    if (is_nan(a)) return a;
    return less_than(a, b) ? a : b;
  }
};

struct ArcTan2F {
  template <typename T> static constexpr bool ok = is_float_v<T>;
  template <typename T> T operator()(T a, T b) const {
    using C = calc_t<T>;
    return T(std::atan2(static_cast<C>(a), static_cast<C>(b)));
  }
};

struct LogAddExpF {
  template <typename T> static constexpr bool ok = is_float_v<T>;
  template <typename T> T operator()(T a, T b) const {
    using C = calc_t<T>;
    C x = static_cast<C>(a), y = static_cast<C>(b);
    if (std::isnan(x) || std::isnan(y)) return T(x + y);
    C hi = x > y ? x : y, lo = x > y ? y : x;
    constexpr C inf = std::numeric_limits<C>::infinity();
    if (lo == -inf || hi == inf) return T(hi);
    return T(hi + std::log1p(std::exp(lo - hi)));
  }
};

template <typename F, typename T>
void row(const char* const* in, const int64_t* st, char* const* out, int64_t n, const void*) {
  row2<T, T>(in, st, out, n, F{});
}

// Both outputs of divmod in one pass.
template <typename T>
void divmod_row(const char* const* in, const int64_t* st, char* const* out, int64_t n,
                const void*) {
  const T* a = reinterpret_cast<const T*>(in[0]);
  const T* b = reinterpret_cast<const T*>(in[1]);
  T* q = reinterpret_cast<T*>(out[0]);
  T* r = reinterpret_cast<T*>(out[1]);
  const int64_t as = st[0], bs = st[1];
  FloorDivideF fd;
  RemainderF rm;
  for (int64_t j = 0; j < n; ++j) {
    T x = a[j * as], y = b[j * bs];
    q[j] = fd(x, y);
    r[j] = rm(x, y);
  }
}

template <typename F>
RowFn pick(Dtype t) {
  return dispatch_all_types(t, [](auto tag) -> RowFn {
    using T = decltype(tag);
    if constexpr (F::template ok<T>) {
      return row<F, T>;
    } else {
      return nullptr;
    }
  });
}

RowFn pick_divmod(Dtype t) {
  return dispatch_all_types(t, [](auto tag) -> RowFn {
    using T = decltype(tag);
    if constexpr (!is_complex_v<T>) {
      return divmod_row<T>;
    } else {
      return nullptr;
    }
  });
}

} // namespace

RowFn arith_row(Op op, Dtype t) {
  switch (op) {
    case Op::Add: return pick<AddF>(t);
    case Op::Subtract: return pick<SubtractF>(t);
    case Op::Multiply: return pick<MultiplyF>(t);
    case Op::Divide: return pick<DivideF>(t);
    case Op::FloorDivide: return pick<FloorDivideF>(t);
    case Op::Remainder: return pick<RemainderF>(t);
    case Op::DivMod: return pick_divmod(t);
    case Op::Power: return pick<PowerF>(t);
    case Op::Maximum: return pick<MaximumF>(t);
    case Op::Minimum: return pick<MinimumF>(t);
    case Op::ArcTan2: return pick<ArcTan2F>(t);
    case Op::LogAddExp: return pick<LogAddExpF>(t);
    default: return nullptr;
  }
}

} // namespace mlx::core::binary_cpu
