// Elementwise exp (the seed's `myexp`): one thread per element, T is a template type.
uint elem = thread_position_in_grid.x;
T tmp = inp[elem];
out[elem] = metal::exp(tmp);
