// Primitives of the linalg family.
#pragma once

#include "mlx/primitives.h"

namespace mlx::core {

} // namespace mlx::core
