// CPU evaluation of the reduce primitives: pick the dtype's kernel, run the
// shared layout walk (reduce_engine.cpp). Two-pass reductions (var/std,
// logsumexp) first reduce into a per-output buffer that the second pass reads.
#include <algorithm>
#include <vector>

#include "mlx/backend/cpu/copy.h"
#include "mlx/primitives/reduce.h"
#include "reduce_kernels.h"

namespace mlx::core {

namespace {

namespace rd = cpu::reduce;

rd::Input make_input(const array& in) {
  return rd::Input{in.data<char>(), static_cast<int>(in.itemsize()), in.shape(), in.strides()};
}

void alloc(array& out) { out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1))); }

double count_of(const array& in, const std::vector<int>& axes) {
  double n = 1;
  for (int ax : axes) n *= in.shape(ax);
  return n;
}

// The type the two-pass reductions keep their first pass in.
Dtype compute_dtype(Dtype d) { return d == float64 ? float64 : float32; }

} // namespace

void Reduce::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  alloc(out);
  rd::Kernel k;
  switch (reduce_type()) {
    case And: k = rd::and_or_kernel(in.dtype(), true); break;
    case Or: k = rd::and_or_kernel(in.dtype(), false); break;
    case Sum: k = rd::sum_kernel(in.dtype()); break;
    case Prod: k = rd::prod_kernel(in.dtype()); break;
    case Min: k = rd::minmax_kernel(in.dtype(), false, in.dtype()); break;
    case Max: k = rd::minmax_kernel(in.dtype(), true, in.dtype()); break;
  }
  rd::run(k, make_input(in), axes(), out.data<char>(), static_cast<int>(out.itemsize()), nullptr,
          rd::FinishArgs{});
}

void Mean::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  alloc(out);
  rd::FinishArgs args;
  args.count = count_of(in, axes());
  args.scale = 1.0 / args.count; // inf for an empty reduction: the mean is NaN
  rd::run(rd::mean_kernel(in.dtype(), out.dtype()), make_input(in), axes(), out.data<char>(),
          static_cast<int>(out.itemsize()), nullptr, args);
}

void Var::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  alloc(out);
  Dtype c = compute_dtype(in.dtype());
  std::vector<char> mu(std::max<size_t>(out.size(), 1) * size_of(c));
  rd::FinishArgs args;
  args.count = count_of(in, axes());
  args.scale = 1.0 / args.count;
  args.ddof = ddof();
  args.sqrt = is_std();
  auto input = make_input(in);
  rd::run(rd::mean_kernel(in.dtype(), c), input, axes(), mu.data(), size_of(c), nullptr, args);
  rd::run(rd::var_kernel(in.dtype()), input, axes(), out.data<char>(),
          static_cast<int>(out.itemsize()), mu.data(), args);
}

void LogSumExp::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  alloc(out);
  Dtype c = compute_dtype(in.dtype());
  std::vector<char> m(std::max<size_t>(out.size(), 1) * size_of(c));
  auto input = make_input(in);
  rd::run(rd::minmax_kernel(in.dtype(), true, c), input, axes(), m.data(), size_of(c), nullptr,
          rd::FinishArgs{});
  rd::run(rd::logsumexp_kernel(in.dtype()), input, axes(), out.data<char>(),
          static_cast<int>(out.itemsize()), m.data(), rd::FinishArgs{});
}

void ArgReduce::eval_cpu(const std::vector<array>& inputs, array& out) {
  const auto& in = inputs[0];
  alloc(out);
  auto k = rd::arg_kernel(in.dtype(), reduce_type() == ArgMax);
  if (axis() >= 0) {
    rd::run(k, make_input(in), {axis()}, out.data<char>(), 4, nullptr, rd::FinishArgs{},
            /* ordered = */ true);
    return;
  }
  // The flattened array: indices count in row-major order.
  array flat = ensure_row_contiguous_cpu(in);
  rd::Input input{flat.data<char>(), static_cast<int>(flat.itemsize()),
                  Shape{static_cast<int32_t>(flat.size())}, Strides{1}};
  rd::run(k, input, {0}, out.data<char>(), 4, nullptr, rd::FinishArgs{}, true);
}

} // namespace mlx::core
