// Small shared helpers of the public API: stream selection, shape rules.
#pragma once

#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "mlx/array.h"
#include "mlx/stream.h"

namespace mlx::core {

using StreamOrDevice = std::variant<std::monostate, Stream, Device>;

/** Resolves a stream-or-device argument to a stream (the device's default). */
Stream to_stream(StreamOrDevice s);
Stream to_stream(StreamOrDevice s, Device default_);

/** Broadcasts two or more shapes; throws naming `op` when they do not match. */
Shape broadcast_shapes(const Shape& a, const Shape& b, const char* op = "broadcast_shapes");

/** Normalizes a possibly negative axis; throws naming `op` when out of range. */
int normalize_axis(int axis, int ndim, const char* op);

std::string shape_to_string(const Shape& s);
std::ostream& operator<<(std::ostream& os, const array& a);

} // namespace mlx::core
