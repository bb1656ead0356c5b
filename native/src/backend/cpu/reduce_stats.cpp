// Kernel tables of the second passes of var/std and logsumexp (floating inputs).
#include "reduce_kernels.h"

namespace mlx::core::cpu::reduce {

Kernel var_kernel(Dtype in) {
  switch (in.val()) {
    case Dtype::Val::float16: return make_kernel<SquaredDev<float16_t>, float16_t>();
    case Dtype::Val::bfloat16: return make_kernel<SquaredDev<bfloat16_t>, bfloat16_t>();
    case Dtype::Val::float64: return make_kernel<SquaredDev<double>, double>();
    default: return make_kernel<SquaredDev<float>, float>();
  }
}

Kernel logsumexp_kernel(Dtype in) {
  switch (in.val()) {
    case Dtype::Val::float16: return make_kernel<ExpShifted<float16_t>, float16_t>();
    case Dtype::Val::bfloat16: return make_kernel<ExpShifted<bfloat16_t>, bfloat16_t>();
    case Dtype::Val::float64: return make_kernel<ExpShifted<double>, double>();
    default: return make_kernel<ExpShifted<float>, float>();
  }
}

} // namespace mlx::core::cpu::reduce
