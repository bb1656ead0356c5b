// Ops of the binary family: validate, work out the dtype and the broadcast
// shape, cast the inputs, build the node. The primitives broadcast their
// inputs themselves (zero strides), so no broadcast node is added.
#include "mlx/ops/binary.h"

#include <sstream>

#include "mlx/ops/creation.h"
#include "mlx/primitives/binary.h"

namespace mlx::core {

namespace {

Dtype at_least_float(Dtype t) { return issubdtype(t, inexact) ? t : float32; }

// An elementwise node: inputs cast to `compute`, output of `out_dtype`.
array binary_node(const char* op, const array& a, const array& b, Dtype compute, Dtype out_dtype,
                  std::shared_ptr<Primitive> prim) {
  auto shape = broadcast_shapes(a.shape(), b.shape(), op);
  auto stream = prim->stream();
  return array(std::move(shape), out_dtype, std::move(prim),
               {astype(a, compute, stream), astype(b, compute, stream)});
}

template <typename P>
array promoted(const char* op, const array& a, const array& b, StreamOrDevice s) {
  auto t = promote_types(a.dtype(), b.dtype());
  return binary_node(op, a, b, t, t, std::make_shared<P>(to_stream(s)));
}

template <typename P>
array comparison(const char* op, const array& a, const array& b, StreamOrDevice s) {
  auto t = promote_types(a.dtype(), b.dtype());
  return binary_node(op, a, b, t, bool_, std::make_shared<P>(to_stream(s)));
}

void no_complex(const char* op, const array& a, const array& b) {
  if (a.dtype() == complex64 || b.dtype() == complex64) {
    std::ostringstream msg;
    msg << "[" << op << "] Not supported for complex64, got " << a.dtype() << " and "
        << b.dtype() << ".";
    throw std::invalid_argument(msg.str());
  }
}

array bitwise(const char* op, const array& a, const array& b, BitwiseBinary::Op kind, Dtype t,
              StreamOrDevice s) {
  if (!(issubdtype(t, integer) || t == bool_)) {
    std::ostringstream msg;
    msg << "[" << op << "] Only allowed on integer or boolean types but got types " << a.dtype()
        << " and " << b.dtype() << ".";
    throw std::invalid_argument(msg.str());
  }
  return binary_node(op, a, b, t, t, std::make_shared<BitwiseBinary>(to_stream(s), kind));
}

} // namespace

array add(const array& a, const array& b, StreamOrDevice s) {
  return promoted<Add>("add", a, b, s);
}
array subtract(const array& a, const array& b, StreamOrDevice s) {
  return promoted<Subtract>("subtract", a, b, s);
}
array multiply(const array& a, const array& b, StreamOrDevice s) {
  return promoted<Multiply>("multiply", a, b, s);
}

array divide(const array& a, const array& b, StreamOrDevice s) {
  auto t = at_least_float(promote_types(a.dtype(), b.dtype()));
  return binary_node("divide", a, b, t, t, std::make_shared<Divide>(to_stream(s)));
}

array floor_divide(const array& a, const array& b, StreamOrDevice s) {
  no_complex("floor_divide", a, b);
  return promoted<FloorDivide>("floor_divide", a, b, s);
}

array remainder(const array& a, const array& b, StreamOrDevice s) {
  no_complex("remainder", a, b);
  return promoted<Remainder>("remainder", a, b, s);
}

std::vector<array> divmod(const array& a, const array& b, StreamOrDevice s) {
  no_complex("divmod", a, b);
  auto t = promote_types(a.dtype(), b.dtype());
  auto shape = broadcast_shapes(a.shape(), b.shape(), "divmod");
  auto stream = to_stream(s);
  return array::make_arrays({shape, shape}, {t, t}, std::make_shared<DivMod>(stream),
                            {astype(a, t, stream), astype(b, t, stream)});
}

array power(const array& a, const array& b, StreamOrDevice s) {
  return promoted<Power>("power", a, b, s);
}
array maximum(const array& a, const array& b, StreamOrDevice s) {
  return promoted<Maximum>("maximum", a, b, s);
}
array minimum(const array& a, const array& b, StreamOrDevice s) {
  return promoted<Minimum>("minimum", a, b, s);
}

array arctan2(const array& a, const array& b, StreamOrDevice s) {
  no_complex("arctan2", a, b);
  auto t = at_least_float(promote_types(a.dtype(), b.dtype()));
  return binary_node("arctan2", a, b, t, t, std::make_shared<ArcTan2>(to_stream(s)));
}

array logaddexp(const array& a, const array& b, StreamOrDevice s) {
  no_complex("logaddexp", a, b);
  auto t = at_least_float(promote_types(a.dtype(), b.dtype()));
  return binary_node("logaddexp", a, b, t, t, std::make_shared<LogAddExp>(to_stream(s)));
}

array equal(const array& a, const array& b, StreamOrDevice s) {
  return comparison<Equal>("equal", a, b, s);
}
array not_equal(const array& a, const array& b, StreamOrDevice s) {
  return comparison<NotEqual>("not_equal", a, b, s);
}
array less(const array& a, const array& b, StreamOrDevice s) {
  return comparison<Less>("less", a, b, s);
}
array less_equal(const array& a, const array& b, StreamOrDevice s) {
  return comparison<LessEqual>("less_equal", a, b, s);
}
array greater(const array& a, const array& b, StreamOrDevice s) {
  return comparison<Greater>("greater", a, b, s);
}
array greater_equal(const array& a, const array& b, StreamOrDevice s) {
  return comparison<GreaterEqual>("greater_equal", a, b, s);
}

array logical_and(const array& a, const array& b, StreamOrDevice s) {
  return binary_node("logical_and", a, b, bool_, bool_, std::make_shared<LogicalAnd>(to_stream(s)));
}
array logical_or(const array& a, const array& b, StreamOrDevice s) {
  return binary_node("logical_or", a, b, bool_, bool_, std::make_shared<LogicalOr>(to_stream(s)));
}

array bitwise_and(const array& a, const array& b, StreamOrDevice s) {
  return bitwise("bitwise_and", a, b, BitwiseBinary::Op::And, promote_types(a.dtype(), b.dtype()), s);
}
array bitwise_or(const array& a, const array& b, StreamOrDevice s) {
  return bitwise("bitwise_or", a, b, BitwiseBinary::Op::Or, promote_types(a.dtype(), b.dtype()), s);
}
array bitwise_xor(const array& a, const array& b, StreamOrDevice s) {
  return bitwise("bitwise_xor", a, b, BitwiseBinary::Op::Xor, promote_types(a.dtype(), b.dtype()), s);
}
array left_shift(const array& a, const array& b, StreamOrDevice s) {
  auto t = promote_types(a.dtype(), b.dtype());
  if (t == bool_) t = uint8;
  return bitwise("left_shift", a, b, BitwiseBinary::Op::LeftShift, t, s);
}
array right_shift(const array& a, const array& b, StreamOrDevice s) {
  auto t = promote_types(a.dtype(), b.dtype());
  if (t == bool_) t = uint8;
  return bitwise("right_shift", a, b, BitwiseBinary::Op::RightShift, t, s);
}

array where(const array& condition, const array& x, const array& y, StreamOrDevice s) {
  auto shape = broadcast_shapes(broadcast_shapes(condition.shape(), x.shape(), "where"),
                                y.shape(), "where");
  auto t = promote_types(x.dtype(), y.dtype());
  auto stream = to_stream(s);
  return array(std::move(shape), t, std::make_shared<Select>(stream),
               {astype(condition, bool_, stream), astype(x, t, stream), astype(y, t, stream)});
}

array clip(const array& a, const std::optional<array>& a_min, const std::optional<array>& a_max,
           StreamOrDevice s) {
  if (!a_min && !a_max) {
    throw std::invalid_argument(
        "[clip] At least one of a_min and a_max must be given, got neither.");
  }
  // Check the final shape first so the error names clip.
  auto shape = a.shape();
  if (a_min) shape = broadcast_shapes(shape, a_min->shape(), "clip");
  if (a_max) shape = broadcast_shapes(shape, a_max->shape(), "clip");
  array result = a;
  if (a_min) result = maximum(result, *a_min, s);
  if (a_max) result = minimum(result, *a_max, s);
  return result;
}

array isclose(const array& a, const array& b, double rtol, double atol, bool equal_nan,
              StreamOrDevice s) {
  auto t = promote_types(a.dtype(), b.dtype());
  return binary_node("isclose", a, b, t, bool_,
                     std::make_shared<IsClose>(to_stream(s), rtol, atol, equal_nan, false));
}

array allclose(const array& a, const array& b, double rtol, double atol, bool equal_nan,
               StreamOrDevice s) {
  auto t = promote_types(a.dtype(), b.dtype());
  broadcast_shapes(a.shape(), b.shape(), "allclose");
  auto stream = to_stream(s);
  return array(Shape{}, bool_, std::make_shared<IsClose>(stream, rtol, atol, equal_nan, true),
               {astype(a, t, stream), astype(b, t, stream)});
}

array array_equal(const array& a, const array& b, bool equal_nan, StreamOrDevice s) {
  if (a.shape() != b.shape()) return array(false);
  auto t = promote_types(a.dtype(), b.dtype());
  equal_nan = equal_nan && issubdtype(t, inexact);
  auto stream = to_stream(s);
  return array(Shape{}, bool_, std::make_shared<ArrayEqual>(stream, equal_nan),
               {astype(a, t, stream), astype(b, t, stream)});
}

} // namespace mlx::core
