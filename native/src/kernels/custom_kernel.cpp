// The custom kernel operation and its CPU evaluation: inputs laid out as the
// kernel expects, outputs allocated (and filled with init_value), then every
// threadgroup of the grid run by the compiled kernel object, in parallel.
#include <algorithm>
#include <atomic>
#include <mutex>
#include <cstring>
#include <sstream>

#include "fiber.h"
#include "host_compiler.h"
#include "mlx/backend/cpu/copy.h"
#include "mlx/primitives/custom_kernel.h"
#include "../backend/cpu/parallel.h"

namespace mlx::core {

namespace fast {

std::shared_ptr<const CustomKernelSpec> register_custom_kernel(CustomKernelSpec spec) {
  spec.kernel_id = kernels::register_kernel({spec.cpu_source, spec.op, spec.name, spec.fast_math});
  return std::make_shared<const CustomKernelSpec>(std::move(spec));
}

std::vector<array> custom_kernel(const std::vector<array>& inputs,
                                 const std::vector<Shape>& output_shapes,
                                 const std::vector<Dtype>& output_dtypes,
                                 std::shared_ptr<const CustomKernelSpec> spec, KernelLaunch launch,
                                 StreamOrDevice s) {
  const std::string& op = spec->op;
  if (output_shapes.empty() || output_shapes.size() != output_dtypes.size()) {
    throw std::invalid_argument(op + " Expected one output dtype per output shape and at least one "
                                     "output, got " + std::to_string(output_shapes.size()) +
                                " shapes and " + std::to_string(output_dtypes.size()) + " dtypes.");
  }
  for (const auto& p : spec->params) {
    size_t limit = p.kind == KernelParam::Kind::Output ? output_shapes.size() : inputs.size();
    if (p.index < 0 || static_cast<size_t>(p.index) >= limit) {
      throw std::invalid_argument(op + " Kernel parameter refers to a missing input or output.");
    }
  }
  for (int i = 0; i < 3; ++i) {
    if (launch.grid[i] <= 0 || launch.threadgroup[i] <= 0) {
      throw std::invalid_argument(op + " grid and threadgroup must be positive.");
    }
  }
  auto prim = std::make_shared<CustomKernel>(to_stream(s), std::move(spec), launch);
  return array::make_arrays(output_shapes, output_dtypes, prim, inputs);
}

} // namespace fast

namespace {

/** Records the first out-of-bounds access of a checked launch. */
struct OobChecker {
  std::atomic<bool> hit{false};
  std::mutex mu;
  std::string buffer;
  int64_t index{0}, size{0};
  mlxts_jit::ThreadPos pos{};

