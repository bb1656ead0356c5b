// Operations of the indexing family.
#pragma once

#include "mlx/array.h"
#include "mlx/utils.h"

namespace mlx::core {

} // namespace mlx::core
