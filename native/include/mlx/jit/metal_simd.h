// Metal's atomics (MSL 6.15), barriers and simdgroup / quadgroup functions for
// kernel bodies compiled for the CPU. Atomics are real atomics (threadgroups
// run in parallel on several OS threads); every simd or quad function is one
// exchange through the runtime (a fiber switch) followed by a local
// computation over the values of the ACTIVE lanes of the caller's simdgroup.
#pragma once

#include "metal_math.h"

namespace metal {

// ---- atomics ------------------------------------------------------------------

enum memory_order {
  memory_order_relaxed,
  memory_order_acquire,
  memory_order_release,
  memory_order_acq_rel,
  memory_order_seq_cst,
};
enum thread_scope {
  thread_scope_thread,
  thread_scope_simdgroup,
  thread_scope_threadgroup,
  thread_scope_device,
};

/** atomic<T>: one T, so that a buffer of T can be viewed as atomic<T>. Not copyable, as in Metal. */
template <class T>
struct atomic {
  T mlxts_value;
  atomic() = default;
  atomic(const atomic&) = delete;
  atomic& operator=(const atomic&) = delete;
};
using atomic_int = atomic<int>;
using atomic_uint = atomic<uint>;
using atomic_bool = atomic<bool>;
using atomic_float = atomic<float>;
using atomic_long = atomic<long>;
using atomic_ulong = atomic<ulong>;

} // namespace metal

namespace mlxts_jit::mtl {

/** The T inside an atomic<T> argument: plain, const/volatile or bounds-checked pointer. */
template <class T> inline T* atomic_target(metal::atomic<T>* p) { return &p->mlxts_value; }
template <class T> inline T* atomic_target(const volatile metal::atomic<T>* p) {
  return const_cast<T*>(&p->mlxts_value);
}
template <class T> inline T* atomic_target(const checked_ptr<metal::atomic<T>>& p) {
  return &(*p).mlxts_value;
}
template <class T> T pointee(T*); // for decltype only

/** Orders other memory accesses around an atomic that asks for more than relaxed. */
inline void atomic_fence(metal::memory_order order) {
  if (order != metal::memory_order_relaxed) __atomic_thread_fence(__ATOMIC_SEQ_CST);
}

} // namespace mlxts_jit::mtl

