#include "mlx/utils.h"

#include <sstream>
#include <stdexcept>

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
