// out = x * factor, elementwise: edit the factor while examples/hot_reload.ts runs.
uint elem = thread_position_in_grid.x;
out[elem] = x[elem] * T(2);
