#include "mlx/ops/linalg.h"

#include <sstream>

#include "mlx/ops/creation.h"
#include "mlx/primitives/linalg.h"

namespace mlx::core {

namespace {

// Shapes as MLX writes them in its matmul messages: (2,3), (3).
std::string mlx_shape(const Shape& s) {
  std::ostringstream os;
  os << "(";
  for (size_t i = 0; i < s.size(); ++i) os << (i ? "," : "") << s[i];
  os << ")";
  return os.str();
}

Shape batch_of(const Shape& s) {
  return s.size() > 2 ? Shape(s.begin(), s.end() - 2) : Shape{};
}

// Validates the shapes of a matrix product: at least 1-D, inner dimensions
// equal (after 1-D promotion) and broadcastable batch dimensions.
void check_matmul_shapes(const array& a, const array& b, const char* op) {
  if (a.ndim() == 0 || b.ndim() == 0) {
    std::ostringstream msg;
    msg << "[" << op << "] Got 0 dimension input. Inputs must have at least one dimension.";
    throw std::invalid_argument(msg.str());
  }
  Shape sa = a.shape(), sb = b.shape();
  if (sa.size() == 1) sa.insert(sa.begin(), 1);
  if (sb.size() == 1) sb.push_back(1);
  if (sa.back() != sb[sb.size() - 2]) {
    std::ostringstream msg;
    msg << "[" << op << "] Last dimension of first input with shape " << mlx_shape(sa)
        << " must match second to last dimension of second input with shape " << mlx_shape(sb)
        << ".";
    throw std::invalid_argument(msg.str());
  }
  auto ba = batch_of(sa), bb = batch_of(sb);
  size_t n = std::max(ba.size(), bb.size());
  for (size_t i = 0; i < n; ++i) {
    int da = i < ba.size() ? ba[ba.size() - 1 - i] : 1;
    int db = i < bb.size() ? bb[bb.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1) {
      std::ostringstream msg;
      msg << "[" << op << "] Shapes " << mlx_shape(a.shape()) << " and " << mlx_shape(b.shape())
          << " cannot be broadcast: their batch dimensions " << mlx_shape(ba) << " and "
          << mlx_shape(bb) << " do not match.";
      throw std::invalid_argument(msg.str());
    }
  }
}

} // namespace

Shape matmul_output_shape(const Shape& a, const Shape& b) {
  Shape sa = a, sb = b;
  if (sa.size() == 1) sa.insert(sa.begin(), 1);
  if (sb.size() == 1) sb.push_back(1);
  auto ba = batch_of(sa), bb = batch_of(sb);
  size_t n = std::max(ba.size(), bb.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int da = i < ba.size() ? ba[ba.size() - 1 - i] : 1;
    int db = i < bb.size() ? bb[bb.size() - 1 - i] : 1;
    out[n - 1 - i] = da == 1 ? db : da;
  }
  if (a.size() > 1) out.push_back(sa[sa.size() - 2]);
  if (b.size() > 1) out.push_back(sb.back());
  return out;
}

array matmul(const array& in_a, const array& in_b, StreamOrDevice s) {
  check_matmul_shapes(in_a, in_b, "matmul");
  auto out_type = promote_types(in_a.dtype(), in_b.dtype());
  if (!issubdtype(out_type, inexact)) {
    std::ostringstream msg;
    msg << "[matmul] Only inexact types are supported but " << in_a.dtype() << " and "
        << in_b.dtype() << " were provided which results in " << out_type
        << ", which is not a floating point type.";
    throw std::invalid_argument(msg.str());
  }
  auto stream = to_stream(s);
  auto a = astype(in_a, out_type, stream);
  auto b = astype(in_b, out_type, stream);
  auto out_shape = matmul_output_shape(a.shape(), b.shape());
  return array(std::move(out_shape), out_type, std::make_shared<Matmul>(stream),
               {std::move(a), std::move(b)});
}

array addmm(array c, array a, array b, const float& alpha, const float& beta,
            StreamOrDevice s) {
  check_matmul_shapes(a, b, "addmm");
  auto out_type = promote_types(promote_types(a.dtype(), b.dtype()), c.dtype());
  if (!issubdtype(out_type, inexact)) {
    std::ostringstream msg;
    msg << "[addmm] Only real floating point types are supported but " << c.dtype() << ", "
        << a.dtype() << " and " << b.dtype() << " were provided which results in "
        << out_type << ", which is not a real floating point type.";
    throw std::invalid_argument(msg.str());
  }
  auto out_shape = matmul_output_shape(a.shape(), b.shape());
  // c must broadcast to the output without growing it.
  bool fits = c.ndim() <= out_shape.size();
  for (size_t i = 0; fits && i < c.ndim(); ++i) {
    int dc = c.shape()[c.ndim() - 1 - i];
    int dout = out_shape[out_shape.size() - 1 - i];
    fits = dc == dout || dc == 1;
  }
  if (!fits) {
    std::ostringstream msg;
    msg << "[addmm] Input c with shape " << mlx_shape(c.shape())
        << " must broadcast to the output shape " << mlx_shape(out_shape) << ".";
    throw std::invalid_argument(msg.str());
  }
  auto stream = to_stream(s);
  a = astype(std::move(a), out_type, stream);
  b = astype(std::move(b), out_type, stream);
  c = astype(std::move(c), out_type, stream);
  return array(std::move(out_shape), out_type, std::make_shared<AddMM>(stream, alpha, beta),
               {std::move(a), std::move(b), std::move(c)});
}

} // namespace mlx::core
