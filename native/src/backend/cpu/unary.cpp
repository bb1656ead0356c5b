// CPU kernels of the unary primitives: the layout walk, and the cheap
// elementwise functions (sign, rounding, predicates, complex parts, ...).
// The transcendental functions are in unary_transcendental.cpp.
#include <cmath>
#include <limits>
#include <sstream>

#include "mlx/backend/common/utils.h"
#include "mlx/primitives/unary.h"
#include "parallel.h"
#include "unary_kernels.h"

namespace mlx::core {

namespace unary_detail {

constexpr size_t kMinPerThread = 1 << 15;

/** Runs fn over the input's layout into a freshly allocated out. */
void unary_apply(const array& in, array& out, RowFn fn, const double* p) {
  size_t isz = in.itemsize(), osz = out.itemsize();
  if (in.size() == 0) {
    out.set_data(allocator::malloc(1));
    return;
  }
  if (in.flags().contiguous && in.data_size() == in.size()) {
    // Dense in some order (row-major, transposed, ...): keep the layout and
    // run over the block as one flat vector.
    size_t n = in.data_size();
    out.set_data(allocator::malloc(n * osz), n, in.strides(), in.flags());
    const char* src = in.data<char>();
    char* dst = out.data<char>();
    cpu::parallel_for(n, kMinPerThread, [&](size_t b, size_t e) {
      fn(src + b * isz, 1, dst + b * osz, static_cast<int64_t>(e - b), p);
    });
    return;
  }
  if (in.data_size() == 1) {
    // One value broadcast: compute it once, keep the broadcast strides.
    out.set_data(allocator::malloc(osz), 1, in.strides(), in.flags());
    fn(in.data<char>(), 1, out.data<char>(), 1, p);
    return;
  }
  // Strided: write row-major, walking the input over collapsed dimensions.
  out.set_data(allocator::malloc(out.nbytes()));
  auto [shape, strides] = collapse_contiguous_dims(in.shape(), {in.strides()});
  const Strides& st = strides[0];
  int nd = static_cast<int>(shape.size());
  int64_t inner = shape.back();
  int64_t is = st.back();
  size_t rows = in.size() / static_cast<size_t>(inner);
  const char* src = in.data<char>();
  char* dst = out.data<char>();
  size_t min_rows = std::max<size_t>(1, kMinPerThread / static_cast<size_t>(inner));
  cpu::parallel_for(rows, min_rows, [&](size_t b, size_t e) {
    ContiguousIterator it(shape, st, nd - 1);
    it.seek(static_cast<int64_t>(b));
    for (size_t r = b; r < e; ++r) {
      fn(src + it.loc * static_cast<int64_t>(isz), is, dst + r * inner * osz, inner, p);
      it.step();
    }
  });
}

void unsupported(const char* prim, Dtype d) {
  std::ostringstream msg;
  msg << "[" << prim << "] Not supported for " << dtype_to_string(d) << ".";
  throw std::invalid_argument(msg.str());
}

} // namespace unary_detail

namespace {

using namespace unary_detail;

struct ReciprocalOp : WithComplex {
  template <typename T>
  static T apply(T x, const double*) {
    if constexpr (is_complex_v<T>) {
      return T(cfloat(1.0f) / cfloat(x));
    } else {
      return T(1) / x;
    }
  }
};

struct FloorOp : RealOnly {
  template <typename T>
  static T apply(T x, const double*) {
    return std::floor(x);
  }
};

struct CeilOp : RealOnly {
  template <typename T>
  static T apply(T x, const double*) {
    return std::ceil(x);
  }
};

/** Round half to even (the current rounding mode, never changed here). */
template <typename T>
T rint_any(T x) {
  if constexpr (is_complex_v<T>) {
    return T(std::rint(x.real()), std::rint(x.imag()));
  } else if constexpr (is_half_v<T>) {
    return T(std::rint(static_cast<float>(x)));
  } else {
    return std::rint(x);
  }
}

struct RoundOp : WithComplex {
  template <typename T>
  static T apply(T x, const double*) {
    return rint_any(x);
  }
};

/** x * c with c converted to T and the product in T (MLX's multiply by a
 * constant array of the input's dtype). Complex: both parts scaled. */
template <typename T>
T scale_in(T x, double c) {
  if constexpr (is_complex_v<T>) {
    float cf = static_cast<float>(c);
    return T(x.real() * cf, x.imag() * cf);
  } else {
    return x * static_cast<T>(c);
  }
}

/** round(x * 10^d) * 10^-d; p = {10^d, 10^-d} (as float, like MLX). */
struct RoundDecimalsOp {
  template <typename T>
  static T apply(T x, const double* p) {
    return scale_in(rint_any(scale_in(x, p[0])), p[1]);
  }
};

/** float64: rint(x * 10^d) / 10^d for d > 0, rint(x / 10^-d) * 10^-d for d < 0;
 * p = {10^|d|, sign of d}. */
struct RoundDecimals64Op {
  static double apply(double x, const double* p) {
    return p[1] > 0 ? std::rint(x * p[0]) / p[0] : std::rint(x / p[0]) * p[0];
  }
};

struct ScaleOp {
  template <typename T>
  static T apply(T x, const double* p) {
    return scale_in(x, p[0]);
  }
};

struct AbsOp {
  template <typename T>
  static auto apply(T x, const double*) {
    if constexpr (is_complex_v<T>) {
      return T(std::abs(cfloat(x)), 0.0f); // the modulus, cast to float32 by the op
    } else if constexpr (std::is_floating_point_v<T>) {
      return std::abs(x);
    } else if constexpr (std::is_signed_v<T>) {
      using U = std::make_unsigned_t<T>;
      return x < 0 ? static_cast<T>(U(0) - static_cast<U>(x)) : x; // wraps at the minimum
    } else {
      return x;
    }
  }
};

struct NegativeOp {
  template <typename T>
  static T apply(T x, const double*) {
    if constexpr (std::is_same_v<T, bool>) {
      return x; // never reached: the op rejects bool
    } else if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      return static_cast<T>(U(0) - static_cast<U>(x)); // wraps
    } else {
      return -x;
    }
  }
};

struct SignOp {
  template <typename T>
  static T apply(T x, const double*) {
    if constexpr (is_complex_v<T>) {
      return x == T(0.0f, 0.0f) ? x : T(cfloat(x) / std::abs(cfloat(x)));
    } else if constexpr (std::is_same_v<T, bool> || std::is_unsigned_v<T>) {
      return x != T(0) ? T(1) : T(0);
    } else {
      // (x > 0) - (x < 0): 0 for nan, as MLX.
      return static_cast<T>((x > T(0)) - (x < T(0)));
    }
  }
};

struct SquareOp {
  template <typename T>
  static T apply(T x, const double*) {
    if constexpr (std::is_same_v<T, bool>) {
      return x;
    } else if constexpr (std::is_integral_v<T> && sizeof(T) < sizeof(int)) {
      return static_cast<T>(x * x);
    } else if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      return static_cast<T>(static_cast<U>(x) * static_cast<U>(x)); // wraps, no UB
    } else {
      return x * x;
    }
  }
};

