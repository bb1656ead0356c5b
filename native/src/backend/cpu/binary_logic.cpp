// Row functions of comparisons (bool results), logical and bitwise ops,
// select (where) and isclose.
#include "binary_kernels.h"

#include <cstring>
#include <limits>

namespace mlx::core::binary_cpu {

namespace {

template <typename T>
inline constexpr bool is_intlike_v = std::is_integral_v<T>; // integers and bool

struct EqualF {
  template <typename T> static constexpr bool ok = true;
  template <typename T> bool operator()(T a, T b) const { return a == b; }
};
struct NaNEqualF {
  template <typename T> static constexpr bool ok = true;
  template <typename T> bool operator()(T a, T b) const {
    return a == b || (is_nan(a) && is_nan(b));
  }
};
struct NotEqualF {
  template <typename T> static constexpr bool ok = true;
  template <typename T> bool operator()(T a, T b) const { return a != b; }
};
struct LessF {
  template <typename T> static constexpr bool ok = true;
  template <typename T> bool operator()(T a, T b) const { return less_than(a, b); }
};
struct LessEqualF {
  template <typename T> static constexpr bool ok = true;
  template <typename T> bool operator()(T a, T b) const {
    if constexpr (is_complex_v<T>) return less_than(a, b) || a == b;
    else return a <= b;
  }
};
struct GreaterF {
  template <typename T> static constexpr bool ok = true;
  template <typename T> bool operator()(T a, T b) const { return less_than(b, a); }
};
struct GreaterEqualF {
  template <typename T> static constexpr bool ok = true;
  template <typename T> bool operator()(T a, T b) const {
    if constexpr (is_complex_v<T>) return less_than(b, a) || a == b;
    else return a >= b;
  }
};

// The op casts logical operands to bool.
struct LogicalAndF {
  template <typename T> static constexpr bool ok = std::is_same_v<T, bool>;
  template <typename T> bool operator()(T a, T b) const { return a && b; }
};
struct LogicalOrF {
  template <typename T> static constexpr bool ok = std::is_same_v<T, bool>;
  template <typename T> bool operator()(T a, T b) const { return a || b; }
};

struct BitAndF {
  template <typename T> static constexpr bool ok = is_intlike_v<T>;
  template <typename T> T operator()(T a, T b) const { return T(a & b); }
};
struct BitOrF {
  template <typename T> static constexpr bool ok = is_intlike_v<T>;
  template <typename T> T operator()(T a, T b) const { return T(a | b); }
};
struct BitXorF {
  template <typename T> static constexpr bool ok = is_intlike_v<T>;
  template <typename T> T operator()(T a, T b) const { return T(a ^ b); }
};

// Shifts by the bit width or more, or by a negative count, saturate (numpy's rule).
template <typename T>
inline bool shift_out_of_range(T b) {
  using U = std::make_unsigned_t<T>;
  return static_cast<U>(b) >= static_cast<U>(sizeof(T) * 8);
}
struct LeftShiftF {
  template <typename T>
  static constexpr bool ok = is_intlike_v<T> && !std::is_same_v<T, bool>;
  template <typename T> T operator()(T a, T b) const {
    using U = std::make_unsigned_t<T>;
    if (shift_out_of_range(b)) return T(0);
    return T(static_cast<U>(static_cast<U>(a) << b));
  }
};
struct RightShiftF {
  template <typename T>
  static constexpr bool ok = is_intlike_v<T> && !std::is_same_v<T, bool>;
  template <typename T> T operator()(T a, T b) const {
    if (shift_out_of_range(b)) {
      if constexpr (std::is_signed_v<T>) return a < 0 ? T(-1) : T(0);
      else return T(0);
    }
    return T(a >> b);
  }
};

template <typename F, typename T>
void row(const char* const* in, const int64_t* st, char* const* out, int64_t n, const void*) {
  using U = decltype(F{}(T{}, T{}));
  row2<T, U>(in, st, out, n, F{});
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

// Branch-free select on the element bits (T is an unsigned integer of the
// element's width), so the loops vectorise even with random conditions.
template <typename T>
inline T blend(uint8_t c, T x, T y) {
  T m = static_cast<T>(T(0) - static_cast<T>(c != 0));
  return static_cast<T>((x & m) | (y & static_cast<T>(~m)));
}

template <typename T>
void select_row_t(const char* const* in, const int64_t* st, char* const* out, int64_t n,
                  const void*) {
  const uint8_t* c = reinterpret_cast<const uint8_t*>(in[0]);
  const T* x = reinterpret_cast<const T*>(in[1]);
  const T* y = reinterpret_cast<const T*>(in[2]);
  T* o = reinterpret_cast<T*>(out[0]);
  const int64_t cs = st[0], xs = st[1], ys = st[2];
  if (cs == 1 && xs == 1 && ys == 1) {
    for (int64_t j = 0; j < n; ++j) o[j] = blend(c[j], x[j], y[j]);
  } else if (cs == 1 && xs == 0 && ys == 1) {
    const T xv = x[0];
    for (int64_t j = 0; j < n; ++j) o[j] = blend(c[j], xv, y[j]);
  } else if (cs == 1 && xs == 1 && ys == 0) {
    const T yv = y[0];
    for (int64_t j = 0; j < n; ++j) o[j] = blend(c[j], x[j], yv);
  } else if (cs == 1 && xs == 0 && ys == 0) {
    const T xv = x[0], yv = y[0];
    for (int64_t j = 0; j < n; ++j) o[j] = blend(c[j], xv, yv);
  } else {
    for (int64_t j = 0; j < n; ++j) o[j] = blend(c[j * cs], x[j * xs], y[j * ys]);
  }
}

// |a - b| <= atol + rtol * |b|; infinities are close only to the same
// infinity; NaNs only to NaNs, with equal_nan. Integers compute in double.
template <typename T>
bool isclose_one(T a, T b, const IsCloseParams& p) {
  if constexpr (is_complex_v<T>) {
    if (is_nan(a) || is_nan(b)) return p.equal_nan && is_nan(a) && is_nan(b);
    std::complex<float> x = a, y = b;
    return std::abs(x - y) <= static_cast<float>(p.atol) + static_cast<float>(p.rtol) * std::abs(y);
  } else {
    using C = std::conditional_t<std::is_same_v<calc_t<T>, float>, float, double>;
    C x = static_cast<C>(static_cast<calc_t<T>>(a)), y = static_cast<C>(static_cast<calc_t<T>>(b));
    if (std::isnan(x) || std::isnan(y)) return p.equal_nan && std::isnan(x) && std::isnan(y);
    if (std::isinf(x) || std::isinf(y)) return x == y;
    return std::abs(x - y) <= static_cast<C>(p.atol) + static_cast<C>(p.rtol) * std::abs(y);
  }
}

template <typename T>
void isclose_row_t(const char* const* in, const int64_t* st, char* const* out, int64_t n,
                   const void* params) {
  const auto& p = *static_cast<const IsCloseParams*>(params);
  row2<T, bool>(in, st, out, n, [&p](T a, T b) { return isclose_one(a, b, p); });
}

} // namespace

RowFn logic_row(Op op, Dtype t) {
  switch (op) {
    case Op::Equal: return pick<EqualF>(t);
    case Op::NaNEqual: return pick<NaNEqualF>(t);
    case Op::NotEqual: return pick<NotEqualF>(t);
    case Op::Less: return pick<LessF>(t);
    case Op::LessEqual: return pick<LessEqualF>(t);
    case Op::Greater: return pick<GreaterF>(t);
    case Op::GreaterEqual: return pick<GreaterEqualF>(t);
    case Op::LogicalAnd: return pick<LogicalAndF>(t);
    case Op::LogicalOr: return pick<LogicalOrF>(t);
    case Op::BitwiseAnd: return pick<BitAndF>(t);
    case Op::BitwiseOr: return pick<BitOrF>(t);
    case Op::BitwiseXor: return pick<BitXorF>(t);
    case Op::LeftShift: return pick<LeftShiftF>(t);
    case Op::RightShift: return pick<RightShiftF>(t);
    default: return nullptr;
  }
}

RowFn select_row(size_t itemsize) {
  switch (itemsize) {
    case 1: return select_row_t<uint8_t>;
    case 2: return select_row_t<uint16_t>;
    case 4: return select_row_t<uint32_t>;
    case 8: return select_row_t<uint64_t>;
    default: return nullptr;
  }
}

RowFn isclose_row(Dtype t) {
  return dispatch_all_types(t, [](auto tag) -> RowFn {
    using T = decltype(tag);
    return isclose_row_t<T>;
  });
}

} // namespace mlx::core::binary_cpu
