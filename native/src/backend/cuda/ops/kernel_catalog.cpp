#include "kernel_catalog.h"

#include <fstream>

#include "kernel_sources.h"
#include "op_tables.h"

namespace mlx::core::cuda::ops {

namespace {

const Dtype kReal[] = {bool_, uint8, uint16, uint32, uint64, int8, int16, int32, int64,
                       float16, float32, float64, bfloat16};

// One .cu file: the prelude, then each kernel's entry (its source minus the prelude).
struct CuFile {
  std::ofstream f;
  int count = 0;
  explicit CuFile(const std::string& path) : f(path) { f << kernel_prelude(); }
  void add(const std::string& source) {
    f << source.substr(kernel_prelude().size());
    ++count;
  }
  bool ok() const { return static_cast<bool>(f); }
};

Dtype sum_dtype(Dtype t) {
  if (issubdtype(t, signedinteger)) return t.size() <= 4 ? int32 : int64;
  if (issubdtype(t, unsignedinteger)) return t.size() <= 4 ? uint32 : uint64;
  if (t == bool_) return int32;
  return t;
}

} // namespace

int write_kernel_catalog(const std::string& dir) {
  int id = 0;
  auto name = [&](const std::string& base) { return base + "_" + std::to_string(id++); };
  int total = 0;
  bool ok = true;

  {
    CuFile o(dir + "/unary.cu");
    for (const auto& s : kUnarySpecs) {
      if (!*s.functor) continue;
      for (Dtype t : kReal) {
        if (!domain_accepts(s.domain, t) || shares(s.share, t)) continue;
        const char* ti = kernel_type(t);
        o.add(elementwise_source(name(std::string("u_") + s.prim), std::string(s.functor) + "<" + ti + ">",
                                 s.bool_out ? "bool" : ti, {ti}));
        if (std::string(s.prim) == "Round") {
          o.add(elementwise_source(name("u_RoundDec"), std::string("mlxg::RoundDecU<") + ti + ">", ti, {ti}));
        }
      }
    }
    total += o.count;
    ok = ok && o.ok();
  }
  {
    CuFile o(dir + "/binary.cu");
    for (const auto& s : kBinarySpecs) {
      for (Dtype t : kReal) {
        if (!domain_accepts(s.domain, t)) continue;
        const char* ti = kernel_type(t);
        o.add(elementwise_source(name(std::string("b_") + s.prim), std::string(s.functor) + "<" + ti + ">",
                                 s.bool_out ? "bool" : ti, {ti, ti}));
      }
    }
    total += o.count;
    ok = ok && o.ok();
  }
  {
    CuFile o(dir + "/misc.cu");
    for (size_t w : {1, 2, 4, 8}) {
      const char* e = kernel_uint_type(w);
      o.add(elementwise_source(name("select"), std::string("mlxg::SelectT<") + e + ">", e, {"bool", e, e}));
      o.add(elementwise_source(name("copy"), std::string("mlxg::CastU<") + e + ", " + e + ">", e, {e}));
      for (Dtype t : kReal) {
        if (t == bool_ || !issubdtype(t, integer)) continue;
        o.add(take_source(name("take"), e, kernel_type(t)));
        o.add(gather_axis_source(name("gather_axis"), e, kernel_type(t)));
      }
    }
    for (Dtype a : kReal) {
      for (Dtype b : kReal) {
        if (a == b) continue;
        const char* ti = kernel_type(a);
        const char* to = kernel_type(b);
        o.add(elementwise_source(name("cast"), std::string("mlxg::CastU<") + to + ", " + ti + ">", to, {ti}));
      }
      if (a != bool_) o.add(arange_source(name("arange"), kernel_type(a)));
    }
    for (Dtype t : {float16, bfloat16, float32}) {
      const char* ty = kernel_type(t);
      o.add(elementwise_source(name("uniform"), std::string("mlxg::UniformR<") + ty + ">", ty,
                               {"unsigned int", ty, ty}));
    }
    for (Dtype t : {float16, bfloat16, float32, float64}) {
      const char* ty = kernel_type(t);
      o.add(elementwise_source(name("bernoulli"), std::string("mlxg::BernoulliR<") + ty + ">", "bool",
                               {"unsigned int", ty}));
    }
    for (Dtype t : {float16, bfloat16, float32, float64}) {
      const char* ty = kernel_type(t);
      const std::string t_arg = std::string("<") + ty + ">";
      o.add(elementwise_source(name("normal"), "mlxg::NormalR" + t_arg, ty, {"unsigned int"}));
      o.add(elementwise_source(name("normal"), "mlxg::NormalScaleR" + t_arg, ty,
                               {"unsigned int", ty}));
      o.add(elementwise_source(name("normal"), "mlxg::NormalLocR" + t_arg, ty,
                               {"unsigned int", ty}));
      o.add(elementwise_source(name("normal"), std::string("mlxg::NormalScaleLocR<") + ty + ">", ty,
                               {"unsigned int", ty, ty}));
    }
    o.add(random_bits_source(name("random_bits")));
    total += o.count;
    ok = ok && o.ok();
  }
  {
    CuFile o(dir + "/reduce.cu");
    for (Dtype t : kReal) {
      const char* ti = kernel_type(t);
      auto add = [&](const char* policy, Dtype out) {
        o.add(reduce_source(name("reduce"), std::string(policy) + "<" + ti + ">", ti, kernel_type(out)));
      };
      add("mlxg::AndR", bool_);
      add("mlxg::OrR", bool_);
      add("mlxg::SumR", sum_dtype(t));
      add("mlxg::ProdR", sum_dtype(t));
      add("mlxg::MinR", t);
      add("mlxg::MaxR", t);
      add("mlxg::MeanR", issubdtype(t, floating) ? t : float32);
      add("mlxg::ArgMaxR", uint32);
      add("mlxg::ArgMinR", uint32);
      if (issubdtype(t, floating)) {
        Dtype pass = t == float64 ? float64 : float32;
        add("mlxg::MaxR", pass);
        add("mlxg::MeanR", pass);
        add("mlxg::LogSumExpR", t);
        add("mlxg::VarianceR", t);
        add("mlxg::StdR", t);
      }
    }
    total += o.count;
    ok = ok && o.ok();
  }
  return ok ? total : -1;
}

} // namespace mlx::core::cuda::ops
