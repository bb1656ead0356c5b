// Primitives: the nodes of the computation graph. Each knows how to evaluate
// itself on a device and how it transforms (jvp, vjp, vmap) — MLX's contract,
// so an MLX extension primitive ports with include changes only.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "mlx/array.h"
#include "mlx/stream.h"

namespace mlx::core {

class Primitive {
 public:
  explicit Primitive(Stream stream) : stream_(stream) {}
  virtual ~Primitive() = default;
  Primitive(const Primitive&) = delete;
  Primitive& operator=(const Primitive&) = delete;

  const Stream& stream() const { return stream_; }
  Device device() const { return stream_.device; }

  /** Computes the outputs; the primitive allocates the outputs' buffers. */
  virtual void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) = 0;
  virtual void eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) = 0;

  /** Jacobian-vector product for the inputs listed in argnums. */
  virtual std::vector<array> jvp(const std::vector<array>& primals,
                                 const std::vector<array>& tangents,
                                 const std::vector<int>& argnums);

  /** Vector-Jacobian product for the inputs listed in argnums. */
  virtual std::vector<array> vjp(const std::vector<array>& primals,
                                 const std::vector<array>& cotangents,
                                 const std::vector<int>& argnums,
                                 const std::vector<array>& outputs);

  /** Vectorizes over the given input axes (-1: not mapped); returns the
   * outputs and the mapped axis of each. */
  virtual std::pair<std::vector<array>, std::vector<int>> vmap(
      const std::vector<array>& inputs, const std::vector<int>& axes);

  virtual const char* name() const = 0;

  /** True when `other` computes the same function (used by compile). */
  virtual bool is_equivalent(const Primitive& other) const { return false; }

  /** Output shapes for new input shapes (shapeless compile). */
  virtual std::vector<Shape> output_shapes(const std::vector<array>& inputs);

 private:
  Stream stream_;
};

/** A primitive with exactly one output. */
class UnaryPrimitive : public Primitive {
 public:
  explicit UnaryPrimitive(Stream stream) : Primitive(stream) {}
  virtual void eval_cpu(const std::vector<array>& inputs, array& out) = 0;
  virtual void eval_gpu(const std::vector<array>& inputs, array& out) = 0;
  void eval_cpu(const std::vector<array>& inputs, std::vector<array>& outputs) override {
    eval_cpu(inputs, outputs[0]);
  }
  void eval_gpu(const std::vector<array>& inputs, std::vector<array>& outputs) override {
    eval_gpu(inputs, outputs[0]);
  }
};

/** What a primitive's eval_gpu throws when it has no GPU code of its own: the
 * GPU evaluator then runs its CPU code on host copies (and remembers that). */
class NoGpuImplementation : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/** Throws NoGpuImplementation for the primitive named `primitive_name`. */
[[noreturn]] void no_gpu_backend(const char* primitive_name);

/** Defines eval_gpu to report that no GPU backend is present. */
#define MLX_NO_GPU(PRIM)                                                     \
  void PRIM::eval_gpu(const std::vector<array>&, array&) { no_gpu_backend(name()); }
#define MLX_NO_GPU_MULTI(PRIM)                                               \
  void PRIM::eval_gpu(const std::vector<array>&, std::vector<array>&) {     \
    no_gpu_backend(name());                                                  \
  }

} // namespace mlx::core

#include "mlx/primitives/all.h"
