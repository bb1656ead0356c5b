// Arrays cross into JS as numbers: handles into a table kept per environment.
// A handle costs no JS object and no N-API reference (wrapping an object cost
// about 1 µs per result, its finalizer as much again). The SDK's MxArray holds
// the number; a FinalizationRegistry releases it when the MxArray is collected,
// dispose() at once. A handle carries its slot's generation, so a stale one (a
// released slot used again) is refused instead of naming another array.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "mlx/array.h"

namespace mlx_ts {

class ArrayTable {
 public:
  /** Slots in the low 24 bits of a handle, the generation above them. */
  static constexpr int kSlotBits = 24;
  static constexpr uint64_t kMaxSlots = uint64_t{1} << kSlotBits;

  /** Stores `a`; `external_bytes` is what V8 was told about it (given back on release). */
  double add(mlx::core::array a, int64_t external_bytes);
  /** The live array of `handle`, or nullptr. */
  mlx::core::array* find(double handle);
  /** Whether `handle` has the form of a handle (a live one or a released one). */
  static bool well_formed(double handle);
  /** Drops the array; returns its external bytes (0 for a stale or unknown handle). */
  int64_t release(double handle);
  size_t live() const { return live_; }

 private:
  struct Slot {
    std::optional<mlx::core::array> arr;
    uint32_t gen{0};
    int64_t external_bytes{0};
  };
  Slot* slot_of(double handle);
  std::vector<Slot> slots_;
  std::vector<uint32_t> free_;
  size_t live_{0};
};

} // namespace mlx_ts