  static void report(void* self, const char* buffer, int64_t index, int64_t size,
                     const mlxts_jit::ThreadPos* pos) {
    auto* c = static_cast<OobChecker*>(self);
    if (c->hit.exchange(true)) return;
    std::lock_guard<std::mutex> lock(c->mu);
    c->buffer = buffer;
    c->index = index;
    c->size = size;
    c->pos = *pos;
  }
};

std::string dim3_text(uint32_t x, uint32_t y, uint32_t z) {
  std::ostringstream s;
  s << "(" << x << ", " << y << ", " << z << ")";
  return s.str();
}

std::string oob_message(const fast::CustomKernelSpec& call, OobChecker& c,
                        const mlxts_jit::Launch& L) {
  std::lock_guard<std::mutex> lock(c.mu);
  const auto& p = c.pos;
  std::ostringstream m;
  m << call.op << " Kernel '" << call.name << "' accessed '" << c.buffer << "' out of bounds at index "
    << c.index << " (valid 0.." << c.size - 1 << ") in ";
  if (call.round_grid_to_blocks) {
    m << "threadIdx " << dim3_text(p.thread.x, p.thread.y, p.thread.z) << " of blockIdx "
      << dim3_text(p.group.x, p.group.y, p.group.z);
  } else {
    m << "thread_position_in_grid "
      << dim3_text(p.group.x * L.group_size.x + p.thread.x, p.group.y * L.group_size.y + p.thread.y,
                   p.group.z * L.group_size.z + p.thread.z)
      << " (threadgroup " << dim3_text(p.group.x, p.group.y, p.group.z) << ")";
  }
  m << " (checked mode; the access was skipped).";
  return m.str();
}

/** Keeps the values the kernel's arguments point at alive during a launch. */
struct LaunchArgs {
  std::vector<void*> pointers;
  std::vector<int64_t> sizes;
  std::vector<std::vector<int32_t>> shapes;
  std::vector<std::vector<int64_t>> strides;
  std::vector<int> ndims;
};

void build_args(const fast::CustomKernelSpec& call, std::vector<array>& ins,
                std::vector<array>& outs, LaunchArgs& a) {
  using Kind = fast::KernelParam::Kind;
  // Reserve so pointers into these vectors stay valid.
  a.shapes.reserve(call.params.size());
  a.strides.reserve(call.params.size());
  a.ndims.reserve(call.params.size());
  for (const auto& p : call.params) {
    switch (p.kind) {
      case Kind::Input: {
        array& in = ins[p.index];
        a.pointers.push_back(in.data<void>());
        a.sizes.push_back(static_cast<int64_t>(in.data_size()));
        break;
      }
      case Kind::Output: {
        array& out = outs[p.index];
        a.pointers.push_back(out.data<void>());
        a.sizes.push_back(static_cast<int64_t>(out.size()));
        break;
      }
      case Kind::Shape: {
        const array& in = ins[p.index];
        std::vector<int32_t> v(in.shape().begin(), in.shape().end());
        if (call.fixed_ndim > 0) v.resize(std::max<size_t>(call.fixed_ndim, v.size()), 0);
        a.shapes.push_back(std::move(v));
        a.pointers.push_back(a.shapes.back().data());
        a.sizes.push_back(static_cast<int64_t>(a.shapes.back().size()));
        break;
      }
      case Kind::Strides: {
        const array& in = ins[p.index];
        std::vector<int64_t> v(in.strides().begin(), in.strides().end());
        if (call.fixed_ndim > 0) v.resize(std::max<size_t>(call.fixed_ndim, v.size()), 0);
        a.strides.push_back(std::move(v));
        a.pointers.push_back(a.strides.back().data());
        a.sizes.push_back(static_cast<int64_t>(a.strides.back().size()));
        break;
      }
      case Kind::Ndim: {
        a.ndims.push_back(static_cast<int>(ins[p.index].ndim()));
        a.pointers.push_back(&a.ndims.back());
        a.sizes.push_back(1);
        break;
      }
    }
  }
}

void fill_outputs(std::vector<array>& outs, const std::optional<double>& init) {
  for (auto& out : outs) {
    if (init) {
      array value(*init, float64);
      copy_cpu(value, out, CopyType::Scalar);
    } else {
      out.set_data(allocator::malloc(std::max<size_t>(out.nbytes(), 1)));
    }
  }
}

// A kernel whose text did not look like it synchronises runs its threads in a
// plain loop (no scheduler). Should it synchronise anyway, these stand-ins keep
// it from crashing and the launch reports the problem.
thread_local bool t_unscheduled_sync = false;

void barrier_hook(void* sched) {
  if (!sched) {
    t_unscheduled_sync = true;
    return;
  }
  kernels::FiberGroupRunner::barrier_hook(sched);
}

mlxts_jit::SimdView simd_exchange_hook(void* sched, const void* value, uint32_t bytes) {
  if (!sched) {
    t_unscheduled_sync = true;
    thread_local unsigned char slot[mlxts_jit::kSimdSlotBytes * mlxts_jit::kSimdWidth];
    std::memcpy(slot, value, std::min<uint32_t>(bytes, mlxts_jit::kSimdSlotBytes));
    return {slot, 1u, 0u};
  }
  return kernels::FiberGroupRunner::simd_exchange_hook(sched, value, bytes);
}

/** Size of threadgroup `g`: Metal's last threadgroup along a dimension may be partial. */
mlxts_jit::Dim3 group_extent(const mlxts_jit::Launch& L, mlxts_jit::Dim3 g) {
  auto ext = [](uint32_t grid, uint32_t size, uint32_t index) {
    return std::min(size, grid - index * size);
  };
  return {ext(L.grid.x, L.group_size.x, g.x), ext(L.grid.y, L.group_size.y, g.y),
          ext(L.grid.z, L.group_size.z, g.z)};
}

/** Dynamic shared memory of the calling worker thread, grown on demand. */
void* worker_shared_memory(size_t bytes) {
  thread_local std::vector<unsigned char> buffer;
  if (buffer.size() < bytes) buffer.resize(bytes);
  return buffer.empty() ? nullptr : buffer.data();
}

} // namespace

void CustomKernel::eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) {
  const fast::CustomKernelSpec& spec = *spec_;
  auto module = spec.kernel_id >= 0
                    ? kernels::registered_module(spec.kernel_id)
                    : kernels::get_kernel_module({spec.cpu_source, spec.op, spec.name, spec.fast_math});

  std::vector<array> ins;
  ins.reserve(inputs.size());
  for (const auto& in : inputs) {
    ins.push_back(spec.ensure_row_contiguous ? ensure_row_contiguous_cpu(in) : in);
  }
  fill_outputs(outputs, launch_.init_value);
  LaunchArgs args;
  build_args(spec, ins, outputs, args);

  OobChecker checker;
  static const mlxts_jit::Hooks hooks = {barrier_hook, simd_exchange_hook, OobChecker::report};
  mlxts_jit::Launch L{};
  L.args = args.pointers.data();
  L.sizes = args.sizes.data();
  auto groups = [](int grid, int group) { return static_cast<uint32_t>((grid + group - 1) / group); };
  L.group_size = {static_cast<uint32_t>(launch_.threadgroup[0]),
                  static_cast<uint32_t>(launch_.threadgroup[1]),
                  static_cast<uint32_t>(launch_.threadgroup[2])};
  L.groups = {groups(launch_.grid[0], launch_.threadgroup[0]), groups(launch_.grid[1], launch_.threadgroup[1]),
              groups(launch_.grid[2], launch_.threadgroup[2])};
  if (spec.round_grid_to_blocks) {
    // MLX's CUDA launch: blocks of min(threadgroup, grid), ceil(grid / threadgroup) of them.
    L.group_size = {std::min(L.group_size.x, static_cast<uint32_t>(launch_.grid[0])),
                    std::min(L.group_size.y, static_cast<uint32_t>(launch_.grid[1])),
                    std::min(L.group_size.z, static_cast<uint32_t>(launch_.grid[2]))};
    L.grid = {L.groups.x * L.group_size.x, L.groups.y * L.group_size.y, L.groups.z * L.group_size.z};
  } else {
    L.grid = {static_cast<uint32_t>(launch_.grid[0]), static_cast<uint32_t>(launch_.grid[1]),
              static_cast<uint32_t>(launch_.grid[2])};
  }
  L.hooks = &hooks;
  L.checker = &checker;
  L.dynamic_shared_bytes = static_cast<uint32_t>(spec.shared_memory);

  size_t total_groups = static_cast<size_t>(L.groups.x) * L.groups.y * L.groups.z;
  size_t group_threads = static_cast<size_t>(L.group_size.x) * L.group_size.y * L.group_size.z;
  // Threads pay off past a few thousand kernel threads.
  size_t min_groups = std::max<size_t>(1, 8192 / group_threads);
  std::mutex error_mu;
  std::string error;
  const kernels::KernelModule& m = *module;
  cpu::parallel_for(total_groups, min_groups, [&](size_t begin, size_t end) {
    mlxts_jit::WorkerCtx W{nullptr, worker_shared_memory(spec.shared_memory)};
    try {
      for (size_t g = begin; g < end; ++g) {
        mlxts_jit::Dim3 gid{static_cast<uint32_t>(g % L.groups.x),
                            static_cast<uint32_t>((g / L.groups.x) % L.groups.y),
                            static_cast<uint32_t>(g / (static_cast<size_t>(L.groups.x) * L.groups.y))};
        if (!m.uses_sync) {
          t_unscheduled_sync = false;
          m.run_group(&L, &W, gid);
          if (t_unscheduled_sync) {
            throw std::runtime_error(
                "it synchronises (a barrier or simdgroup/warp operation) through code the runtime "
                "did not recognise as synchronising, so its threads ran without a scheduler; call "
                "threadgroup_barrier/simd_* (Metal) or __syncthreads/__shfl_*_sync (CUDA) directly "
                "in the source or header.");
          }
          continue;
        }
        auto& runner = kernels::FiberGroupRunner::this_thread();
        W.sched = runner.sched();
        mlxts_jit::ThreadPos base{};
        base.group = gid;
        base.group_size = group_extent(L, gid);
        struct ThreadArgs {
          const kernels::KernelModule* m;
          const mlxts_jit::Launch* L;
          const mlxts_jit::WorkerCtx* W;
          mlxts_jit::ThreadPos base;
        } targs{&m, &L, &W, base};
        uint32_t count = base.group_size.x * base.group_size.y * base.group_size.z;
        runner.run(count, [](void* arg, uint32_t index) {
          auto* t = static_cast<ThreadArgs*>(arg);
          mlxts_jit::ThreadPos p = t->base;
          uint32_t sx = p.group_size.x, sy = p.group_size.y;
          p.thread = {index % sx, (index / sx) % sy, index / (sx * sy)};
          p.index = index;
          t->m->run_thread(t->L, t->W, &p);
        }, &targs);
      }
    } catch (const std::exception& e) {
      std::lock_guard<std::mutex> lock(error_mu);
      std::string what = e.what();
      if (what.rfind("[custom_kernel] ", 0) == 0) what.erase(0, 16);
      if (error.empty()) error = what;
    }
  });
  if (!error.empty()) throw std::runtime_error(spec.op + " Kernel '" + spec.name + "': " + error);
  if (checker.hit) throw std::runtime_error(oob_message(spec, checker, L));
}

void CustomKernel::eval_gpu(const std::vector<array>&, std::vector<array>&) {
  const fast::CustomKernelSpec& spec = *spec_;
  throw std::runtime_error(spec.op + " Kernel '" + spec.name +
                           "': custom kernels on the GPU are not available in this build; "
                           "run it on the CPU stream (stream: mx.cpu).");
}

} // namespace mlx::core
