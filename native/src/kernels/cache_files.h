// File helpers shared by the kernel caches (host compiler and NVRTC): content
// hashes, whole-file reads and writes, folder creation, temp-file names.
#pragma once

#include <string>

namespace mlx::core::kernels::cache_files {

/** Two independent 64-bit hashes as 32 hex digits: a content address, not a
 * security boundary (cache entries also store their full key and compare it). */
std::string hash_hex(const std::string& s);
/** The variable's value, or `fallback` when unset or empty. */
std::string env_or(const char* name, const std::string& fallback);
/** mkdir -p; false when a component cannot be created. */
bool make_dirs(const std::string& path);
bool read_file(const std::string& path, std::string& out);
/** Writes and flushes; false on any failure. */
bool write_file(const std::string& path, const std::string& data);
/** ".<pid>.<n>.tmp": a name no other writer uses, for write-then-rename. */
std::string unique_suffix();

} // namespace mlx::core::kernels::cache_files
