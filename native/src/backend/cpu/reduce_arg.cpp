// Kernel tables of argmax and argmin.
#include "reduce_kernels.h"

namespace mlx::core::cpu::reduce {

namespace {

template <bool IsMax>
Kernel arg(Dtype in) {
  switch (in.val()) {
    case Dtype::Val::bool_:
    case Dtype::Val::uint8: return make_kernel<Arg<uint8_t, IsMax>, uint32_t>();
    case Dtype::Val::uint16: return make_kernel<Arg<uint16_t, IsMax>, uint32_t>();
    case Dtype::Val::uint32: return make_kernel<Arg<uint32_t, IsMax>, uint32_t>();
    case Dtype::Val::uint64: return make_kernel<Arg<uint64_t, IsMax>, uint32_t>();
    case Dtype::Val::int8: return make_kernel<Arg<int8_t, IsMax>, uint32_t>();
    case Dtype::Val::int16: return make_kernel<Arg<int16_t, IsMax>, uint32_t>();
    case Dtype::Val::int32: return make_kernel<Arg<int32_t, IsMax>, uint32_t>();
    case Dtype::Val::int64: return make_kernel<Arg<int64_t, IsMax>, uint32_t>();
    case Dtype::Val::float16: return make_kernel<Arg<float16_t, IsMax>, uint32_t>();
    case Dtype::Val::bfloat16: return make_kernel<Arg<bfloat16_t, IsMax>, uint32_t>();
    case Dtype::Val::float32: return make_kernel<Arg<float, IsMax>, uint32_t>();
    case Dtype::Val::float64: return make_kernel<Arg<double, IsMax>, uint32_t>();
    case Dtype::Val::complex64: return make_kernel<Arg<complex64_t, IsMax>, uint32_t>();
  }
  return make_kernel<Arg<float, IsMax>, uint32_t>();
}

} // namespace

Kernel arg_kernel(Dtype in, bool is_max) { return is_max ? arg<true>(in) : arg<false>(in); }

} // namespace mlx::core::cpu::reduce
