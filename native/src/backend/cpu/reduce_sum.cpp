// Kernel tables of sum, mean and prod.
#include <stdexcept>

#include "reduce_kernels.h"

namespace mlx::core::cpu::reduce {

namespace {

// Integer sums wrap in 32 bits for inputs of up to 4 bytes, else 64 (MLX's rule);
// the output is int32/uint32/int64/uint64 by the input's signedness.
template <typename T>
using wide_t = std::conditional_t<(sizeof(T) <= 4), uint32_t, uint64_t>;
template <typename T>
using sum_out_t = std::conditional_t<
    std::is_signed_v<T> || std::is_same_v<T, bool>,
    std::conditional_t<(sizeof(T) <= 4), int32_t, int64_t>, wide_t<T>>;

template <template <typename...> class Fn, typename... Extra>
Kernel by_int(Dtype in) {
  switch (in.val()) {
    case Dtype::Val::bool_: return Fn<bool>::get();
    case Dtype::Val::uint8: return Fn<uint8_t>::get();
    case Dtype::Val::uint16: return Fn<uint16_t>::get();
    case Dtype::Val::uint32: return Fn<uint32_t>::get();
    case Dtype::Val::uint64: return Fn<uint64_t>::get();
    case Dtype::Val::int8: return Fn<int8_t>::get();
    case Dtype::Val::int16: return Fn<int16_t>::get();
    case Dtype::Val::int32: return Fn<int32_t>::get();
    default: return Fn<int64_t>::get();
  }
}

template <typename T>
struct IntSum {
  static Kernel get() { return make_kernel<SumInt<T, wide_t<T>>, sum_out_t<T>>(); }
};
template <typename T>
struct IntMean {
  static Kernel get() {
    auto k = make_kernel<SumInt<T, wide_t<T>>, sum_out_t<T>>();
    k.finish = &SumInt<T, wide_t<T>>::finish_mean;
    return k;
  }
};
template <typename T>
struct IntProd {
  static Kernel get() { return make_kernel<Prod<T, wide_t<T>>, sum_out_t<T>>(); }
};

bool is_int(Dtype d) { return d == bool_ || issubdtype(d, integer); }

} // namespace

Kernel sum_kernel(Dtype in) {
  if (is_int(in)) return by_int<IntSum>(in);
  switch (in.val()) {
    case Dtype::Val::float16: return make_kernel<SumFloat<float16_t>, float16_t>();
    case Dtype::Val::bfloat16: return make_kernel<SumFloat<bfloat16_t>, bfloat16_t>();
    case Dtype::Val::float32: return make_kernel<SumFloat<float>, float>();
    case Dtype::Val::float64: return make_kernel<SumFloat<double>, double>();
    default: return make_kernel<SumComplex, complex64_t>();
  }
}

Kernel mean_kernel(Dtype in, Dtype out) {
  if (is_int(in)) return by_int<IntMean>(in); // out is float32
  switch (in.val()) {
    case Dtype::Val::float16:
      return out == float32 ? make_kernel<SumFloat<float16_t>, float>()
                            : make_kernel<SumFloat<float16_t>, float16_t>();
    case Dtype::Val::bfloat16:
      return out == float32 ? make_kernel<SumFloat<bfloat16_t>, float>()
                            : make_kernel<SumFloat<bfloat16_t>, bfloat16_t>();
    case Dtype::Val::float32: return make_kernel<SumFloat<float>, float>();
    case Dtype::Val::float64: return make_kernel<SumFloat<double>, double>();
    default: return make_kernel<SumComplex, complex64_t>();
  }
}

Kernel prod_kernel(Dtype in) {
  if (is_int(in)) return by_int<IntProd>(in);
  switch (in.val()) {
    case Dtype::Val::float16: return make_kernel<Prod<float16_t, float>, float16_t>();
    case Dtype::Val::bfloat16: return make_kernel<Prod<bfloat16_t, float>, bfloat16_t>();
    case Dtype::Val::float32: return make_kernel<Prod<float, float>, float>();
    case Dtype::Val::float64: return make_kernel<Prod<double, double>, double>();
    default: return make_kernel<Prod<complex64_t, std::complex<float>>, complex64_t>();
  }
}

} // namespace mlx::core::cpu::reduce
