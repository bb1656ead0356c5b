// GPU reductions: Reduce (all, any, sum, prod, min, max), Mean and ArgReduce
// (argmax, argmin) over any axes of any layout.
//
// The kept dimensions (the output, row-major) and the reduced dimensions are
// merged separately; one kernel (reduce_body in the prelude) has groups of G
// threads reduce the elements of one output:
//  - row mode (the reduced dimensions hold the input's fastest one): G up to
//    256 threads per output, combined with warp shuffles and shared memory;
//  - column mode (a kept dimension is the fastest): one thread per output, so
//    that neighbouring threads read neighbouring elements.
// Few outputs over long reductions are split into S chunks per output whose
// accumulators go to a temporary buffer [n_out, S], reduced again by the same
// kernel (as rows of S accumulators) until one chunk remains.
// Accumulators: float for float16/bfloat16/float32 sums and products, double
// for float64, wrapping uint32/uint64 for integers (as the CPU), the compute
// type for max/min; NaN propagates; argmax/argmin ties go to the first index.
// Var, Std and LogSumExp take two passes: a mean or maximum per output (into a
// temporary), then the policy that reads it as its per-output auxiliary value.
// complex64 and anything else run on the CPU.
#include <algorithm>
#include <cstdlib>

#include "jit_kernels.h"
#include "mlx/backend/gpu/eval.h"
#include "mlx/primitives/reduce.h"
#include "op_tables.h"

namespace mlx::core::cuda::ops {

namespace {

// The first six follow Reduce::ReduceType.
enum ReduceOp : unsigned {
  kAnd, kOr, kSum, kProd, kMin, kMax, kMean, kArgMax, kArgMin, kLogSumExp, kVar, kStd
};

const char* policy_name(unsigned op) {
  switch (op) {
    case kMean: return "mlxg::MeanR";
    case kArgMax: return "mlxg::ArgMaxR";
    case kArgMin: return "mlxg::ArgMinR";
    case kLogSumExp: return "mlxg::LogSumExpR";
    case kVar: return "mlxg::VarianceR";
    case kStd: return "mlxg::StdR";
    default: return kReducePolicies[op];
  }
}

/** Bytes of the policy's accumulator for input dtype t (matching the prelude's types). */
size_t acc_size(unsigned op, Dtype t) {
  const bool is_f = issubdtype(t, floating);
  switch (op) {
    case kAnd:
    case kOr: return 4;
    case kSum:
    case kProd:
    case kMean:
      if (is_f) return t == float64 ? 8 : 4;
      return t.size() == 8 ? 8 : 4;
    case kMin:
    case kMax:
      if (is_f) return t == float64 ? 8 : 4;
      return t.size();
    case kLogSumExp:
    case kVar:
    case kStd: return t == float64 ? 8 : 4;
    default: { // arg: {C val; unsigned idx;}
      size_t c = is_f ? (t == float64 ? 8 : 4) : t.size();
      return c == 8 ? 16 : 8;
    }
  }
}

int64_t next_pow2(int64_t v) {
  int64_t p = 1;
  while (p < v) p <<= 1;
  return p;
}

struct Dimset {
  std::vector<int64_t> shape, strides;
};

/** One reduction pass's input: data, whether it holds accumulators, and its dims. */
struct View {
  const void* ptr;
  bool acc;
  Dimset kept, red;
  int64_t n_out, R;
};

bool run_reduce(unsigned op, const array& in, const std::vector<int>& axes, bool ordered,
                array& out, double scale, const void* aux = nullptr, double p1 = 0,
                double p2 = 0) {
  const Dtype t = in.dtype();
  const int nd = static_cast<int>(in.ndim());
  std::vector<bool> reduced(nd, false);
  for (int ax : axes) {
    if (ax < 0 || ax >= nd) return false;
    reduced[ax] = true;
  }
  std::vector<int64_t> ks, kst, rs, rst;
  for (int d = 0; d < nd; ++d) {
    (reduced[d] ? rs : ks).push_back(in.shape(d));
    (reduced[d] ? rst : kst).push_back(in.strides()[d]);
  }
  if (!ordered) {
    // Walk the reduced dims in memory order (outermost stride first).
    std::vector<int> order(rs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return std::llabs(rst[a]) > std::llabs(rst[b]); });
    std::vector<int64_t> s2, st2;
    for (int i : order) {
      s2.push_back(rs[i]);
      st2.push_back(rst[i]);
    }
    rs.swap(s2);
    rst.swap(st2);
  }
  Collapsed ck = collapse(ks, {kst});
  Collapsed cr = collapse(rs, {rst});
  if (ck.shape.size() > static_cast<size_t>(kMaxDims) || cr.shape.size() > static_cast<size_t>(kMaxDims))
    return false;