struct IsNaNOp {
  template <typename T>
  static bool apply(T x, const double*) {
    if constexpr (is_complex_v<T>) {
      return std::isnan(x.real()) || std::isnan(x.imag());
    } else {
      return x != x;
    }
  }
};

struct IsInfOp {
  template <typename T>
  static bool apply(T x, const double*) {
    if constexpr (is_complex_v<T>) {
      return std::isinf(x.real()) || std::isinf(x.imag());
    } else {
      return std::abs(x) == std::numeric_limits<T>::infinity();
    }
  }
};

struct IsPosInfOp {
  template <typename T>
  static bool apply(T x, const double*) {
    if constexpr (is_complex_v<T>) {
      // equal(a, inf + 0i)
      return x.real() == std::numeric_limits<float>::infinity() && x.imag() == 0.0f;
    } else {
      return x == std::numeric_limits<T>::infinity();
    }
  }
};

struct IsNegInfOp {
  template <typename T>
  static bool apply(T x, const double*) {
    if constexpr (is_complex_v<T>) {
      return x.real() == -std::numeric_limits<float>::infinity() && x.imag() == 0.0f;
    } else {
      return x == -std::numeric_limits<T>::infinity();
    }
  }
};

struct IsFiniteOp {
  template <typename T>
  static bool apply(T x, const double*) {
    if constexpr (is_complex_v<T>) {
      return std::isfinite(x.real()) && std::isfinite(x.imag());
    } else {
      return x - x == T(0); // false for inf and nan
    }
  }
};

struct LogicalNotOp {
  static bool apply(bool x, const double*) { return !x; }
};

struct BitwiseInvertOp {
  template <typename T>
  static T apply(T x, const double*) {
    return static_cast<T>(~x);
  }
};

struct ConjugateOp {
  static complex64_t apply(complex64_t x, const double*) {
    return complex64_t(x.real(), -x.imag());
  }
};

struct RealOp {
  static float apply(complex64_t x, const double*) { return x.real(); }
};

struct ImagOp {
  static float apply(complex64_t x, const double*) { return x.imag(); }
};

bool is_integral_or_bool(Dtype d) { return d == bool_ || issubdtype(d, integer); }

} // namespace

