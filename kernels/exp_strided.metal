// Elementwise exp of a strided input (ensureRowContiguous: false): the thread's
// element is located through the input's shape and strides.
uint elem = thread_position_in_grid.x;
uint loc = elem_to_loc(elem, inp_shape, inp_strides, inp_ndim);
T tmp = inp[loc];
out[elem] = metal::exp(tmp);