  out.set_device_data(out.nbytes());
  View v{in.device_data(), false, {ck.shape, ck.strides[0]}, {cr.shape, cr.strides[0]}, 1, 1};
  for (auto d : ck.shape) v.n_out *= d;
  for (auto d : cr.shape) v.R *= d;
  if (static_cast<int64_t>(out.size()) != v.n_out) return false;
  if (v.n_out == 0) return true;

  const auto& k = get_kernel(kernel_key(Family::Reduce, op, dt(t), dt(out.dtype())), [&] {
    std::string name = std::string("mlxg_reduce_") + (policy_name(op) + 6) + "_" + dtype_tag(t) +
                       "_" + dtype_tag(out.dtype());
    const char* ti = kernel_type(t);
    return KernelSource{name, reduce_source(name, std::string(policy_name(op)) + "<" + ti + ">", ti,
                                            kernel_type(out.dtype()))};
  });

  Temporaries temps;
  const int64_t target = static_cast<int64_t>(sm_count()) * 2048;
  const size_t acc_bytes = acc_size(op, t);
  while (true) {
    const int64_t n_out = v.n_out, R = v.R;
    const int64_t kept_last = v.kept.shape.empty() ? INT64_MAX : std::llabs(v.kept.strides.back());
    const int64_t red_last = v.red.shape.empty() ? INT64_MAX : std::llabs(v.red.strides.back());
    const bool column = !v.kept.shape.empty() && kept_last < red_last;
    int64_t G = 1, S = 1;
    if (column) {
      if (R > 64 && n_out < target / 2) {
        S = std::min((target + n_out - 1) / n_out, (R + 31) / 32);
      }
    } else {
      G = std::min<int64_t>(256, next_pow2(std::max<int64_t>(1, (R + 7) / 8)));
      if (n_out * G < target / 2 && R > G * 64) {
        S = std::min((target + n_out * G - 1) / (n_out * G), (R + G * 16 - 1) / (G * 16));
      }
    }
    S = std::max<int64_t>(S, 1);
    int64_t chunk = R > 0 ? (R + S - 1) / S : 0;
    if (R > 0) S = (R + chunk - 1) / chunk;

    const void* in_ptr = v.ptr;
    void* out_ptr;
    array partial = out;
    if (S > 1) {
      partial = temps.make({static_cast<int32_t>(n_out * S * static_cast<int64_t>(acc_bytes))}, uint8);
      out_ptr = partial.device_data();
    } else {
      out_ptr = out.device_data();
    }
    long long a_nout = n_out, a_R = R, a_S = S, a_chunk = chunk;
    int a_G = static_cast<int>(G);
    int kept_nd = static_cast<int>(v.kept.shape.size());
    int red_nd = static_cast<int>(v.red.shape.size());
    DimsArg kshape, kstr, rshape, rstr;
    to_dims(v.kept.shape, kshape);
    to_dims(v.kept.strides, kstr);
    to_dims(v.red.shape, rshape);
    to_dims(v.red.strides, rstr);
    int mode = (v.acc ? 1 : 0) | (S > 1 ? 2 : 0);
    double sc = scale, a_p1 = p1, a_p2 = p2;
    const void* a_aux = aux;
    void* args[] = {&in_ptr, &out_ptr, &a_nout, &a_R, &a_S, &a_chunk, &a_G, &kept_nd, &kshape,
                    &kstr, &red_nd, &rshape, &rstr, &mode, &sc, &a_aux, &a_p1, &a_p2};
    const unsigned block = 256;
    const int64_t groups = block / G;
    const int64_t items = n_out * S;
    const int64_t cap = static_cast<int64_t>(sm_count()) * 32;
    const int64_t blocks = std::max<int64_t>(1, std::min((items + groups - 1) / groups, cap));
    launch_grid(k, static_cast<unsigned>(blocks), block, args);
    if (S == 1) break;
    // Next pass: rows of S accumulators per output.
    v = View{partial.device_data(), true, {{n_out}, {S}}, {{S}, {1}}, n_out, S};
    if (n_out == 1) v.kept = Dimset{};
  }
  return true;
}

bool real(Dtype t) { return t != complex64; }

} // namespace

