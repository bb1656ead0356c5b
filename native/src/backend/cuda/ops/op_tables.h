// Which elementwise primitives run on the GPU, with which kernel functor and
// for which input dtypes (others run on the CPU). Shared by the GPU
// implementations (elementwise.cpp) and the compile check of every kernel
// (docs/gpu.md: "Checking the kernels").
#pragma once

#include <cstdint>

#include "mlx/dtype.h"

namespace mlx::core::cuda::ops {

/** Input dtypes a kernel supports. */
enum class Domain : uint8_t {
  Float,   // float16, bfloat16, float32, float64
  Real,    // every dtype but complex64
  Number,  // Real without bool
  Int,     // integers (no bool)
  IntBool, // integers and bool
  Bool,    // bool only
};

inline bool domain_accepts(Domain d, Dtype t) {
  const bool is_bool = t == bool_;
  const bool is_int = !is_bool && issubdtype(t, integer);
  const bool is_float = issubdtype(t, floating);
  switch (d) {
    case Domain::Float: return is_float;
    case Domain::Real: return t != complex64;
    case Domain::Number: return t != complex64 && !is_bool;
    case Domain::Int: return is_int;
    case Domain::IntBool: return is_int || is_bool;
    case Domain::Bool: return is_bool;
  }
  return false;
}

/** When the output simply shares the input's buffer. */
enum class Share : uint8_t {
  Never,
  Always,          // stop_gradient
  BoolOrUnsigned,  // abs
  Bool,            // sign
  IntOrBool,       // floor, ceil, round
};

inline bool shares(Share s, Dtype t) {
  switch (s) {
    case Share::Never: return false;
    case Share::Always: return true;
    case Share::BoolOrUnsigned: return t == bool_ || issubdtype(t, unsignedinteger);
    case Share::Bool: return t == bool_;
    case Share::IntOrBool: return t == bool_ || issubdtype(t, integer);
  }
  return false;
}

struct UnarySpec {
  const char* prim;    // Primitive::name()
  const char* functor; // prelude template, instantiated with the input type
  Domain domain;
  bool bool_out;       // predicates
  Share share;
};

// Round with decimals != 0 uses "mlxg::RoundDecU" instead of RoundU.
inline constexpr UnarySpec kUnarySpecs[] = {
    {"Abs", "mlxg::AbsU", Domain::Real, false, Share::BoolOrUnsigned},
    {"Negative", "mlxg::NegativeU", Domain::Number, false, Share::Never},
    {"Sign", "mlxg::SignU", Domain::Real, false, Share::Bool},
    {"Exp", "mlxg::ExpU", Domain::Float, false, Share::Never},
    {"Expm1", "mlxg::Expm1U", Domain::Float, false, Share::Never},
    {"Log1p", "mlxg::Log1pU", Domain::Float, false, Share::Never},
    {"Square", "mlxg::SquareU", Domain::Real, false, Share::Never},
    {"Reciprocal", "mlxg::ReciprocalU", Domain::Float, false, Share::Never},
    {"Sin", "mlxg::SinU", Domain::Float, false, Share::Never},
    {"Cos", "mlxg::CosU", Domain::Float, false, Share::Never},
    {"Tan", "mlxg::TanU", Domain::Float, false, Share::Never},
    {"ArcSin", "mlxg::ArcSinU", Domain::Float, false, Share::Never},
    {"ArcCos", "mlxg::ArcCosU", Domain::Float, false, Share::Never},
    {"ArcTan", "mlxg::ArcTanU", Domain::Float, false, Share::Never},
    {"Sinh", "mlxg::SinhU", Domain::Float, false, Share::Never},
    {"Cosh", "mlxg::CoshU", Domain::Float, false, Share::Never},
    {"Tanh", "mlxg::TanhU", Domain::Float, false, Share::Never},
    {"ArcSinh", "mlxg::ArcSinhU", Domain::Float, false, Share::Never},
    {"ArcCosh", "mlxg::ArcCoshU", Domain::Float, false, Share::Never},
    {"ArcTanh", "mlxg::ArcTanhU", Domain::Float, false, Share::Never},
    {"Floor", "mlxg::FloorU", Domain::Float, false, Share::IntOrBool},
    {"Ceil", "mlxg::CeilU", Domain::Float, false, Share::IntOrBool},
    {"Round", "mlxg::RoundU", Domain::Float, false, Share::IntOrBool},
    {"Erf", "mlxg::ErfU", Domain::Float, false, Share::Never},
    {"ErfInv", "mlxg::ErfInvU", Domain::Float, false, Share::Never},
    {"Sigmoid", "mlxg::SigmoidU", Domain::Float, false, Share::Never},
    {"IsNaN", "mlxg::IsNaNU", Domain::Float, true, Share::Never},
    {"IsInf", "mlxg::IsInfU", Domain::Float, true, Share::Never},
    {"IsPosInf", "mlxg::IsPosInfU", Domain::Float, true, Share::Never},
    {"IsNegInf", "mlxg::IsNegInfU", Domain::Float, true, Share::Never},
    {"IsFinite", "mlxg::IsFiniteU", Domain::Float, true, Share::Never},
    {"LogicalNot", "mlxg::LogicalNotU", Domain::Bool, false, Share::Never},
    {"BitwiseInvert", "mlxg::BitwiseInvertU", Domain::Int, false, Share::Never},
    {"Log", "mlxg::LogU", Domain::Float, false, Share::Never},
    {"Log2", "mlxg::Log2U", Domain::Float, false, Share::Never},
    {"Log10", "mlxg::Log10U", Domain::Float, false, Share::Never},
    {"Sqrt", "mlxg::SqrtU", Domain::Float, false, Share::Never},
    {"Rsqrt", "mlxg::RsqrtU", Domain::Float, false, Share::Never},
    {"Degrees", "mlxg::ScaleU", Domain::Float, false, Share::Never},
    {"Radians", "mlxg::ScaleU", Domain::Float, false, Share::Never},
    {"StopGradient", "", Domain::Real, false, Share::Always},
};
inline constexpr int kNumUnary = sizeof(kUnarySpecs) / sizeof(kUnarySpecs[0]);

struct BinarySpec {
  const char* prim;
  const char* functor;
  Domain domain;
  bool bool_out;
};

inline constexpr BinarySpec kBinarySpecs[] = {
    {"Add", "mlxg::AddB", Domain::Real, false},
    {"Subtract", "mlxg::SubtractB", Domain::Real, false},
    {"Multiply", "mlxg::MultiplyB", Domain::Real, false},
    {"Divide", "mlxg::DivideB", Domain::Float, false},
    {"FloorDivide", "mlxg::FloorDivideB", Domain::Real, false},
    {"Remainder", "mlxg::RemainderB", Domain::Real, false},
    {"Power", "mlxg::PowerB", Domain::Real, false},
    {"Maximum", "mlxg::MaximumB", Domain::Real, false},
    {"Minimum", "mlxg::MinimumB", Domain::Real, false},
    {"ArcTan2", "mlxg::ArcTan2B", Domain::Float, false},
    {"LogAddExp", "mlxg::LogAddExpB", Domain::Float, false},
    {"Equal", "mlxg::EqualB", Domain::Real, true},
    {"NaNEqual", "mlxg::NaNEqualB", Domain::Real, true},
    {"NotEqual", "mlxg::NotEqualB", Domain::Real, true},
    {"Less", "mlxg::LessB", Domain::Real, true},
    {"LessEqual", "mlxg::LessEqualB", Domain::Real, true},
    {"Greater", "mlxg::GreaterB", Domain::Real, true},
    {"GreaterEqual", "mlxg::GreaterEqualB", Domain::Real, true},
    {"LogicalAnd", "mlxg::LogicalAndB", Domain::Bool, true},
    {"LogicalOr", "mlxg::LogicalOrB", Domain::Bool, true},
    {"BitwiseAnd", "mlxg::BitwiseAndB", Domain::IntBool, false},
    {"BitwiseOr", "mlxg::BitwiseOrB", Domain::IntBool, false},
    {"BitwiseXor", "mlxg::BitwiseXorB", Domain::IntBool, false},
    {"LeftShift", "mlxg::LeftShiftB", Domain::Int, false},
    {"RightShift", "mlxg::RightShiftB", Domain::Int, false},
    {"IsClose", "mlxg::IsCloseB", Domain::Real, true},
};
inline constexpr int kNumBinary = sizeof(kBinarySpecs) / sizeof(kBinarySpecs[0]);

/** Reductions of the Reduce primitive (by ReduceType: And, Or, Sum, Prod, Min, Max). */
inline constexpr const char* kReducePolicies[] = {"mlxg::AndR", "mlxg::OrR", "mlxg::SumR",
                                                  "mlxg::ProdR", "mlxg::MinR", "mlxg::MaxR"};

} // namespace mlx::core::cuda::ops