// ---------------------------------------------------------------------------
// eval_cpu

using namespace unary_detail;

void Abs::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  if (in.dtype() == bool_ || issubdtype(in.dtype(), unsignedinteger)) {
    out.copy_shared_buffer(in);
    return;
  }
  unary_apply(in, out, any_row<AbsOp>(in.dtype()));
}

void Negative::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  if (in.dtype() == bool_) unsupported(name(), in.dtype());
  unary_apply(in, out, any_row<NegativeOp>(in.dtype()));
}

void Sign::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  if (in.dtype() == bool_) {
    out.copy_shared_buffer(in);
    return;
  }
  unary_apply(in, out, any_row<SignOp>(in.dtype()));
}

void Square::eval_cpu(const std::vector<array>& inputs, array& out) {
  unary_apply(inputs[0], out, any_row<SquareOp>(inputs[0].dtype()));
}

void Reciprocal::eval_cpu(const std::vector<array>& inputs, array& out) {
  unary_apply(inputs[0], out, float_row<ReciprocalOp>(inputs[0].dtype(), name()));
}

void Floor::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  if (is_integral_or_bool(in.dtype())) {
    out.copy_shared_buffer(in);
    return;
  }
  unary_apply(in, out, float_row<FloorOp>(in.dtype(), name()));
}

void Ceil::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  if (is_integral_or_bool(in.dtype())) {
    out.copy_shared_buffer(in);
    return;
  }
  unary_apply(in, out, float_row<CeilOp>(in.dtype(), name()));
}

void Round::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  if (is_integral_or_bool(in.dtype())) {
    out.copy_shared_buffer(in);
    return;
  }
  if (decimals_ == 0) {
    unary_apply(in, out, float_row<RoundOp>(in.dtype(), name()));
    return;
  }
  if (in.dtype() == float64) {
    // numpy's way (MLX would use float32 constants here, which leaves
    // float64 results like 1.2000000178813934): divide by the power of ten.
    double p[2] = {std::pow(10.0, std::abs(decimals_)), decimals_ > 0 ? 1.0 : -1.0};
    unary_apply(in, out, row<RoundDecimals64Op, double, double>, p);
    return;
  }
  // MLX's constants: the scale as a float, its reciprocal in float; every
  // product in the input's dtype.
  float scale = static_cast<float>(std::pow(10.0, decimals_));
  double p[2] = {scale, 1.0f / scale};
  unary_apply(in, out, float_row_exact<RoundDecimalsOp>(in.dtype(), name()), p);
}

void ScaleUnary::eval_cpu(const std::vector<array>& inputs, array& out) {
  double p[1] = {scale()};
  unary_apply(inputs[0], out, float_row_exact<ScaleOp>(inputs[0].dtype(), name()), p);
}

#define PREDICATE_EVAL(PRIM, OP)                                               \
  void PRIM::eval_cpu(const std::vector<array>& inputs, array& out) {          \
    unary_apply(inputs[0], out, predicate_row<OP>(inputs[0].dtype(), name())); \
  }

PREDICATE_EVAL(IsNaN, IsNaNOp)
PREDICATE_EVAL(IsInf, IsInfOp)
PREDICATE_EVAL(IsPosInf, IsPosInfOp)
PREDICATE_EVAL(IsNegInf, IsNegInfOp)
PREDICATE_EVAL(IsFinite, IsFiniteOp)
#undef PREDICATE_EVAL

void LogicalNot::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  if (in.dtype() != bool_) unsupported(name(), in.dtype());
  unary_apply(in, out, row<LogicalNotOp, bool, bool>);
}

void BitwiseInvert::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  if (!issubdtype(in.dtype(), integer)) unsupported(name(), in.dtype());
  RowFn fn = dispatch_all_types(in.dtype(), [](auto tag) -> RowFn {
    using T = decltype(tag);
    if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
      return row<BitwiseInvertOp, T, T>;
    } else {
      return nullptr;
    }
  });
  unary_apply(in, out, fn);
}

void Conjugate::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  if (in.dtype() != complex64) unsupported(name(), in.dtype());
  unary_apply(in, out, row<ConjugateOp, complex64_t, complex64_t>);
}

void Real::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  if (in.dtype() != complex64) unsupported(name(), in.dtype());
  unary_apply(in, out, row<RealOp, complex64_t, float>);
}

void Imag::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  if (in.dtype() != complex64) unsupported(name(), in.dtype());
  unary_apply(in, out, row<ImagOp, complex64_t, float>);
}

void StopGradient::eval_cpu(const std::vector<array>& inputs, array& out) {
  out.copy_shared_buffer(inputs[0]);
}

} // namespace mlx::core
