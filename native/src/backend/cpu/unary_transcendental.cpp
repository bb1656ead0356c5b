// CPU kernels of the transcendental unary primitives (exp, log, trigonometric,
// hyperbolic, erf, sigmoid, sqrt). float32 exp, log, log2, sin, cos, tanh and
// sigmoid use the branch-free versions in unary_math.h so that their loops
// vectorise; float16/bfloat16 are widened to float32 in blocks, computed with
// the float32 kernel and rounded back once; float64 and complex64 use <cmath>
// and <complex>.
#include <cmath>
#include <limits>

#include "mlx/primitives/unary.h"
#include "unary_kernels.h"
#include "unary_math.h"

namespace mlx::core {

namespace {

using namespace unary_detail;

// Functions where float, double and complex all have a std:: overload.
#define STD_OP(NAME, FN)                                         \
  struct NAME : WithComplex {                                    \
    template <typename T>                                        \
    static T apply(T x, const double*) {                         \
      return T(std::FN(x));                                      \
    }                                                            \
  };

STD_OP(TanOp, tan)
STD_OP(ArcSinOp, asin)
STD_OP(ArcCosOp, acos)
STD_OP(ArcTanOp, atan)
STD_OP(SinhOp, sinh)
STD_OP(CoshOp, cosh)
STD_OP(ArcSinhOp, asinh)
STD_OP(ArcCoshOp, acosh)
STD_OP(ArcTanhOp, atanh)
STD_OP(Log10Op, log10)
STD_OP(SqrtOp, sqrt)
#undef STD_OP

// sin/cos: float32 through the vectorised reduction, library calls beyond
// its range (and for inf/nan).
#define TRIG_OP(NAME, FN)                                                      \
  struct NAME : WithComplex {                                                  \
    template <typename T>                                                      \
    static T apply(T x, const double*) {                                       \
      if constexpr (std::is_same_v<T, float>) {                                \
        return fastmath::FN##_reduced(x);                                      \
      } else {                                                                 \
        return T(std::FN(x));                                                  \
      }                                                                        \
    }                                                                          \
    static void fixup(const float* in, int64_t is, float* out, int64_t n) {   \
      for (int64_t i = 0; i < n; ++i) {                                        \
        float x = in[i * is];                                                  \
        if (!(x < fastmath::kTrigLimit && x > -fastmath::kTrigLimit)) {        \
          out[i] = std::FN(x);                                                 \
        }                                                                      \
      }                                                                        \
    }                                                                          \
  };

TRIG_OP(SinOp, sin)
TRIG_OP(CosOp, cos)
#undef TRIG_OP

struct ExpOp : WithComplex {
  template <typename T>
  static T apply(T x, const double*) {
    if constexpr (std::is_same_v<T, float>) {
      return fastmath::exp(x);
    } else {
      return T(std::exp(x));
    }
  }
};

struct LogOp : WithComplex {
  template <typename T>
  static T apply(T x, const double*) {
    if constexpr (std::is_same_v<T, float>) {
      return fastmath::log(x);
    } else {
      return T(std::log(x));
    }
  }
};

struct Log2Op : WithComplex {
  template <typename T>
  static T apply(T x, const double*) {
    if constexpr (std::is_same_v<T, float>) {
      return fastmath::log2(x);
    } else if constexpr (is_complex_v<T>) {
      cfloat l = std::log(cfloat(x));
      constexpr float inv_ln2 = 1.44269504088896341f;
      return T(l.real() * inv_ln2, l.imag() * inv_ln2);
    } else {
      return std::log2(x);
    }
  }
};

struct Log1pOp : WithComplex {
  template <typename T>
  static T apply(T x, const double*) {
    if constexpr (is_complex_v<T>) {
      // log(1 + z) = log|1 + z| + i arg(1 + z); near z = 0 the modulus is
      // computed as 1/2 log1p(2a + a^2 + b^2) to keep the small real part.
      float a = x.real(), b = x.imag();
      float theta = std::atan2(b, a + 1.0f);
      if (std::abs(cfloat(x)) < 0.5f) {
        float r = a * (2.0f + a) + b * b;
        return T(r == 0.0f ? a : 0.5f * std::log1p(r), theta);
      }
      return T(std::log(std::hypot(a + 1.0f, b)), theta);
    } else {
      return std::log1p(x);
    }
  }
};

struct Expm1Op : RealOnly {
  template <typename T>
  static T apply(T x, const double*) {
    return std::expm1(x);
  }
};

struct TanhOp : WithComplex {
  template <typename T>
  static T apply(T x, const double*) {
    if constexpr (std::is_same_v<T, float>) {
      return fastmath::tanh(x);
    } else {
      return T(std::tanh(x));
    }
  }
};

struct SigmoidOp : RealOnly {
  template <typename T>
  static T apply(T x, const double*) {
    if constexpr (std::is_same_v<T, float>) {
      return fastmath::sigmoid(x);
    } else {
      T e = std::exp(-std::abs(x));
      T s = T(1) / (T(1) + e);
      return x < T(0) ? e * s : s;
    }
  }
};

struct RsqrtOp : WithComplex {
  template <typename T>
  static T apply(T x, const double*) {
    if constexpr (is_complex_v<T>) {
      return T(cfloat(1.0f) / std::sqrt(cfloat(x)));
    } else {
      return T(1) / std::sqrt(x);
    }
  }
};

struct ErfOp : RealOnly {
  template <typename T>
  static T apply(T x, const double*) {
    return std::erf(x);
  }
};

/** erfinv in double: an initial estimate refined by Halley steps on erf
 * (erfc in the tails, where 1 - |x| is exact and carries the precision). */
double erfinv_double(double x) {
  double ax = std::abs(x);
  if (!(ax < 1.0)) {
    if (ax == 1.0) return std::copysign(std::numeric_limits<double>::infinity(), x);
    return std::numeric_limits<double>::quiet_NaN();
  }
  if (ax == 0.0) return x; // keeps the sign of zero
  constexpr double pi = 3.14159265358979323846;
  constexpr double two_over_sqrt_pi = 1.12837916709551257390;
  double y;
  if (ax < 0.1) {
    // Series start: erfinv(x) ~ sqrt(pi)/2 (x + pi/12 x^3).
    y = ax / two_over_sqrt_pi * (1.0 + pi / 12.0 * ax * ax);
  } else {
    // Winitzki's closed form (relative error ~ 2e-3).
    constexpr double a = 0.147;
    double w = std::log((1.0 - ax) * (1.0 + ax));
    double t = 2.0 / (pi * a) + 0.5 * w;
    y = std::sqrt(std::sqrt(t * t - w / a) - t);
  }
  for (int k = 0; k < 4; ++k) {
    double f = ax <= 0.5 ? std::erf(y) - ax : (1.0 - ax) - std::erfc(y);
    double df = two_over_sqrt_pi * std::exp(-y * y);
    double step = f / (df + y * f);
    y -= step;
    if (std::abs(step) <= 1e-17 * y) break;
  }
  return std::copysign(y, x);
}

struct ErfInvOp : RealOnly {
  template <typename T>
  static T apply(T x, const double*) {
    return static_cast<T>(erfinv_double(static_cast<double>(x)));
  }
};

} // namespace

using namespace unary_detail;

#define FLOAT_EVAL(PRIM, OP)                                                   \
  void PRIM::eval_cpu(const std::vector<array>& inputs, array& out) {          \
    unary_apply(inputs[0], out, float_row<OP>(inputs[0].dtype(), name()));     \
  }

FLOAT_EVAL(Exp, ExpOp)
FLOAT_EVAL(Expm1, Expm1Op)
FLOAT_EVAL(Log1p, Log1pOp)
FLOAT_EVAL(Sin, SinOp)
FLOAT_EVAL(Cos, CosOp)
FLOAT_EVAL(Tan, TanOp)
FLOAT_EVAL(ArcSin, ArcSinOp)
FLOAT_EVAL(ArcCos, ArcCosOp)
FLOAT_EVAL(ArcTan, ArcTanOp)
FLOAT_EVAL(Sinh, SinhOp)
FLOAT_EVAL(Cosh, CoshOp)
FLOAT_EVAL(Tanh, TanhOp)
FLOAT_EVAL(ArcSinh, ArcSinhOp)
FLOAT_EVAL(ArcCosh, ArcCoshOp)
FLOAT_EVAL(ArcTanh, ArcTanhOp)
FLOAT_EVAL(Erf, ErfOp)
FLOAT_EVAL(ErfInv, ErfInvOp)
FLOAT_EVAL(Sigmoid, SigmoidOp)
#undef FLOAT_EVAL

void Log::eval_cpu(const std::vector<array>& inputs, array& out) {
  Dtype d = inputs[0].dtype();
  RowFn fn = base_ == Base::e     ? float_row<LogOp>(d, name())
             : base_ == Base::two ? float_row<Log2Op>(d, name())
                                  : float_row<Log10Op>(d, name());
  unary_apply(inputs[0], out, fn);
}

void Sqrt::eval_cpu(const std::vector<array>& inputs, array& out) {
  Dtype d = inputs[0].dtype();
  unary_apply(inputs[0], out, recip_ ? float_row<RsqrtOp>(d, name()) : float_row<SqrtOp>(d, name()));
}

} // namespace mlx::core
