// Primitives of the random family.
#pragma once

#include "mlx/primitives.h"

namespace mlx::core {

} // namespace mlx::core
