#include "array_table.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace mlx_ts {

namespace {
constexpr uint32_t kMaxGen = (uint32_t{1} << 29) - 1; // handle < 2^53: exact in a double
}

double ArrayTable::add(mlx::core::array a, int64_t external_bytes) {
  uint32_t index;
  if (!free_.empty()) {
    index = free_.back();
    free_.pop_back();
  } else {
    if (slots_.size() >= kMaxSlots) {
      throw std::runtime_error("[array] More than " + std::to_string(kMaxSlots) +
                               " arrays are alive at once; dispose of arrays (mx.tidy, dispose()) sooner.");
    }
    index = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  Slot& s = slots_[index];
  s.gen = s.gen >= kMaxGen ? 1 : s.gen + 1; // never 0: handle 0 is never valid
  s.arr = std::move(a);
  s.external_bytes = external_bytes;
  ++live_;
  return static_cast<double>((static_cast<uint64_t>(s.gen) << kSlotBits) | index);
}

bool ArrayTable::well_formed(double handle) {
  return handle >= static_cast<double>(kMaxSlots) && handle < 9007199254740992.0 &&
         std::floor(handle) == handle;
}

ArrayTable::Slot* ArrayTable::slot_of(double handle) {
  if (!well_formed(handle)) return nullptr;
  auto h = static_cast<uint64_t>(handle);
  uint64_t index = h & (kMaxSlots - 1);
  if (index >= slots_.size()) return nullptr;
  Slot& s = slots_[index];
  return s.arr && s.gen == (h >> kSlotBits) ? &s : nullptr;
}

mlx::core::array* ArrayTable::find(double handle) {
  Slot* s = slot_of(handle);
  return s ? &*s->arr : nullptr;
}

int64_t ArrayTable::release(double handle) {
  Slot* s = slot_of(handle);
  if (!s) return 0;
  int64_t bytes = s->external_bytes;
  s->arr.reset();
  s->external_bytes = 0;
  free_.push_back(static_cast<uint32_t>(s - slots_.data()));
  --live_;
  return bytes;
}

} // namespace mlx_ts
