// Primitives of the unary family.
#pragma once

#include "mlx/primitives.h"

namespace mlx::core {

} // namespace mlx::core
