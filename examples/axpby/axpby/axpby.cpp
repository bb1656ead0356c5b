// The seed guide's axpby: operation, CPU kernel, jvp, vjp and vmap.
// Against MLX itself only the include paths would differ.
#include "axpby/axpby.h"

#include <stdexcept>

#include "mlx/backend/common/utils.h"
#include "mlx/backend/cpu/encoder.h"
#include "mlx/utils.h"

namespace my_ext {

///////////////////////////////////////////////////////////////////////////////
// Operation
///////////////////////////////////////////////////////////////////////////////

mx::array axpby(
    const mx::array& x,
    const mx::array& y,
    const float alpha,
    const float beta,
    mx::StreamOrDevice s /* = {} */) {
  // Promote dtypes between x and y as needed
  auto promoted_dtype = mx::promote_types(x.dtype(), y.dtype());

  // Upcast to float32 for non-floating point inputs x and y
  auto out_dtype = mx::issubdtype(promoted_dtype, mx::float32)
      ? promoted_dtype
      : mx::promote_types(promoted_dtype, mx::float32);

  // Cast x and y up to the determined dtype (on the same stream s)
  auto x_casted = mx::astype(x, out_dtype, s);
  auto y_casted = mx::astype(y, out_dtype, s);

  // Broadcast the shapes of x and y (on the same stream s)
  auto broadcasted_inputs = mx::broadcast_arrays({x_casted, y_casted}, s);
  auto out_shape = broadcasted_inputs[0].shape();

  // Construct the array as the output of the Axpby primitive with the
  // broadcasted and upcasted arrays as inputs
  return mx::array(
      /* const Shape& shape = */ out_shape,
      /* Dtype dtype = */ out_dtype,
      /* std::shared_ptr<Primitive> primitive = */
      std::make_shared<Axpby>(mx::to_stream(s), alpha, beta),
      /* const std::vector<array>& inputs = */ broadcasted_inputs);
}

///////////////////////////////////////////////////////////////////////////////
// Primitive: CPU back-end
///////////////////////////////////////////////////////////////////////////////

template <typename T>
void axpby_impl(
    const mx::array& x,
    const mx::array& y,
    mx::array& out,
    float alpha_,
    float beta_,
    mx::Stream stream) {
  out.set_data(mx::allocator::malloc(out.nbytes()));

  // Get the CPU command encoder and register input and output arrays
  auto& encoder = mx::cpu::get_command_encoder(stream);
  encoder.set_input_array(x);
  encoder.set_input_array(y);
  encoder.set_output_array(out);

  // Launch the CPU kernel
  encoder.dispatch([x_ptr = x.data<T>(),
                    y_ptr = y.data<T>(),
                    out_ptr = out.data<T>(),
                    size = out.size(),
                    shape = out.shape(),
                    x_strides = x.strides(),
                    y_strides = y.strides(),
                    alpha_,
                    beta_]() {
    // Cast alpha and beta to the relevant types
    T alpha = static_cast<T>(alpha_);
    T beta = static_cast<T>(beta_);

    // Do the element-wise operation for each output
    for (size_t out_idx = 0; out_idx < size; out_idx++) {
      // Map linear indices to offsets in x and y
      auto x_offset = mx::elem_to_loc(out_idx, shape, x_strides);
      auto y_offset = mx::elem_to_loc(out_idx, shape, y_strides);

      // We allocate the output to be contiguous and regularly strided
      // (defaults to row major) and hence it doesn't need additional mapping
      out_ptr[out_idx] = alpha * x_ptr[x_offset] + beta * y_ptr[y_offset];
    }
  });
}

void Axpby::eval_cpu(
    const std::vector<mx::array>& inputs,
    std::vector<mx::array>& outputs) {
  auto& x = inputs[0];
  auto& y = inputs[1];
  auto& out = outputs[0];

  // Dispatch to the correct dtype
  if (out.dtype() == mx::float32) {
    return axpby_impl<float>(x, y, out, alpha_, beta_, stream());
  } else if (out.dtype() == mx::float16) {
    return axpby_impl<mx::float16_t>(x, y, out, alpha_, beta_, stream());
  } else if (out.dtype() == mx::bfloat16) {
    return axpby_impl<mx::bfloat16_t>(x, y, out, alpha_, beta_, stream());
  } else if (out.dtype() == mx::complex64) {
    return axpby_impl<mx::complex64_t>(x, y, out, alpha_, beta_, stream());
  } else {
    throw std::runtime_error("Axpby is only supported for floating point types.");
  }
}

///////////////////////////////////////////////////////////////////////////////
// Primitive: GPU back-end
///////////////////////////////////////////////////////////////////////////////

void Axpby::eval_gpu(
    const std::vector<mx::array>& /* inputs */,
    std::vector<mx::array>& /* outputs */) {
  throw std::runtime_error("[Axpby] eval_gpu is not implemented on this device yet.");
}

///////////////////////////////////////////////////////////////////////////////
// Primitive: transforms
///////////////////////////////////////////////////////////////////////////////

/** The Jacobian-vector product. */
std::vector<mx::array> Axpby::jvp(
    const std::vector<mx::array>& primals,
    const std::vector<mx::array>& tangents,
    const std::vector<int>& argnums) {
  // Forward mode diff that pushes along the tangents. If argnums = {0}, we
  // only push along x, in which case the jvp is the tangent scaled by alpha;
  // likewise argnums = {1} scales by beta. (The guide's text tests
  // `argnums.size() > 1` here; one argnum is the case meant.)
  if (argnums.size() == 1) {
    auto scale = argnums[0] == 0 ? alpha_ : beta_;
    auto scale_arr = mx::array(scale, tangents[0].dtype());
    return {mx::multiply(scale_arr, tangents[0], stream())};
  }
  // If argnums = {0, 1}, we take contributions from both, which gives us
  // jvp = tangent_x * alpha + tangent_y * beta
  return {axpby(tangents[0], tangents[1], alpha_, beta_, stream())};
}

/** The vector-Jacobian product. */
std::vector<mx::array> Axpby::vjp(
    const std::vector<mx::array>& primals,
    const std::vector<mx::array>& cotangents,
    const std::vector<int>& argnums,
    const std::vector<mx::array>& /* outputs */) {
  // Reverse mode diff
  std::vector<mx::array> vjps;
  for (auto arg : argnums) {
    auto scale = arg == 0 ? alpha_ : beta_;
    auto scale_arr = mx::array(scale, cotangents[0].dtype());
    vjps.push_back(mx::multiply(scale_arr, cotangents[0], stream()));
  }
  return vjps;
}

/** Vectorize primitive along given axis */
std::pair<std::vector<mx::array>, std::vector<int>> Axpby::vmap(
    const std::vector<mx::array>& inputs,
    const std::vector<int>& axes) {
  // Move each mapped axis to the front (an unmapped input broadcasts along
  // it), then apply axpby to the whole batch: the mapped axis of the output
  // is 0. (The guide leaves vmap unimplemented.)
  auto x = inputs[0];
  auto y = inputs[1];
  int ax = axes[0];
  int ay = axes[1];
  if (ax >= 0 && ax != 0) x = mx::moveaxis(x, ax, 0, stream());
  if (ay >= 0 && ay != 0) y = mx::moveaxis(y, ay, 0, stream());
  if (ax < 0) x = mx::expand_dims(x, 0, stream());
  if (ay < 0) y = mx::expand_dims(y, 0, stream());
  return {{axpby(x, y, alpha_, beta_, stream())}, {0}};
}

/** Equivalence check **/
bool Axpby::is_equivalent(const mx::Primitive& other) const {
  auto* r_other = dynamic_cast<const Axpby*>(&other);
  return r_other != nullptr && alpha_ == r_other->alpha_ && beta_ == r_other->beta_;
}

} // namespace my_ext
