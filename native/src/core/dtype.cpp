#include "mlx/dtype.h"

namespace mlx::core {

namespace {

constexpr Dtype all_dtypes[num_dtypes] = {
    bool_, uint8, uint16, uint32, uint64, int8, int16,
    int32, int64, float16, float32, float64, bfloat16, complex64};

using V = Dtype::Val;
constexpr V b = V::bool_, u8 = V::uint8, u16 = V::uint16, u32 = V::uint32,
            u64 = V::uint64, i8 = V::int8, i16 = V::int16, i32 = V::int32,
            i64 = V::int64, f16 = V::float16, f32 = V::float32,
            f64 = V::float64, bf = V::bfloat16, c64 = V::complex64;

// MLX's promotion table (JAX's lattice): unsigned with signed widens, 64-bit
// unsigned with signed goes to float32, float16 with bfloat16 to float32.
constexpr V rules[num_dtypes][num_dtypes] = {
    // b    u8   u16  u32  u64  i8   i16  i32  i64  f16  f32  f64  bf   c64
    {b,   u8,  u16, u32, u64, i8,  i16, i32, i64, f16, f32, f64, bf,  c64}, // b
    {u8,  u8,  u16, u32, u64, i16, i16, i32, i64, f16, f32, f64, bf,  c64}, // u8
    {u16, u16, u16, u32, u64, i32, i32, i32, i64, f16, f32, f64, bf,  c64}, // u16
    {u32, u32, u32, u32, u64, i64, i64, i64, i64, f16, f32, f64, bf,  c64}, // u32
    {u64, u64, u64, u64, u64, f32, f32, f32, f32, f16, f32, f64, bf,  c64}, // u64
    {i8,  i16, i32, i64, f32, i8,  i16, i32, i64, f16, f32, f64, bf,  c64}, // i8
    {i16, i16, i32, i64, f32, i16, i16, i32, i64, f16, f32, f64, bf,  c64}, // i16
    {i32, i32, i32, i64, f32, i32, i32, i32, i64, f16, f32, f64, bf,  c64}, // i32
    {i64, i64, i64, i64, f32, i64, i64, i64, i64, f16, f32, f64, bf,  c64}, // i64
    {f16, f16, f16, f16, f16, f16, f16, f16, f16, f16, f32, f64, f32, c64}, // f16
    {f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f64, f32, c64}, // f32
    {f64, f64, f64, f64, f64, f64, f64, f64, f64, f64, f64, f64, f64, c64}, // f64
    {bf,  bf,  bf,  bf,  bf,  bf,  bf,  bf,  bf,  f32, f32, f64, bf,  c64}, // bf
    {c64, c64, c64, c64, c64, c64, c64, c64, c64, c64, c64, c64, c64, c64}, // c64
};

using C = Dtype::Category;
constexpr C category_of[num_dtypes] = {
    C::generic,         C::unsignedinteger, C::unsignedinteger,
    C::unsignedinteger, C::unsignedinteger, C::signedinteger,
    C::signedinteger,   C::signedinteger,   C::signedinteger,
    C::floating,        C::floating,        C::floating,
    C::floating,        C::complexfloating};

// sub_of[a][b]: category a is within category b.
constexpr bool sub_of[8][8] = {
    // cf     fl     inex   sint   uint   int    num    gen
    {true, false, true, false, false, false, true, true},   // complexfloating
    {false, true, true, false, false, false, true, true},   // floating
    {false, false, true, false, false, false, true, true},  // inexact
    {false, false, false, true, false, true, true, true},   // signedinteger
    {false, false, false, false, true, true, true, true},   // unsignedinteger
    {false, false, false, false, false, true, true, true},  // integer
    {false, false, false, false, false, false, true, true}, // number
    {false, false, false, false, false, false, false, true} // generic
};

constexpr const char* names[num_dtypes] = {
    "bool",  "uint8",   "uint16",  "uint32",  "uint64",   "int8",     "int16",
    "int32", "int64",   "float16", "float32", "float64", "bfloat16", "complex64"};

} // namespace

Dtype dtype_from_val(Dtype::Val v) { return all_dtypes[static_cast<int>(v)]; }

Dtype promote_types(const Dtype& t1, const Dtype& t2) {
  return dtype_from_val(rules[static_cast<int>(t1.val())][static_cast<int>(t2.val())]);
}

Dtype::Kind kindof(const Dtype& t) {
  switch (t.val()) {
    case V::bool_: return Dtype::Kind::b;
    case V::uint8: case V::uint16: case V::uint32: case V::uint64: return Dtype::Kind::u;
    case V::int8: case V::int16: case V::int32: case V::int64: return Dtype::Kind::i;
    case V::float16: case V::float32: case V::float64: return Dtype::Kind::f;
    case V::bfloat16: return Dtype::Kind::V;
    case V::complex64: return Dtype::Kind::c;
  }
  return Dtype::Kind::V;
}

bool issubdtype(const Dtype& a, const Dtype& b) { return a == b; }
bool issubdtype(const Dtype& a, const Dtype::Category& b) {
  return sub_of[static_cast<int>(category_of[static_cast<int>(a.val())])][static_cast<int>(b)];
}
bool issubdtype(const Dtype::Category& a, const Dtype&) { return false; }
bool issubdtype(const Dtype::Category& a, const Dtype::Category& b) {
  return sub_of[static_cast<int>(a)][static_cast<int>(b)];
}

std::string dtype_to_string(const Dtype& d) { return names[static_cast<int>(d.val())]; }
std::ostream& operator<<(std::ostream& os, const Dtype& d) { return os << dtype_to_string(d); }

} // namespace mlx::core
