// Streams: ordered queues of work on a device, each served by one worker thread.
#pragma once

#include <vector>

#include "mlx/device.h"

namespace mlx::core {

struct Stream {
  int index;
  Device device;
  explicit Stream(int index, Device device) : index(index), device(device) {}
  bool operator==(const Stream& o) const { return index == o.index && device == o.device; }
  bool operator!=(const Stream& o) const { return !(*this == o); }
};

/** The default stream of a device. Throws for a device without a backend. */
Stream default_stream(Device d);
void set_default_stream(Stream s);
Stream new_stream(Device d);
std::vector<Stream> get_streams();

/** Waits until all work queued on the stream has finished. */
void synchronize(Stream s);
void synchronize();

} // namespace mlx::core
