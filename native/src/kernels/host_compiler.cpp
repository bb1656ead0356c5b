#include "host_compiler.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include <vector>

#include "cache_files.h"
#include "kernel_diagnostics.h"

extern char** environ;

namespace mlx::core::kernels {

namespace {

using namespace cache_files;

std::mutex g_mu;
std::string g_include_dir;
std::unordered_map<std::string, std::shared_ptr<const KernelModule>> g_modules;
std::unordered_map<std::string, std::shared_ptr<std::mutex>> g_building;
std::atomic<int64_t> g_generation{0}; // bumped by clear_kernel_memory_cache

struct Registered {
  KernelBuild build;
  std::mutex mu;
  std::shared_ptr<const KernelModule> module;
};
std::mutex g_registry_mu;
std::deque<Registered> g_registry; // a deque: entries never move
std::unordered_map<std::string, int> g_registry_ids;

std::atomic<int64_t> s_compiles{0}, s_failures{0}, s_disk_hits{0}, s_memory_hits{0},
    s_corrupt{0};
std::atomic<double> s_last_compile_ms{0};

bool is_executable(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
}

/** The compiler to run: MLX_TS_CXX (a path or a name on PATH), else `c++`. Empty if none. */
std::string find_compiler_uncached() {
  std::string want = env_or("MLX_TS_CXX", "c++");
  if (want.find('/') != std::string::npos) return is_executable(want) ? want : std::string();
  std::stringstream path(env_or("PATH", "/usr/local/bin:/usr/bin:/bin"));
  std::string dir;
  while (std::getline(path, dir, ':')) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + want;
    if (is_executable(candidate)) return candidate;
  }
  return {};
}

/** Identifies the compiler without running it: its resolved file, size and mtime. */
std::string compiler_identity_uncached(const std::string& compiler) {
  if (compiler.empty()) return "none";
  char resolved[4096];
  std::string real = realpath(compiler.c_str(), resolved) ? resolved : compiler;
  struct stat st;
  if (stat(real.c_str(), &st) != 0) return real;
  return real + " " + std::to_string(st.st_size) + " " + std::to_string(st.st_mtime);
}

/** The compiler and its identity, looked up again only when MLX_TS_CXX or PATH change. */
std::pair<std::string, std::string> compiler_and_identity() {
  static std::mutex mu;
  static std::string env_key;
  static std::pair<std::string, std::string> cached;
  std::string key = env_or("MLX_TS_CXX", "") + "\n" + env_or("PATH", "");
  std::lock_guard<std::mutex> lock(mu);
  if (key != env_key || cached.first.empty()) {
    std::string compiler = find_compiler_uncached();
    cached = {compiler, compiler_identity_uncached(compiler)};
    env_key = key;
  }
  return cached;
}

std::vector<std::string> compile_flags(const KernelBuild& b) {
  // -O2 plus the vectoriser with its full cost model (GCC 12's -O2 one never
  // versions loops for aliasing, which every kernel with two buffers needs).
  std::vector<std::string> flags = {"-std=c++20", "-O2", "-ftree-vectorize",
                                    "-fvect-cost-model=dynamic", "-fPIC", "-shared",
                                    "-fno-math-errno", "-fno-strict-aliasing", "-fno-exceptions",
                                    "-w"};
  if (b.fast_math) {
    // -ffast-math's parts, without the driver linking crtfastmath.o (which would
    // switch on flush-to-zero for the thread that loads the kernel); the macro
    // is what kernels test, as under Metal's fast math.
    for (const char* f : {"-ffinite-math-only", "-fno-signed-zeros", "-fno-trapping-math",
                          "-fassociative-math", "-freciprocal-math", "-fcx-limited-range",
                          "-D__FAST_MATH__=1"})
      flags.push_back(f);
  }
  return flags;
}

/** Runs argv, returning its exit status and combined stdout/stderr. */
int run_process(const std::vector<std::string>& argv, std::string& output) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addclose(&actions, fds[1]);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    output = std::string("could not start ") + argv[0] + ": " + strerror(rc);
    return -1;
  }
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
    if (n > 0) output.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/** Opens a kernel object and checks its entry points; null (and `why`) when unusable. */
