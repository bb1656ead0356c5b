// z = alpha * x + beta * y, fused, CUDA dialect.
auto elem = cooperative_groups::this_grid().thread_rank();
if (elem < n[0]) {
  out[elem] = alpha[0] * x[elem] + beta[0] * y[elem];
}
