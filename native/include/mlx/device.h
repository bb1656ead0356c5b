// Devices: the CPU always, the GPU where a GPU backend is present.
#pragma once

#include <string>

namespace mlx::core {

struct Device {
  enum class DeviceType { cpu, gpu };
  static constexpr DeviceType cpu = DeviceType::cpu;
  static constexpr DeviceType gpu = DeviceType::gpu;

  Device(DeviceType type, int index = 0) : type(type), index(index) {}

  DeviceType type;
  int index;

  bool operator==(const Device& o) const { return type == o.type && index == o.index; }
  bool operator!=(const Device& o) const { return !(*this == o); }
  bool operator<(const Device& o) const {
    return type != o.type ? type < o.type : index < o.index;
  }
};

const Device& default_device();
void set_default_device(const Device& d);

namespace gpu {
// True when a GPU backend is compiled in and a device was found.
bool is_available();
// Why the GPU is not available (empty when it is).
std::string unavailable_reason();
} // namespace gpu

bool is_available(const Device& d);

} // namespace mlx::core
