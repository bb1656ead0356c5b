// Operations of the shape family.
#pragma once

#include "mlx/array.h"
#include "mlx/utils.h"

namespace mlx::core {

/** A view of `a`'s row-major elements with the given shape, strides (in
 * elements) and offset. No bounds checks beyond the input's size: as in MLX,
 * the caller is responsible for staying inside it. */
array as_strided(array a, Shape shape, Strides strides, size_t offset, StreamOrDevice s = {});

} // namespace mlx::core