namespace metal {

#define MLXTS_ATOMIC_RMW(NAME, HELPER)                                                    \
  template <class P, class V>                                                             \
  inline auto NAME(P object, V operand, memory_order order = memory_order_relaxed) {      \
    auto* target = mlxts_jit::mtl::atomic_target(object);                                 \
    using T = decltype(mlxts_jit::mtl::pointee(target));                                  \
    mlxts_jit::mtl::atomic_fence(order);                                                  \
    T old = mlxts_jit::HELPER(target, static_cast<T>(operand));                           \
    mlxts_jit::mtl::atomic_fence(order);                                                  \
    return old;                                                                           \
  }
MLXTS_ATOMIC_RMW(atomic_fetch_add_explicit, atomic_add_value)
MLXTS_ATOMIC_RMW(atomic_fetch_sub_explicit, atomic_sub_value)
MLXTS_ATOMIC_RMW(atomic_fetch_max_explicit, atomic_max_value)
MLXTS_ATOMIC_RMW(atomic_fetch_min_explicit, atomic_min_value)
MLXTS_ATOMIC_RMW(atomic_fetch_and_explicit, atomic_and_value)
MLXTS_ATOMIC_RMW(atomic_fetch_or_explicit, atomic_or_value)
MLXTS_ATOMIC_RMW(atomic_fetch_xor_explicit, atomic_xor_value)
MLXTS_ATOMIC_RMW(atomic_exchange_explicit, atomic_exchange_value)
#undef MLXTS_ATOMIC_RMW

template <class P>
inline auto atomic_load_explicit(P object, memory_order order = memory_order_relaxed) {
  auto* target = mlxts_jit::mtl::atomic_target(object);
  auto value = mlxts_jit::atomic_load_value(target);
  mlxts_jit::mtl::atomic_fence(order);
  return value;
}
template <class P, class V>
inline void atomic_store_explicit(P object, V desired, memory_order order = memory_order_relaxed) {
  auto* target = mlxts_jit::mtl::atomic_target(object);
  using T = decltype(mlxts_jit::mtl::pointee(target));
  mlxts_jit::mtl::atomic_fence(order);
  mlxts_jit::atomic_store_value(target, static_cast<T>(desired));
}

/**
 * Stores `desired` if the object holds *expected (compared bit for bit) and
 * returns true; otherwise writes the current value to *expected and returns false.
 */
template <class P, class E, class V>
inline bool atomic_compare_exchange_weak_explicit(P object, E* expected, V desired,
                                                  memory_order success = memory_order_relaxed,
                                                  memory_order failure = memory_order_relaxed) {
  auto* target = mlxts_jit::mtl::atomic_target(object);
  using T = decltype(mlxts_jit::mtl::pointee(target));
  using B = typename mlxts_jit::bits_of<sizeof(T)>::type;
  static_assert(sizeof(E) == sizeof(T), "atomic_compare_exchange: expected has another type");
  B want = as_type<B>(static_cast<T>(*expected));
  mlxts_jit::mtl::atomic_fence(success);
  B old = mlxts_jit::atomic_cas_value(reinterpret_cast<B*>(target), want, as_type<B>(static_cast<T>(desired)));
  if (old == want) return true;
  mlxts_jit::mtl::atomic_fence(failure);
  *expected = static_cast<E>(as_type<T>(old));
  return false;
}
template <class P, class E, class V>
inline bool atomic_compare_exchange_strong_explicit(P object, E* expected, V desired,
                                                    memory_order success = memory_order_relaxed,
                                                    memory_order failure = memory_order_relaxed) {
  return atomic_compare_exchange_weak_explicit(object, expected, desired, success, failure);
}

template <class... A> inline void atomic_thread_fence(A...) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

// ---- barriers -------------------------------------------------------------------

enum mem_flags {
  mem_none = 0,
  mem_device = 1,
  mem_threadgroup = 2,
  mem_texture = 4,
  mem_threadgroup_imageblock = 8,
  mem_object_data = 16,
};
inline mem_flags operator|(mem_flags a, mem_flags b) { return mem_flags(int(a) | int(b)); }

/** Waits for every live thread of the threadgroup. */
inline void threadgroup_barrier(mem_flags = mem_none) { mlxts_jit::sync_threadgroup(); }
/** Waits for every live thread of the simdgroup (an exchange carrying nothing). */
inline void simdgroup_barrier(mem_flags = mem_none) { (void)mlxts_jit::simd_exchange(char(0)); }

/** simd_ballot's result: bit i set when lane i is active and voted true. */
struct simd_vote {
  using vote_t = ulong;
  vote_t bits;
  vote_t mlxts_active;
  constexpr simd_vote(vote_t v = 0, vote_t active = ~vote_t(0)) : bits(v), mlxts_active(active) {}
  constexpr operator vote_t() const { return bits; }
  /** Every active lane voted true. */
  constexpr bool all() const { return (bits & mlxts_active) == mlxts_active; }
  constexpr bool any() const { return bits != 0; }
};
using quad_vote = simd_vote;

} // namespace metal

