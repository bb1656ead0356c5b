#include "mlx/ops/creation.h"

#include <sstream>

#include "mlx/primitives/creation.h"

namespace mlx::core {

array astype(array a, Dtype dtype, StreamOrDevice s) {
  if (a.dtype() == dtype) return a;
  auto stream = to_stream(s);
  auto shape = a.shape(); // read before `a` is moved into the inputs
  return array(std::move(shape), dtype, std::make_shared<AsType>(stream, dtype), {std::move(a)});
}

array copy(array a, StreamOrDevice s) {
  auto shape = a.shape();
  auto dtype = a.dtype();
  return array(std::move(shape), dtype, std::make_shared<Copy>(to_stream(s)), {std::move(a)});
}

array full(Shape shape, array vals, Dtype dtype, StreamOrDevice s) {
  for (auto d : shape) {
    if (d < 0) {
      std::ostringstream msg;
      msg << "[full] Negative dimensions are not allowed, got shape " << shape_to_string(shape)
          << ".";
      throw std::invalid_argument(msg.str());
    }
  }
  // Validates that vals broadcasts to shape (throws naming full).
  auto b = broadcast_shapes(shape, vals.shape(), "full");
  if (b != shape) {
    std::ostringstream msg;
    msg << "[full] Values of shape " << shape_to_string(vals.shape())
        << " cannot be broadcast to shape " << shape_to_string(shape) << ".";
    throw std::invalid_argument(msg.str());
  }
  auto stream = to_stream(s);
  auto out_shape = shape;
  return array(std::move(out_shape), dtype, std::make_shared<Full>(stream, std::move(shape)),
               {astype(std::move(vals), dtype, stream)});
}

array full(Shape shape, array vals, StreamOrDevice s) {
  auto dtype = vals.dtype();
  return full(std::move(shape), std::move(vals), dtype, s);
}

array zeros(const Shape& shape, Dtype dtype, StreamOrDevice s) {
  return full(shape, array(false, dtype), dtype, s);
}
array zeros_like(const array& a, StreamOrDevice s) { return zeros(a.shape(), a.dtype(), s); }
array ones(const Shape& shape, Dtype dtype, StreamOrDevice s) {
  return full(shape, array(true, dtype), dtype, s);
}
array ones_like(const array& a, StreamOrDevice s) { return ones(a.shape(), a.dtype(), s); }

} // namespace mlx::core
