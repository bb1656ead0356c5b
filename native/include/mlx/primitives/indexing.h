// Primitives of the indexing family.
#pragma once

#include "mlx/primitives.h"

namespace mlx::core {

} // namespace mlx::core
