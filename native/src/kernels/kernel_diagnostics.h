// Turns the host compiler's output into a message about the user's own text.
#pragma once

#include <string>

namespace mlx::core::kernels {

/**
 * Keeps the compiler's errors, with locations in the user's `source` and
 * `header` (the generated unit marks them with `#line 1 "source"` /
 * `#line 1 "header"`), each followed by the offending line. Errors located in
 * generated code or the compatibility headers are kept too, briefly.
 */
std::string map_diagnostics(const std::string& compiler_output, const std::string& unit);

} // namespace mlx::core::kernels