std::shared_ptr<KernelModule> open_module(const std::string& path, const std::string& key,
                                          std::string& why) {
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = dlerror();
    why = e ? e : "dlopen failed";
    return nullptr;
  }
  auto abi = reinterpret_cast<mlxts_jit::AbiVersionFn>(dlsym(h, "mlxts_kernel_abi_version"));
  auto sync = reinterpret_cast<mlxts_jit::UsesSyncFn>(dlsym(h, "mlxts_kernel_uses_sync"));
  auto m = std::make_shared<KernelModule>();
  m->handle = h;
  m->run_group = reinterpret_cast<mlxts_jit::RunGroupFn>(dlsym(h, "mlxts_kernel_run_group"));
  m->run_thread = reinterpret_cast<mlxts_jit::RunThreadFn>(dlsym(h, "mlxts_kernel_run_thread"));
  m->key = key;
  if (!abi || !sync || !m->run_group || !m->run_thread || abi() != mlxts_jit::kAbiVersion) {
    why = "missing entry points or another ABI version";
    dlclose(h);
    return nullptr;
  }
  m->uses_sync = sync() != 0;
  return m;
}

/** The metadata stored next to a cached object: key material and the object's checksum. */
std::string meta_text(const std::string& material, const std::string& object) {
  return "mlxts-kernel-cache 1\n" + std::to_string(object.size()) + " " + hash_hex(object) +
         "\n" + material;
}

/** A cached entry, if present and intact. Corrupt entries are removed. */
std::shared_ptr<KernelModule> load_cached(const std::string& base, const std::string& key,
                                          const std::string& material) {
  std::string meta, object;
  if (!read_file(base + ".meta", meta)) return nullptr;
  bool intact = read_file(base + ".so", object) && meta == meta_text(material, object);
  std::string why;
  auto m = intact ? open_module(base + ".so", key, why) : nullptr;
  if (!m) {
    ++s_corrupt;
    unlink((base + ".meta").c_str());
    unlink((base + ".so").c_str());
  }
  return m;
}

std::shared_ptr<const KernelModule> build_module(const KernelBuild& b, const std::string& key,
                                                 const std::string& material,
                                                 const std::string& compiler) {
  std::string dir = kernel_cache_dir();
  std::string base = dir + "/" + key;
  if (auto m = load_cached(base, key, material)) {
    ++s_disk_hits;
    return m;
  }
  if (compiler.empty()) {
    throw KernelCompileError(b.op + " Cannot build kernel '" + b.kernel_name +
                             "' for the CPU: no C++ compiler found (looked for '" +
                             env_or("MLX_TS_CXX", "c++") +
                             "'). Install one (Debian/Ubuntu: apt-get install g++) or set "
                             "MLX_TS_CXX to a C++20 compiler's path.");
  }
  if (!make_dirs(dir)) {
    throw std::runtime_error(b.op + " Cannot create the kernel cache folder " + dir +
                             " (set MLX_TS_CACHE_DIR to a writable folder).");
  }
  std::string tmp = base + unique_suffix();
  if (!write_file(tmp + ".cpp", b.source)) {
    throw std::runtime_error(b.op + " Cannot write to the kernel cache folder " + dir + ".");
  }
  std::vector<std::string> argv = {compiler};
  for (const auto& f : compile_flags(b)) argv.push_back(f);
  argv.push_back("-I" + g_include_dir);
  argv.push_back("-o");
  argv.push_back(tmp + ".so");
  argv.push_back(tmp + ".cpp");
  std::string output;
  auto t0 = std::chrono::steady_clock::now();
  int rc = run_process(argv, output);
  s_last_compile_ms = std::chrono::duration<double, std::milli>(
                          std::chrono::steady_clock::now() - t0)
                          .count();
  unlink((tmp + ".cpp").c_str());
  if (rc != 0) {
    unlink((tmp + ".so").c_str());
    ++s_failures;
    throw KernelCompileError(b.op + " Failed to compile kernel '" + b.kernel_name +
                             "' for the CPU:\n" + map_diagnostics(output, b.source));
  }
  ++s_compiles;
  std::string object;
  if (!read_file(tmp + ".so", object)) throw std::runtime_error(b.op + " Lost a compiled kernel.");
  // Object first, then the metadata that vouches for it: a reader that sees the
  // metadata sees a complete object; concurrent writers rename identical content.
  std::string meta_tmp = base + unique_suffix();
  bool stored = write_file(meta_tmp, meta_text(material, object)) &&
                rename((tmp + ".so").c_str(), (base + ".so").c_str()) == 0 &&
                rename(meta_tmp.c_str(), (base + ".meta").c_str()) == 0;
  unlink(meta_tmp.c_str());
  std::string path = stored ? base + ".so" : tmp + ".so";
  std::string why;
  auto m = open_module(path, key, why);
  if (!stored) unlink(path.c_str());
  if (!m) throw std::runtime_error(b.op + " Cannot load kernel '" + b.kernel_name + "': " + why);
  return m;
}

} // namespace