bool reduce_all_true(const array& in, array& out) {
  std::vector<int> axes;
  for (int d = 0; d < static_cast<int>(in.ndim()); ++d) axes.push_back(d);
  return out.dtype() == bool_ && out.size() == 1 && real(in.dtype()) &&
         run_reduce(kAnd, in, axes, false, out, 1.0);
}

namespace {

void eval_reduce(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  auto& r = static_cast<Reduce&>(p);
  const array& in = inputs[0];
  array& out = outputs[0];
  unsigned op = static_cast<unsigned>(r.reduce_type());
  bool ok = real(in.dtype()) && real(out.dtype());
  if (op == kAnd || op == kOr) ok = ok && out.dtype() == bool_;
  if (op == kMin || op == kMax) ok = ok && out.dtype() == in.dtype();
  if (!ok || !run_reduce(op, in, r.axes(), false, out, 1.0)) eval_on_cpu(p, inputs, outputs);
}

void eval_mean(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  auto& m = static_cast<Mean&>(p);
  const array& in = inputs[0];
  array& out = outputs[0];
  double count = 1;
  for (int ax : m.axes()) count *= in.shape(ax);
  bool ok = real(in.dtype()) && issubdtype(out.dtype(), floating);
  if (!ok || !run_reduce(kMean, in, m.axes(), false, out, 1.0 / count)) {
    eval_on_cpu(p, inputs, outputs);
  }
}

void eval_arg_reduce(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  auto& r = static_cast<ArgReduce&>(p);
  const array& in = inputs[0];
  array& out = outputs[0];
  unsigned op = r.reduce_type() == ArgReduce::ArgMax ? kArgMax : kArgMin;
  std::vector<int> axes;
  if (r.axis() >= 0) {
    axes.push_back(r.axis());
  } else {
    for (int d = 0; d < static_cast<int>(in.ndim()); ++d) axes.push_back(d);
  }
  bool ok = real(in.dtype()) && out.dtype() == uint32;
  if (!ok || !run_reduce(op, in, axes, true, out, 1.0)) eval_on_cpu(p, inputs, outputs);
}

double reduced_count(const array& in, const std::vector<int>& axes) {
  double n = 1;
  for (int ax : axes) n *= in.shape(ax);
  return n;
}

// The first pass's dtype of the two-pass reductions (as the CPU: float64 stays).
Dtype pass_dtype(Dtype t) { return t == float64 ? float64 : float32; }

// logsumexp: the maximum (in the pass dtype), then log(sum(exp(x - max))) + max.
void eval_logsumexp(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  auto& r = static_cast<LogSumExp&>(p);
  const array& in = inputs[0];
  array& out = outputs[0];
  if (!issubdtype(in.dtype(), floating) || !issubdtype(out.dtype(), floating)) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  Temporaries temps;
  array m = temps.make(out.shape(), pass_dtype(in.dtype()));
  if (!run_reduce(kMax, in, r.axes(), false, m, 1.0) ||
      !run_reduce(kLogSumExp, in, r.axes(), false, out, 1.0, m.device_data())) {
    eval_on_cpu(p, inputs, outputs);
  }
}

// var / std: the mean (in the pass dtype), then the squared deviations from it.
void eval_var(Primitive& p, const std::vector<array>& inputs, std::vector<array>& outputs) {
  auto& v = static_cast<Var&>(p);
  const array& in = inputs[0];
  array& out = outputs[0];
  if (!issubdtype(in.dtype(), floating) || !issubdtype(out.dtype(), floating)) {
    eval_on_cpu(p, inputs, outputs);
    return;
  }
  const double count = reduced_count(in, v.axes());
  Temporaries temps;
  array mu = temps.make(out.shape(), pass_dtype(in.dtype()));
  if (!run_reduce(kMean, in, v.axes(), false, mu, 1.0 / count) ||
      !run_reduce(v.is_std() ? kStd : kVar, in, v.axes(), false, out, 1.0 / count, mu.device_data(),
                  count, static_cast<double>(v.ddof()))) {
    eval_on_cpu(p, inputs, outputs);
  }
}

const bool registered = [] {
  gpu::register_eval("LogSumExp", eval_logsumexp);
  gpu::register_eval("Var", eval_var);
  gpu::register_eval("Std", eval_var);
  for (const char* name : {"All", "Any", "Sum", "Prod", "Min", "Max"}) {
    gpu::register_eval(name, eval_reduce);
  }
  gpu::register_eval("Mean", eval_mean);
  gpu::register_eval("ArgMax", eval_arg_reduce);
  gpu::register_eval("ArgMin", eval_arg_reduce);
  return true;
}();

} // namespace

} // namespace mlx::core::cuda::ops
