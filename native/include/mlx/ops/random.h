// Operations of the random family.
#pragma once

#include "mlx/array.h"
#include "mlx/utils.h"

namespace mlx::core {

} // namespace mlx::core