namespace mlxts_jit::mtl {

/** The active lanes of the caller's segment: the simdgroup (W = 32) or its quad (W = 4). */
template <uint32_t W> inline uint32_t segment_lanes(const SimdView& v) {
  if constexpr (W == kSimdWidth) {
    return v.active;
  } else {
    return v.active & (((1u << W) - 1u) << (v.lane & ~(W - 1u)));
  }
}

/** Combines the values of the segment's active lanes, lowest lane first. */
template <uint32_t W, class T, class Op> inline T reduce(const T& x, Op op) {
  SimdView v = simd_exchange(x);
  uint32_t m = segment_lanes<W>(v);
  T acc = simd_slot<T>(v, __builtin_ctz(m));
  for (m &= m - 1; m != 0; m &= m - 1) acc = static_cast<T>(op(acc, simd_slot<T>(v, __builtin_ctz(m))));
  return acc;
}

/** Combines `init` with the values of the active lanes below (and, inclusive, at) the caller. */
template <uint32_t W, class T, class Op> inline T scan(const T& x, T init, bool inclusive, Op op) {
  SimdView v = simd_exchange(x);
  uint32_t upto = (inclusive ? 2u << v.lane : 1u << v.lane) - 1u; // 2u << 31 wraps to 0: all lanes
  T acc = init;
  for (uint32_t m = segment_lanes<W>(v) & upto; m != 0; m &= m - 1)
    acc = static_cast<T>(op(acc, simd_slot<T>(v, __builtin_ctz(m))));
  return acc;
}

/** The value of lane `src` (an index inside the segment), or the caller's own value
 *  when `src` is outside the segment or that lane is inactive. */
template <uint32_t W, class T> inline T read_lane(const SimdView& v, int src, const T& own) {
  if (src < 0 || src >= int(W)) return own;
  uint32_t lane = (v.lane & ~(W - 1u)) + uint32_t(src);
  return (v.active >> lane) & 1u ? simd_slot<T>(v, lane) : own;
}

/** One exchange, then the value of lane pick(caller's index in the segment). */
template <uint32_t W, class T, class Pick> inline T shuffle(const T& x, Pick pick) {
  SimdView v = simd_exchange(x);
  return read_lane<W>(v, pick(int(v.lane & (W - 1u))), x);
}

template <uint32_t W, class T> inline T broadcast_first(const T& x) {
  SimdView v = simd_exchange(x);
  return simd_slot<T>(v, __builtin_ctz(segment_lanes<W>(v)));
}

template <uint32_t W> inline bool is_first() {
  SimdView v = simd_exchange(char(0));
  return uint32_t(__builtin_ctz(segment_lanes<W>(v))) == v.lane;
}

/** Votes of the segment's active lanes, as bits relative to the segment's first lane. */
template <uint32_t W> inline metal::simd_vote ballot(bool b) {
  SimdView v = simd_exchange(b);
  uint32_t base = v.lane & ~(W - 1u);
  uint32_t bits = 0, m = segment_lanes<W>(v);
  for (uint32_t k = m; k != 0; k &= k - 1) {
    uint32_t lane = __builtin_ctz(k);
    if (simd_slot<bool>(v, lane)) bits |= 1u << lane;
  }
  return metal::simd_vote(bits >> base, m >> base);
}

template <uint32_t W> inline metal::simd_vote active_mask() {
  SimdView v = simd_exchange(char(0));
  uint32_t m = segment_lanes<W>(v);
  uint32_t base = v.lane & ~(W - 1u);
  return metal::simd_vote(m >> base, m >> base);
}

/** shuffle_and_fill: lanes shifted past the edge of a `modulo`-lane window take `filling`. */
template <class T> struct data_and_fill {
  T data;
  T fill;
};
template <class T> inline T shuffle_fill(const T& data, const T& filling, int delta, int modulo) {
  SimdView v = simd_exchange(data_and_fill<T>{data, filling});
  if (modulo <= 0 || modulo > int(kSimdWidth)) modulo = int(kSimdWidth);
  int base = int(v.lane) / modulo * modulo;
  int src = int(v.lane) - base + delta; // delta < 0: up, > 0: down
  bool from_fill = src < 0 || src >= modulo;
  if (src < 0) src += modulo;
  if (src >= modulo) src -= modulo;
  uint32_t lane = uint32_t(base + src);
  if (lane >= kSimdWidth || !((v.active >> lane) & 1u)) return data;
  data_and_fill<T> pair = simd_slot<data_and_fill<T>>(v, lane);
  return from_fill ? pair.fill : pair.data;
}

} // namespace mlxts_jit::mtl

