// Kernel tables of max, min, all and any.
#include "reduce_kernels.h"

namespace mlx::core::cpu::reduce {

namespace {

template <bool IsMax>
Kernel minmax(Dtype in, Dtype out) {
  switch (in.val()) {
    case Dtype::Val::bool_: // 0/1 bytes: max is any, min is all
    case Dtype::Val::uint8: return make_kernel<MinMax<uint8_t, IsMax>, uint8_t>();
    case Dtype::Val::uint16: return make_kernel<MinMax<uint16_t, IsMax>, uint16_t>();
    case Dtype::Val::uint32: return make_kernel<MinMax<uint32_t, IsMax>, uint32_t>();
    case Dtype::Val::uint64: return make_kernel<MinMax<uint64_t, IsMax>, uint64_t>();
    case Dtype::Val::int8: return make_kernel<MinMax<int8_t, IsMax>, int8_t>();
    case Dtype::Val::int16: return make_kernel<MinMax<int16_t, IsMax>, int16_t>();
    case Dtype::Val::int32: return make_kernel<MinMax<int32_t, IsMax>, int32_t>();
    case Dtype::Val::int64: return make_kernel<MinMax<int64_t, IsMax>, int64_t>();
    case Dtype::Val::float16:
      return out == float32 ? make_kernel<MinMax<float16_t, IsMax>, float>()
                            : make_kernel<MinMax<float16_t, IsMax>, float16_t>();
    case Dtype::Val::bfloat16:
      return out == float32 ? make_kernel<MinMax<bfloat16_t, IsMax>, float>()
                            : make_kernel<MinMax<bfloat16_t, IsMax>, bfloat16_t>();
    case Dtype::Val::float32: return make_kernel<MinMax<float, IsMax>, float>();
    case Dtype::Val::float64: return make_kernel<MinMax<double, IsMax>, double>();
    case Dtype::Val::complex64: return make_kernel<MinMax<complex64_t, IsMax>, complex64_t>();
  }
  return make_kernel<MinMax<float, IsMax>, float>();
}

template <bool IsAnd>
Kernel and_or(Dtype in) {
  // Integers are tested by width; floats as floats (-0.0 is zero, NaN is not).
  switch (in.val()) {
    case Dtype::Val::bool_:
    case Dtype::Val::uint8:
    case Dtype::Val::int8: return make_kernel<AndOr<uint8_t, IsAnd>, bool>();
    case Dtype::Val::uint16:
    case Dtype::Val::int16: return make_kernel<AndOr<uint16_t, IsAnd>, bool>();
    case Dtype::Val::uint32:
    case Dtype::Val::int32: return make_kernel<AndOr<uint32_t, IsAnd>, bool>();
    case Dtype::Val::uint64:
    case Dtype::Val::int64: return make_kernel<AndOr<uint64_t, IsAnd>, bool>();
    case Dtype::Val::float16:
    case Dtype::Val::bfloat16: return make_kernel<AndOr<float16_t, IsAnd>, bool>();
    case Dtype::Val::float32: return make_kernel<AndOr<float, IsAnd>, bool>();
    case Dtype::Val::float64: return make_kernel<AndOr<double, IsAnd>, bool>();
    case Dtype::Val::complex64: return make_kernel<AndOr<complex64_t, IsAnd>, bool>();
  }
  return make_kernel<AndOr<uint8_t, IsAnd>, bool>();
}

} // namespace

Kernel minmax_kernel(Dtype in, bool is_max, Dtype out) {
  return is_max ? minmax<true>(in, out) : minmax<false>(in, out);
}

Kernel and_or_kernel(Dtype in, bool is_and) { return is_and ? and_or<true>(in) : and_or<false>(in); }

} // namespace mlx::core::cpu::reduce
