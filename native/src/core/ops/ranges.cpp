#include "mlx/ops/ranges.h"

#include <climits>
#include <cmath>
#include <sstream>

#include "mlx/primitives/ranges.h"

namespace mlx::core {

array arange(double start, double stop, double step, Dtype dtype, StreamOrDevice s) {
  if (dtype == bool_) {
    throw std::invalid_argument("[arange] The dtype bool is not supported.");
  }
  if (std::isnan(start) || std::isnan(stop) || std::isnan(step) || std::isinf(start) ||
      std::isinf(stop)) {
    std::ostringstream msg;
    msg << "[arange] Cannot compute length: start and stop must be finite and step not NaN, got "
        << "start=" << start << ", stop=" << stop << ", step=" << step << ".";
    throw std::invalid_argument(msg.str());
  }
  if (step == 0) {
    throw std::invalid_argument("[arange] step must be nonzero, got 0.");
  }
  if (std::isinf(step)) {
    // One element when the range is not empty, else none.
    bool one = (step > 0 && start < stop) || (step < 0 && start > stop);
    return array(&start, Shape{one ? 1 : 0}, dtype);
  }
  double real_size = std::ceil((stop - start) / step);
  if (real_size > INT_MAX) {
    std::ostringstream msg;
    msg << "[arange] Maximum size exceeded: the range has " << real_size
        << " elements, at most " << INT_MAX << " are allowed.";
    throw std::invalid_argument(msg.str());
  }
  int size = std::max(static_cast<int>(real_size), 0);
  return array(Shape{size}, dtype, std::make_shared<Arange>(to_stream(s), start, stop, step),
               std::vector<array>{});
}
array arange(double start, double stop, double step, StreamOrDevice s) {
  return arange(start, stop, step, float32, s);
}
array arange(double start, double stop, Dtype dtype, StreamOrDevice s) {
  return arange(start, stop, 1.0, dtype, s);
}
array arange(double start, double stop, StreamOrDevice s) {
  return arange(start, stop, 1.0, float32, s);
}
array arange(double stop, Dtype dtype, StreamOrDevice s) {
  return arange(0.0, stop, 1.0, dtype, s);
}
array arange(double stop, StreamOrDevice s) { return arange(0.0, stop, 1.0, float32, s); }
array arange(int start, int stop, int step, StreamOrDevice s) {
  return arange(static_cast<double>(start), static_cast<double>(stop), static_cast<double>(step),
                int32, s);
}
array arange(int start, int stop, StreamOrDevice s) {
  return arange(static_cast<double>(start), static_cast<double>(stop), 1.0, int32, s);
}
array arange(int stop, StreamOrDevice s) {
  return arange(0.0, static_cast<double>(stop), 1.0, int32, s);
}

array linspace(double start, double stop, int num, bool endpoint, Dtype dtype,
               StreamOrDevice s) {
  if (num < 0) {
    std::ostringstream msg;
    msg << "[linspace] The number of samples must be non-negative, got " << num << ".";
    throw std::invalid_argument(msg.str());
  }
  return array(Shape{num}, dtype, std::make_shared<Linspace>(to_stream(s), start, stop, num, endpoint),
               std::vector<array>{});
}

namespace {

void check_dims(int n, int m, const char* op) {
  if (n < 0 || m < 0) {
    std::ostringstream msg;
    msg << "[" << op << "] The number of rows and columns must be non-negative, got n=" << n
        << ", m=" << m << ".";
    throw std::invalid_argument(msg.str());
  }
}

} // namespace

array eye(int n, int m, int k, Dtype dtype, StreamOrDevice s) {
  check_dims(n, m, "eye");
  return array(Shape{n, m}, dtype, std::make_shared<Eye>(to_stream(s), n, m, k, false),
               std::vector<array>{});
}
array eye(int n, Dtype dtype, StreamOrDevice s) { return eye(n, n, 0, dtype, s); }
array eye(int n, int m, StreamOrDevice s) { return eye(n, m, 0, float32, s); }
array eye(int n, int m, int k, StreamOrDevice s) { return eye(n, m, k, float32, s); }
array eye(int n, StreamOrDevice s) { return eye(n, n, 0, float32, s); }

array identity(int n, Dtype dtype, StreamOrDevice s) {
  check_dims(n, n, "identity");
  return eye(n, n, 0, dtype, s);
}
array identity(int n, StreamOrDevice s) { return identity(n, float32, s); }

array tri(int n, int m, int k, Dtype dtype, StreamOrDevice s) {
  check_dims(n, m, "tri");
  return array(Shape{n, m}, dtype, std::make_shared<Eye>(to_stream(s), n, m, k, true),
               std::vector<array>{});
}
array tri(int n, Dtype dtype, StreamOrDevice s) { return tri(n, n, 0, dtype, s); }

namespace {

array triangular(array x, int k, bool upper, StreamOrDevice s) {
  const char* op = upper ? "triu" : "tril";
  if (x.ndim() < 2) {
    std::ostringstream msg;
    msg << "[" << op << "] Expected an array with at least 2 dimensions, got " << x.ndim()
        << " (shape " << shape_to_string(x.shape()) << ").";
    throw std::invalid_argument(msg.str());
  }
  auto shape = x.shape();
  auto dtype = x.dtype();
  return array(std::move(shape), dtype, std::make_shared<Triangular>(to_stream(s), k, upper),
               {std::move(x)});
}

} // namespace

array tril(array x, int k, StreamOrDevice s) { return triangular(std::move(x), k, false, s); }
array triu(array x, int k, StreamOrDevice s) { return triangular(std::move(x), k, true, s); }

array view(const array& a, const Dtype& dtype, StreamOrDevice s) {
  if (a.dtype() == dtype) return a;
  auto out_shape = a.shape();
  size_t ib = size_of(a.dtype()), ob = size_of(dtype);
  if (ib != ob) {
    if (a.ndim() == 0) {
      std::ostringstream msg;
      msg << "[view] Changing the type of a scalar is only allowed for types with the same "
             "size, got "
          << a.dtype() << " (" << ib << " bytes) to " << dtype << " (" << ob << " bytes).";
      throw std::invalid_argument(msg.str());
    }
    if (ib < ob) {
      size_t ratio = ob / ib;
      if (out_shape.back() % ratio != 0) {
        std::ostringstream msg;
        msg << "[view] When viewing as a larger dtype, the size in bytes of the last axis must "
               "be a multiple of the requested type size, got a last axis of "
            << out_shape.back() << " x " << ib << " bytes for " << dtype << " (" << ob
            << " bytes).";
        throw std::invalid_argument(msg.str());
      }
      out_shape.back() /= static_cast<int32_t>(ratio);
    } else {
      out_shape.back() *= static_cast<int32_t>(ib / ob);
    }
  }
  return array(std::move(out_shape), dtype, std::make_shared<View>(to_stream(s), dtype), {a});
}

} // namespace mlx::core
