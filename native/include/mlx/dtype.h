// Dtypes, their categories and MLX's promotion rules.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "mlx/types/complex.h"
#include "mlx/types/half_types.h"

namespace mlx::core {

struct Dtype {
  // Order matches MLX's so enum values agree with MLX's bindings.
  enum class Val {
    bool_,
    uint8,
    uint16,
    uint32,
    uint64,
    int8,
    int16,
    int32,
    int64,
    float16,
    float32,
    float64,
    bfloat16,
    complex64,
  };

  enum class Kind { b, u, i, f, c, V };

  enum class Category {
    complexfloating,
    floating,
    inexact,
    signedinteger,
    unsignedinteger,
    integer,
    number,
    generic
  };

  constexpr explicit Dtype(Val val, uint8_t size) : val_(val), size_(size) {}
  constexpr operator Val() const { return val_; }
  constexpr Val val() const { return val_; }
  constexpr uint8_t size() const { return size_; }

 private:
  Val val_;
  uint8_t size_;
};

inline constexpr Dtype bool_{Dtype::Val::bool_, sizeof(bool)};
inline constexpr Dtype uint8{Dtype::Val::uint8, 1};
inline constexpr Dtype uint16{Dtype::Val::uint16, 2};
inline constexpr Dtype uint32{Dtype::Val::uint32, 4};
inline constexpr Dtype uint64{Dtype::Val::uint64, 8};
inline constexpr Dtype int8{Dtype::Val::int8, 1};
inline constexpr Dtype int16{Dtype::Val::int16, 2};
inline constexpr Dtype int32{Dtype::Val::int32, 4};
inline constexpr Dtype int64{Dtype::Val::int64, 8};
inline constexpr Dtype float16{Dtype::Val::float16, 2};
inline constexpr Dtype float32{Dtype::Val::float32, 4};
inline constexpr Dtype float64{Dtype::Val::float64, 8};
inline constexpr Dtype bfloat16{Dtype::Val::bfloat16, 2};
inline constexpr Dtype complex64{Dtype::Val::complex64, 8};

inline constexpr Dtype::Category complexfloating = Dtype::Category::complexfloating;
inline constexpr Dtype::Category floating = Dtype::Category::floating;
inline constexpr Dtype::Category inexact = Dtype::Category::inexact;
inline constexpr Dtype::Category signedinteger = Dtype::Category::signedinteger;
inline constexpr Dtype::Category unsignedinteger = Dtype::Category::unsignedinteger;
inline constexpr Dtype::Category integer = Dtype::Category::integer;
inline constexpr Dtype::Category number = Dtype::Category::number;
inline constexpr Dtype::Category generic = Dtype::Category::generic;

constexpr int num_dtypes = 14;

Dtype dtype_from_val(Dtype::Val v);
Dtype promote_types(const Dtype& t1, const Dtype& t2);
Dtype::Kind kindof(const Dtype& t);
inline uint8_t size_of(const Dtype& t) { return t.size(); }

bool issubdtype(const Dtype& a, const Dtype& b);
bool issubdtype(const Dtype& a, const Dtype::Category& b);
bool issubdtype(const Dtype::Category& a, const Dtype& b);
bool issubdtype(const Dtype::Category& a, const Dtype::Category& b);

std::string dtype_to_string(const Dtype& d);
std::ostream& operator<<(std::ostream& os, const Dtype& d);

inline bool is_floating_point(const Dtype& d) { return issubdtype(d, inexact); }
inline bool is_complex(const Dtype& d) { return d == complex64; }

template <typename T>
struct TypeToDtype {
  operator Dtype();
};

template <> inline TypeToDtype<bool>::operator Dtype() { return bool_; }
template <> inline TypeToDtype<uint8_t>::operator Dtype() { return uint8; }
template <> inline TypeToDtype<uint16_t>::operator Dtype() { return uint16; }
template <> inline TypeToDtype<uint32_t>::operator Dtype() { return uint32; }
template <> inline TypeToDtype<uint64_t>::operator Dtype() { return uint64; }
template <> inline TypeToDtype<int8_t>::operator Dtype() { return int8; }
template <> inline TypeToDtype<int16_t>::operator Dtype() { return int16; }
template <> inline TypeToDtype<int32_t>::operator Dtype() { return int32; }
template <> inline TypeToDtype<int64_t>::operator Dtype() { return int64; }
template <> inline TypeToDtype<float16_t>::operator Dtype() { return float16; }
template <> inline TypeToDtype<float>::operator Dtype() { return float32; }
template <> inline TypeToDtype<double>::operator Dtype() { return float64; }
template <> inline TypeToDtype<bfloat16_t>::operator Dtype() { return bfloat16; }
template <> inline TypeToDtype<complex64_t>::operator Dtype() { return complex64; }

// Calls f(T{}) with the C++ type of dtype d. One switch, used by every kernel
// family so that each family instantiates only the types it needs.
template <typename F>
decltype(auto) dispatch_all_types(Dtype d, F&& f) {
  switch (d.val()) {
    case Dtype::Val::bool_: return f(bool{});
    case Dtype::Val::uint8: return f(uint8_t{});
    case Dtype::Val::uint16: return f(uint16_t{});
    case Dtype::Val::uint32: return f(uint32_t{});
    case Dtype::Val::uint64: return f(uint64_t{});
    case Dtype::Val::int8: return f(int8_t{});
    case Dtype::Val::int16: return f(int16_t{});
    case Dtype::Val::int32: return f(int32_t{});
    case Dtype::Val::int64: return f(int64_t{});
    case Dtype::Val::float16: return f(float16_t{});
    case Dtype::Val::float32: return f(float{});
    case Dtype::Val::float64: return f(double{});
    case Dtype::Val::bfloat16: return f(bfloat16_t{});
    case Dtype::Val::complex64: return f(complex64_t{});
  }
  return f(float{});
}

} // namespace mlx::core
