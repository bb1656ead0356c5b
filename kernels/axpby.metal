// z = alpha * x + beta * y, fused (x, y row-contiguous, same shape).
uint elem = thread_position_in_grid.x;
out[elem] = alpha * x[elem] + beta * y[elem];