std::string kernel_cache_dir() {
  std::string root = env_or("MLX_TS_CACHE_DIR", "");
  if (root.empty()) {
    std::string xdg = env_or("XDG_CACHE_HOME", "");
    root = !xdg.empty() ? xdg + "/mlx-ts" : env_or("HOME", "/tmp") + "/.cache/mlx-ts";
  }
  return root + "/cpu-kernels";
}

void set_kernel_include_dir(const std::string& dir) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_include_dir = dir;
}

std::string kernel_include_dir() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_include_dir;
}

std::shared_ptr<const KernelModule> get_kernel_module(const KernelBuild& b) {
  auto [compiler, identity] = compiler_and_identity();
  std::string material = "abi " + std::to_string(mlxts_jit::kAbiVersion) + "\ncompiler " +
                         identity + "\nflags";
  for (const auto& f : compile_flags(b)) material += " " + f;
  material += "\n" + b.source;
  std::string key = hash_hex(material);

  std::shared_ptr<std::mutex> building;
  {
    std::lock_guard<std::mutex> lock(g_mu);
    auto it = g_modules.find(key);
    if (it != g_modules.end()) {
      ++s_memory_hits;
      return it->second;
    }
    auto& slot = g_building[key];
    if (!slot) slot = std::make_shared<std::mutex>();
    building = slot;
  }
  // One builder per key; others wait for it and then find the module in memory.
  std::lock_guard<std::mutex> build_lock(*building);
  {
    std::lock_guard<std::mutex> lock(g_mu);
    auto it = g_modules.find(key);
    if (it != g_modules.end()) {
      ++s_memory_hits;
      return it->second;
    }
  }
  auto built = build_module(b, key, material, compiler);
  auto m = std::make_shared<KernelModule>(*built);
  m->generation = g_generation.load();
  std::lock_guard<std::mutex> lock(g_mu);
  g_modules[key] = m;
  g_building.erase(key);
  return m;
}

int register_kernel(KernelBuild build) {
  std::string key = std::string(build.fast_math ? "F" : "S") + build.op + "\n" + build.kernel_name +
                    "\n" + build.source;
  std::lock_guard<std::mutex> lock(g_registry_mu);
  auto it = g_registry_ids.find(key);
  if (it != g_registry_ids.end()) return it->second;
  int id = static_cast<int>(g_registry.size());
  g_registry.emplace_back();
  g_registry.back().build = std::move(build);
  g_registry_ids.emplace(std::move(key), id);
  return id;
}

/** Whether the memory cache was cleared after `m` was resolved. */
static bool g_modules_cleared_since(const std::shared_ptr<const KernelModule>& m) {
  return m->generation != g_generation.load();
}

static Registered& registered(int id) {
  std::lock_guard<std::mutex> lock(g_registry_mu);
  if (id < 0 || static_cast<size_t>(id) >= g_registry.size()) {
    throw std::invalid_argument("[custom_kernel] Unknown kernel id " + std::to_string(id) + ".");
  }
  return g_registry[static_cast<size_t>(id)];
}

const KernelBuild& registered_build(int id) { return registered(id).build; }

std::shared_ptr<const KernelModule> registered_module(int id) {
  Registered& r = registered(id);
  std::lock_guard<std::mutex> lock(r.mu);
  // The memory cache may have been cleared (tests): then resolve again.
  if (!r.module || g_modules_cleared_since(r.module)) r.module = get_kernel_module(r.build);
  else ++s_memory_hits;
  return r.module;
}

KernelCacheStats kernel_cache_stats() {
  KernelCacheStats s;
  s.compiles = s_compiles;
  s.failures = s_failures;
  s.disk_hits = s_disk_hits;
  s.memory_hits = s_memory_hits;
  s.corrupt_entries = s_corrupt;
  s.last_compile_ms = s_last_compile_ms;
  return s;
}

void clear_kernel_memory_cache() {
  std::lock_guard<std::mutex> lock(g_mu);
  g_modules.clear();
  ++g_generation;
}

} // namespace mlx::core::kernels
