// Primitives of the ranges family: generated sequences and matrices, the
// triangular masks and the dtype-reinterpreting view.
#pragma once

#include "mlx/primitives.h"

namespace mlx::core {

/** start' + i * step' in the output dtype (see `arange`). No inputs. */
class Arange : public UnaryPrimitive {
 public:
  Arange(Stream s, double start, double stop, double step)
      : UnaryPrimitive(s), start_(start), stop_(stop), step_(step) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Arange"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  double start() const { return start_; }
  double stop() const { return stop_; }
  double step() const { return step_; }

 private:
  double start_, stop_, step_;
};

/** numpy's linspace computed in double, cast to the output dtype. No inputs. */
class Linspace : public UnaryPrimitive {
 public:
  Linspace(Stream s, double start, double stop, int num, bool endpoint)
      : UnaryPrimitive(s), start_(start), stop_(stop), num_(num), endpoint_(endpoint) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "Linspace"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<Shape> output_shapes(const std::vector<array>&) override { return {Shape{num_}}; }
  double start() const { return start_; }
  double stop() const { return stop_; }
  int num() const { return num_; }
  bool endpoint() const { return endpoint_; }

 private:
  double start_, stop_;
  int num_;
  bool endpoint_;
};

/** An n x m output with ones on diagonal k (`lower` false) or at and below it
 * (`lower` true: tri), zeros elsewhere. No inputs. */
class Eye : public UnaryPrimitive {
 public:
  Eye(Stream s, int n, int m, int k, bool lower)
      : UnaryPrimitive(s), n_(n), m_(m), k_(k), lower_(lower) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return lower_ ? "Tri" : "Eye"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<Shape> output_shapes(const std::vector<array>&) override { return {Shape{n_, m_}}; }
  int n() const { return n_; }
  int m() const { return m_; }
  int k() const { return k_; }
  bool lower() const { return lower_; }

 private:
  int n_, m_, k_;
  bool lower_;
};

/** tril (`upper` false) or triu (`upper` true) of its one input. */
class Triangular : public UnaryPrimitive {
 public:
  Triangular(Stream s, int k, bool upper) : UnaryPrimitive(s), k_(k), upper_(upper) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return upper_ ? "Triu" : "Tril"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override {
    return {inputs[0].shape()};
  }
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  int k() const { return k_; }
  bool upper() const { return upper_; }

 private:
  int k_;
  bool upper_;
};

/** Reinterprets the input's bytes as the output dtype (shares the buffer
 * when the layout allows, else compacts first). Not differentiable (as in
 * MLX: vjp and jvp throw); vmap works. */
class View : public UnaryPrimitive {
 public:
  View(Stream s, Dtype dtype) : UnaryPrimitive(s), dtype_(dtype) {}
  void eval_cpu(const std::vector<array>& inputs, array& out) override;
  void eval_gpu(const std::vector<array>& inputs, array& out) override;
  const char* name() const override { return "View"; }
  bool is_equivalent(const Primitive& other) const override;
  std::vector<Shape> output_shapes(const std::vector<array>& inputs) override;
  std::vector<array> vjp(const std::vector<array>& primals, const std::vector<array>& cotangents,
                         const std::vector<int>& argnums,
                         const std::vector<array>& outputs) override;
  std::vector<array> jvp(const std::vector<array>& primals, const std::vector<array>& tangents,
                         const std::vector<int>& argnums) override;
  std::pair<std::vector<array>, std::vector<int>> vmap(const std::vector<array>& inputs,
                                                       const std::vector<int>& axes) override;
  Dtype dtype() const { return dtype_; }

 private:
  Dtype dtype_;
};

} // namespace mlx::core
