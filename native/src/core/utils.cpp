#include "mlx/utils.h"

#include <sstream>
#include <stdexcept>

#include "mlx/transforms.h"

namespace mlx::core {

std::string shape_to_string(const Shape& s) {
  std::ostringstream os;
  os << "(";
  for (size_t i = 0; i < s.size(); ++i) {
    os << s[i];
    if (s.size() == 1 || i + 1 < s.size()) os << (s.size() == 1 ? "," : ", ");
  }
  os << ")";
  return os.str();
}

Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op) {
  size_t n = std::max(a.size(), b.size());
  Shape out(n);
  for (size_t i = 0; i < n; ++i) {
    int da = i < n - a.size() ? 1 : a[i - (n - a.size())];
    int db = i < n - b.size() ? 1 : b[i - (n - b.size())];
    if (da == db || db == 1) {
      out[i] = da;
    } else if (da == 1) {
      out[i] = db;
    } else {
      std::ostringstream msg;
      msg << "[" << op << "] Shapes " << shape_to_string(a) << " and " << shape_to_string(b)
          << " cannot be broadcast.";
      throw std::invalid_argument(msg.str());
    }
  }
  return out;
}

// MLX's printing of an array (evaluates it): array([1, 2], dtype=int32) style,
// summarising dimensions longer than 6. The SDK formats in TypeScript; this is
// for C++ users and extensions.
namespace {
void print_rec(std::ostream& os, const array& a, int64_t offset, int dim) {
  int n = a.shape(dim);
  bool last = dim == static_cast<int>(a.ndim()) - 1;
  os << "[";
  for (int i = 0; i < n; ++i) {
    if (i > 0) os << (last ? ", " : ",\n") << (last ? "" : std::string(7 + dim, ' '));
    if (i == 3 && n > 6) {
      os << "...";
      i = n - 4;
      continue;
    }
    int64_t off = offset + i * a.strides()[dim];
    if (last) {
      dispatch_all_types(a.dtype(), [&](auto tag) {
        using T = decltype(tag);
        T v = a.data<T>()[off];
        if constexpr (std::is_same_v<T, bool>) {
          os << (v ? "true" : "false");
        } else if constexpr (std::is_same_v<T, complex64_t>) {
          os << v.real() << (v.imag() >= 0 ? "+" : "-") << std::abs(v.imag()) << "j";
        } else if constexpr (std::is_integral_v<T>) {
          os << static_cast<int64_t>(v);
        } else {
          os << static_cast<double>(static_cast<float>(v));
        }
      });
    } else {
      print_rec(os, a, off, dim + 1);
    }
  }
  os << "]";
}
} // namespace

std::ostream& operator<<(std::ostream& os, const array& arr) {
  array a = arr;
  a.eval();
  a.ensure_host();
  os << "array(";
  if (a.ndim() == 0) {
    dispatch_all_types(a.dtype(), [&](auto tag) {
      using T = decltype(tag);
      T v = a.data<T>()[0];
      if constexpr (std::is_same_v<T, bool>) {
        os << (v ? "true" : "false");
      } else if constexpr (std::is_same_v<T, complex64_t>) {
        os << v.real() << (v.imag() >= 0 ? "+" : "-") << std::abs(v.imag()) << "j";
      } else if constexpr (std::is_integral_v<T>) {
        os << static_cast<int64_t>(v);
      } else {
        os << static_cast<double>(static_cast<float>(v));
      }
    });
  } else {
    print_rec(os, a, 0, 0);
  }
  return os << ", dtype=" << a.dtype() << ")";
}

int normalize_axis(int axis, int ndim, const char* op) {
  int a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim) {
    std::ostringstream msg;
    msg << "[" << op << "] Axis " << axis << " is out of bounds for array with " << ndim
        << " dimensions.";
    throw std::invalid_argument(msg.str());
  }
  return a;
}

} // namespace mlx::core