namespace metal {

// The simd_* and quad_* families: the same functions over a 32-lane simdgroup
// or a 4-lane quad of it.
#define MLXTS_GROUP_FUNCTIONS(P, W)                                                       \
  template <class T> inline T P##_sum(T x) {                                              \
    return mlxts_jit::mtl::reduce<W>(x, [](const T& a, const T& b) { return a + b; });    \
  }                                                                                       \
  template <class T> inline T P##_product(T x) {                                          \
    return mlxts_jit::mtl::reduce<W>(x, [](const T& a, const T& b) { return a * b; });    \
  }                                                                                       \
  template <class T> inline T P##_max(T x) {                                              \
    return mlxts_jit::mtl::reduce<W>(x, [](const T& a, const T& b) { return max(a, b); }); \
  }                                                                                       \
  template <class T> inline T P##_min(T x) {                                              \
    return mlxts_jit::mtl::reduce<W>(x, [](const T& a, const T& b) { return min(a, b); }); \
  }                                                                                       \
  template <class T> inline T P##_and(T x) {                                              \
    return mlxts_jit::mtl::reduce<W>(x, [](const T& a, const T& b) { return a & b; });    \
  }                                                                                       \
  template <class T> inline T P##_or(T x) {                                               \
    return mlxts_jit::mtl::reduce<W>(x, [](const T& a, const T& b) { return a | b; });    \
  }                                                                                       \
  template <class T> inline T P##_xor(T x) {                                              \
    return mlxts_jit::mtl::reduce<W>(x, [](const T& a, const T& b) { return a ^ b; });    \
  }                                                                                       \
  inline bool P##_all(bool x) {                                                           \
    return mlxts_jit::mtl::reduce<W>(x, [](bool a, bool b) { return a && b; });           \
  }                                                                                       \
  inline bool P##_any(bool x) {                                                           \
    return mlxts_jit::mtl::reduce<W>(x, [](bool a, bool b) { return a || b; });           \
  }                                                                                       \
  inline simd_vote P##_ballot(bool x) { return mlxts_jit::mtl::ballot<W>(x); }            \
  inline simd_vote P##_active_threads_mask() { return mlxts_jit::mtl::active_mask<W>(); } \
  inline bool P##_is_first() { return mlxts_jit::mtl::is_first<W>(); }                    \
  template <class T> inline T P##_prefix_inclusive_sum(T x) {                             \
    return mlxts_jit::mtl::scan<W>(x, T(0), true, [](const T& a, const T& b) { return a + b; }); \
  }                                                                                       \
  template <class T> inline T P##_prefix_exclusive_sum(T x) {                             \
    return mlxts_jit::mtl::scan<W>(x, T(0), false, [](const T& a, const T& b) { return a + b; }); \
  }                                                                                       \
  template <class T> inline T P##_prefix_inclusive_product(T x) {                         \
    return mlxts_jit::mtl::scan<W>(x, T(1), true, [](const T& a, const T& b) { return a * b; }); \
  }                                                                                       \
  template <class T> inline T P##_prefix_exclusive_product(T x) {                         \
    return mlxts_jit::mtl::scan<W>(x, T(1), false, [](const T& a, const T& b) { return a * b; }); \
  }                                                                                       \
  template <class T> inline T P##_broadcast(T x, ushort lane) {                           \
    return mlxts_jit::mtl::shuffle<W>(x, [lane](int) { return int(lane); });              \
  }                                                                                       \
  template <class T> inline T P##_broadcast_first(T x) {                                  \
    return mlxts_jit::mtl::broadcast_first<W>(x);                                         \
  }                                                                                       \
  template <class T> inline T P##_shuffle(T x, ushort lane) {                             \
    return mlxts_jit::mtl::shuffle<W>(x, [lane](int) { return int(lane); });              \
  }                                                                                       \
  template <class T> inline T P##_shuffle_up(T x, ushort delta) {                         \
    return mlxts_jit::mtl::shuffle<W>(x, [delta](int i) { return i - int(delta); });      \
  }                                                                                       \
  template <class T> inline T P##_shuffle_down(T x, ushort delta) {                       \
    return mlxts_jit::mtl::shuffle<W>(x, [delta](int i) { return i + int(delta); });      \
  }                                                                                       \
  template <class T> inline T P##_shuffle_xor(T x, ushort mask) {                         \
    return mlxts_jit::mtl::shuffle<W>(x, [mask](int i) { return i ^ int(mask); });        \
  }                                                                                       \
  template <class T> inline T P##_shuffle_rotate_up(T x, ushort delta) {                  \
    return mlxts_jit::mtl::shuffle<W>(                                                    \
        x, [delta](int i) { return int((unsigned(i) - delta) & (W - 1u)); });             \
  }                                                                                       \
  template <class T> inline T P##_shuffle_rotate_down(T x, ushort delta) {                \
    return mlxts_jit::mtl::shuffle<W>(                                                    \
        x, [delta](int i) { return int((unsigned(i) + delta) & (W - 1u)); });             \
  }                                                                                       \
  template <class T>                                                                      \
  inline T P##_shuffle_and_fill_up(T data, mlxts_jit::mtl::identity_t<T> filling, ushort delta, \
                                   ushort modulo = W) {                                   \
    return mlxts_jit::mtl::shuffle_fill(data, filling, -int(delta), int(modulo));         \
  }                                                                                       \
  template <class T>                                                                      \
  inline T P##_shuffle_and_fill_down(T data, mlxts_jit::mtl::identity_t<T> filling, ushort delta, \
                                     ushort modulo = W) {                                 \
    return mlxts_jit::mtl::shuffle_fill(data, filling, int(delta), int(modulo));          \
  }
MLXTS_GROUP_FUNCTIONS(simd, 32u)
MLXTS_GROUP_FUNCTIONS(quad, 4u)
#undef MLXTS_GROUP_FUNCTIONS

} // namespace metal
