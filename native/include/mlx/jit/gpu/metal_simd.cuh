// Metal's atomics (MSL 6.15), barriers and simdgroup / quadgroup functions on
// NVIDIA GPUs (part of metal_on_cuda.cuh). A simdgroup is a warp (32 lanes);
// a function called by some lanes only combines the lanes taking part
// (__activemask()), as Metal's functions combine the active threads. Full
// warps take the butterfly (shuffle-xor) path; partial ones combine the
// active lanes lowest first, as the CPU engine does.
#pragma once

#include "metal_math.cuh"

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

namespace mlxts_gpu {

/** The T inside an atomic<T> argument. */
template <class T> MLXTS_D T* atomic_target(metal::atomic<T>* p) { return &p->mlxts_value; }
template <class T> MLXTS_D T* atomic_target(const volatile metal::atomic<T>* p) {
  return const_cast<T*>(&p->mlxts_value);
}
template <class T> T pointee(T*); // for decltype only

/** Orders other memory accesses around an atomic that asks for more than relaxed. */
MLXTS_D void atomic_fence(metal::memory_order order) {
  if (order != metal::memory_order_relaxed) __threadfence();
}

/** Compare-and-swap on an unsigned type of 1, 2, 4 or 8 bytes; returns the old value. */
MLXTS_D unsigned long long cas_bits(unsigned long long* p, unsigned long long cmp, unsigned long long v) {
  return atomicCAS(p, cmp, v);
}
MLXTS_D unsigned cas_bits(unsigned* p, unsigned cmp, unsigned v) { return atomicCAS(p, cmp, v); }
MLXTS_D unsigned short cas_bits(unsigned short* p, unsigned short cmp, unsigned short v) {
  unsigned short old;
  asm volatile("atom.cas.b16 %0, [%1], %2, %3;" : "=h"(old) : "l"(p), "h"(cmp), "h"(v) : "memory");
  return old;
}
MLXTS_D unsigned char cas_bits(unsigned char* p, unsigned char cmp, unsigned char v) {
  // Through the aligned 32-bit word that holds the byte.
  unsigned* word = reinterpret_cast<unsigned*>(reinterpret_cast<uintptr_t>(p) & ~uintptr_t(3));
  unsigned shift = static_cast<unsigned>(reinterpret_cast<uintptr_t>(p) & 3u) * 8u;
  unsigned old = *reinterpret_cast<volatile unsigned*>(word);
  for (;;) {
    unsigned char current = static_cast<unsigned char>(old >> shift);
    if (current != cmp) return current;
    unsigned next = (old & ~(0xffu << shift)) | (static_cast<unsigned>(v) << shift);
    unsigned seen = atomicCAS(word, old, next);
    if (seen == old) return cmp;
    old = seen;
  }
}

template <class T> MLXTS_D T atomic_load_value(const T* p) {
  using B = typename bits_of<sizeof(T)>::type;
  B b = *reinterpret_cast<const volatile B*>(p);
  return bit_cast<T>(b);
}
template <class T> MLXTS_D void atomic_store_value(T* p, T v) {
  using B = typename bits_of<sizeof(T)>::type;
  *reinterpret_cast<volatile B*>(p) = bit_cast<B>(v);
}

/** Atomically replaces *p by op(*p) and returns the old value (compare-and-swap loop). */
template <class T, class Op> MLXTS_D T atomic_update(T* p, Op op) {
  using B = typename bits_of<sizeof(T)>::type;
  B* bp = reinterpret_cast<B*>(p);
  B expected = *reinterpret_cast<volatile B*>(bp);
  for (;;) {
    T old = bit_cast<T>(expected);
    B desired = bit_cast<B>(static_cast<T>(op(old)));
    B seen = cas_bits(bp, expected, desired);
    if (seen == expected) return old;
    expected = seen;
  }
}

template <class T> struct is_native_int {
  static constexpr bool value = same<T, int>::value || same<T, unsigned>::value || same<T, unsigned long long>::value;
};
/** 64-bit integers other than unsigned long long go through it (same bits). */
template <class T> struct is_wide_int {
  static constexpr bool value = kind<T>::value == 1 && sizeof(T) == 8 && !same<T, unsigned long long>::value;
};
template <class T> MLXTS_D unsigned long long* as_ull(T* p) { return reinterpret_cast<unsigned long long*>(p); }

template <class T> struct add_op { T v; MLXTS_D T operator()(T old) const { return static_cast<T>(old + v); } };
template <class T> struct max_op { T v; MLXTS_D T operator()(T old) const { return old < v ? v : old; } };
template <class T> struct min_op { T v; MLXTS_D T operator()(T old) const { return v < old ? v : old; } };
template <class T> struct and_op { T v; MLXTS_D T operator()(T old) const { return static_cast<T>(old & v); } };
template <class T> struct or_op { T v; MLXTS_D T operator()(T old) const { return static_cast<T>(old | v); } };
template <class T> struct xor_op { T v; MLXTS_D T operator()(T old) const { return static_cast<T>(old ^ v); } };
template <class T> struct set_op { T v; MLXTS_D T operator()(T) const { return v; } };

template <class T> MLXTS_D T atomic_add_value(T* p, T v) {
  if constexpr (is_native_int<T>::value || same<T, float>::value || same<T, double>::value) {
    return atomicAdd(p, v);
  } else if constexpr (is_wide_int<T>::value) {
    return static_cast<T>(atomicAdd(as_ull(p), static_cast<unsigned long long>(v)));
  } else if constexpr (same<T, metal::half>::value) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 700
    unsigned short old;
    asm volatile("atom.add.noftz.f16 %0, [%1], %2;" : "=h"(old) : "l"(p), "h"(v.mlxts_bits) : "memory");
    return metal::half(from_bits_t(), old);
#else
    return atomic_update(p, add_op<T>{v});
#endif
  } else if constexpr (same<T, metal::bfloat>::value) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    unsigned short old;
    asm volatile("atom.add.noftz.bf16 %0, [%1], %2;" : "=h"(old) : "l"(p), "h"(v.mlxts_bits) : "memory");
    return metal::bfloat(from_bits_t(), old);
#else
    return atomic_update(p, add_op<T>{v});
#endif
  } else {
    return atomic_update(p, add_op<T>{v});
  }
}
template <class T> MLXTS_D T atomic_sub_value(T* p, T v) {
  if constexpr (same<T, int>::value || same<T, unsigned>::value) {
    return atomicSub(p, v);
  } else if constexpr (kind<T>::value == 1 && sizeof(T) == 8) {
    return static_cast<T>(atomicAdd(as_ull(p), static_cast<unsigned long long>(0) - static_cast<unsigned long long>(v)));
  } else if constexpr (kind<T>::value >= 2) {
    return atomic_add_value(p, static_cast<T>(-v));
  } else {
    return atomic_update(p, add_op<T>{static_cast<T>(0 - v)});
  }
}
#define MLXTS_ATOMIC_MINMAX(NAME, CUDA_FN, OP)                                            \
  template <class T> MLXTS_D T NAME(T* p, T v) {                                          \
    if constexpr (is_native_int<T>::value || same<T, long long>::value) {                 \
      return CUDA_FN(p, v);                                                               \
    } else if constexpr (is_wide_int<T>::value && T(-1) < T(0)) {                         \
      return static_cast<T>(CUDA_FN(reinterpret_cast<long long*>(p), static_cast<long long>(v))); \
    } else if constexpr (is_wide_int<T>::value) {                                         \
      return static_cast<T>(CUDA_FN(as_ull(p), static_cast<unsigned long long>(v)));      \
    } else {                                                                              \
      return atomic_update(p, OP<T>{v});                                                  \
    }                                                                                     \
  }
MLXTS_ATOMIC_MINMAX(atomic_max_value, atomicMax, max_op)
MLXTS_ATOMIC_MINMAX(atomic_min_value, atomicMin, min_op)
#undef MLXTS_ATOMIC_MINMAX
#define MLXTS_ATOMIC_BITS(NAME, CUDA_FN, OP)                                              \
  template <class T> MLXTS_D T NAME(T* p, T v) {                                          \
    if constexpr (is_native_int<T>::value) {                                              \
      return CUDA_FN(p, v);                                                               \
    } else if constexpr (is_wide_int<T>::value) {                                         \
      return static_cast<T>(CUDA_FN(as_ull(p), static_cast<unsigned long long>(v)));      \
    } else {                                                                              \
      return atomic_update(p, OP<T>{v});                                                  \
    }                                                                                     \
  }
MLXTS_ATOMIC_BITS(atomic_and_value, atomicAnd, and_op)
MLXTS_ATOMIC_BITS(atomic_or_value, atomicOr, or_op)
MLXTS_ATOMIC_BITS(atomic_xor_value, atomicXor, xor_op)
#undef MLXTS_ATOMIC_BITS
template <class T> MLXTS_D T atomic_exchange_value(T* p, T v) {
  if constexpr (is_native_int<T>::value || same<T, float>::value) {
    return atomicExch(p, v);
  } else if constexpr (is_wide_int<T>::value) {
    return static_cast<T>(atomicExch(as_ull(p), static_cast<unsigned long long>(v)));
  } else {
    return atomic_update(p, set_op<T>{v});
  }
}

} // namespace mlxts_gpu

namespace metal {

#define MLXTS_ATOMIC_RMW(NAME, HELPER)                                                    \
  template <class P, class V>                                                             \
  MLXTS_D auto NAME(P object, V operand, memory_order order = memory_order_relaxed) {     \
    auto* target = mlxts_gpu::atomic_target(object);                                     \
    using T = decltype(mlxts_gpu::pointee(target));                                       \
    mlxts_gpu::atomic_fence(order);                                                       \
    T old = mlxts_gpu::HELPER(target, static_cast<T>(operand));                           \
    mlxts_gpu::atomic_fence(order);                                                       \
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
MLXTS_D auto atomic_load_explicit(P object, memory_order order = memory_order_relaxed) {
  auto* target = mlxts_gpu::atomic_target(object);
  auto value = mlxts_gpu::atomic_load_value(target);
  mlxts_gpu::atomic_fence(order);
  return value;
}
template <class P, class V>
MLXTS_D void atomic_store_explicit(P object, V desired, memory_order order = memory_order_relaxed) {
  auto* target = mlxts_gpu::atomic_target(object);
  using T = decltype(mlxts_gpu::pointee(target));
  mlxts_gpu::atomic_fence(order);
  mlxts_gpu::atomic_store_value(target, static_cast<T>(desired));
}

/**
 * Stores `desired` if the object holds *expected (compared bit for bit) and
 * returns true; otherwise writes the current value to *expected and returns false.
 */
template <class P, class E, class V>
MLXTS_D bool atomic_compare_exchange_weak_explicit(P object, E* expected, V desired,
                                                   memory_order success = memory_order_relaxed,
                                                   memory_order failure = memory_order_relaxed) {
  auto* target = mlxts_gpu::atomic_target(object);
  using T = decltype(mlxts_gpu::pointee(target));
  using B = typename mlxts_gpu::bits_of<sizeof(T)>::type;
  static_assert(sizeof(E) == sizeof(T), "atomic_compare_exchange: expected has another type");
  B want = mlxts_gpu::bit_cast<B>(static_cast<T>(*expected));
  mlxts_gpu::atomic_fence(success);
  B old = mlxts_gpu::cas_bits(reinterpret_cast<B*>(target), want, mlxts_gpu::bit_cast<B>(static_cast<T>(desired)));
  if (old == want) return true;
  mlxts_gpu::atomic_fence(failure);
  *expected = static_cast<E>(mlxts_gpu::bit_cast<T>(old));
  return false;
}
template <class P, class E, class V>
MLXTS_D bool atomic_compare_exchange_strong_explicit(P object, E* expected, V desired,
                                                     memory_order success = memory_order_relaxed,
                                                     memory_order failure = memory_order_relaxed) {
  return atomic_compare_exchange_weak_explicit(object, expected, desired, success, failure);
}

// ---- barriers -------------------------------------------------------------------

enum mem_flags {
  mem_none = 0,
  mem_device = 1,
  mem_threadgroup = 2,
  mem_texture = 4,
  mem_threadgroup_imageblock = 8,
  mem_object_data = 16,
};
MLXTS_D mem_flags operator|(mem_flags a, mem_flags b) { return mem_flags(int(a) | int(b)); }

template <class... A> MLXTS_D void atomic_thread_fence(A...) { __threadfence(); }

/** Waits for every live thread of the threadgroup (threads outside the grid have exited). */
MLXTS_D void threadgroup_barrier(mem_flags = mem_none) { __syncthreads(); }
/** Waits for the simdgroup's lanes taking part. */
MLXTS_D void simdgroup_barrier(mem_flags = mem_none) { __syncwarp(__activemask()); }

/** simd_ballot's result: bit i set when lane i is active and voted true. */
struct simd_vote {
  using vote_t = ulong;
  vote_t bits;
  vote_t mlxts_active;
  MLXTS_HD constexpr simd_vote(vote_t v = 0, vote_t active = ~vote_t(0)) : bits(v), mlxts_active(active) {}
  MLXTS_HD constexpr operator vote_t() const { return bits; }
  /** Every active lane voted true. */
  MLXTS_HD constexpr bool all() const { return (bits & mlxts_active) == mlxts_active; }
  MLXTS_HD constexpr bool any() const { return bits != 0; }
};
using quad_vote = simd_vote;

} // namespace metal

namespace mlxts_gpu {

MLXTS_D unsigned lane_id() {
  unsigned lane;
  asm("mov.u32 %0, %%laneid;" : "=r"(lane));
  return lane;
}

/** Warp shuffles of any trivially copyable value, 32 bits at a time. */
template <class T> struct words {
  unsigned w[(sizeof(T) + 3) / 4];
};
template <class T> MLXTS_D T shfl_idx(unsigned mask, const T& v, int src) {
  words<T> a{};
  ::memcpy(static_cast<void*>(&a), static_cast<const void*>(&v), sizeof(T));
#pragma unroll
  for (unsigned k = 0; k < (sizeof(T) + 3) / 4; ++k) a.w[k] = __shfl_sync(mask, a.w[k], src);
  T out;
  ::memcpy(static_cast<void*>(&out), static_cast<const void*>(&a), sizeof(T));
  return out;
}
template <class T> MLXTS_D T shfl_xor(unsigned mask, const T& v, int lane_mask) {
  words<T> a{};
  ::memcpy(static_cast<void*>(&a), static_cast<const void*>(&v), sizeof(T));
#pragma unroll
  for (unsigned k = 0; k < (sizeof(T) + 3) / 4; ++k) a.w[k] = __shfl_xor_sync(mask, a.w[k], lane_mask);
  T out;
  ::memcpy(static_cast<void*>(&out), static_cast<const void*>(&a), sizeof(T));
  return out;
}
template <class T> MLXTS_D T shfl_up(unsigned mask, const T& v, unsigned delta, int width) {
  words<T> a{};
  ::memcpy(static_cast<void*>(&a), static_cast<const void*>(&v), sizeof(T));
#pragma unroll
  for (unsigned k = 0; k < (sizeof(T) + 3) / 4; ++k) a.w[k] = __shfl_up_sync(mask, a.w[k], delta, width);
  T out;
  ::memcpy(static_cast<void*>(&out), static_cast<const void*>(&a), sizeof(T));
  return out;
}

/** The caller's segment (the warp for W = 32, its quad for W = 4): every lane, and the active ones. */
template <unsigned W> MLXTS_D unsigned segment_all(unsigned lane) {
  if constexpr (W == 32) {
    return 0xffffffffu;
  } else {
    return ((1u << W) - 1u) << (lane & ~(W - 1u));
  }
}

/** Combines the values of the segment's active lanes; every one of them gets the result. */
template <unsigned W, class T, class Op> MLXTS_D T reduce(T x, Op op) {
  const unsigned lane = lane_id();
  const unsigned all = segment_all<W>(lane);
  const unsigned m = __activemask() & all;
  if (m == all) {
#pragma unroll
    for (unsigned off = W / 2; off > 0; off >>= 1) x = op(x, shfl_xor(m, x, int(off)));
    return x;
  }
  T acc = shfl_idx(m, x, __ffs(int(m)) - 1);
  for (unsigned r = m & (m - 1u); r != 0u; r &= r - 1u) acc = op(acc, shfl_idx(m, x, __ffs(int(r)) - 1));
  return acc;
}

/** Combines `init` with the values of the active lanes below (and, inclusive, at) the caller. */
template <unsigned W, class T, class Op> MLXTS_D T scan(T x, T init, bool inclusive, Op op) {
  const unsigned lane = lane_id();
  const unsigned all = segment_all<W>(lane);
  const unsigned m = __activemask() & all;
  const unsigned index = lane & (W - 1u);
  if (m == all) {
    T incl = x;
#pragma unroll
    for (unsigned off = 1; off < W; off <<= 1) {
      T lower = shfl_up(m, incl, off, int(W));
      if (index >= off) incl = op(lower, incl);
    }
    if (inclusive) return incl;
    T excl = shfl_up(m, incl, 1u, int(W));
    return index == 0 ? init : excl;
  }
  T acc = init;
  for (unsigned r = m; r != 0u; r &= r - 1u) {
    unsigned src = unsigned(__ffs(int(r)) - 1);
    T y = shfl_idx(m, x, int(src));
    if (inclusive ? src <= lane : src < lane) acc = op(acc, y);
  }
  return acc;
}

/** The value of the lane at index `src` of the caller's segment, or the caller's own
 *  value when `src` is outside the segment or that lane is not active. */
template <unsigned W, class T> MLXTS_D T shuffle_from(const T& x, int src) {
  const unsigned lane = lane_id();
  const unsigned m = __activemask();
  const unsigned from = (lane & ~(W - 1u)) + (unsigned(src) & (W - 1u));
  T y = shfl_idx(m, x, int(from));
  return src >= 0 && src < int(W) && ((m >> from) & 1u) ? y : x;
}

template <unsigned W, class T> MLXTS_D T broadcast_first(const T& x) {
  const unsigned lane = lane_id();
  const unsigned m = __activemask();
  return shfl_idx(m, x, __ffs(int(m & segment_all<W>(lane))) - 1);
}

template <unsigned W> MLXTS_D bool is_first() {
  const unsigned lane = lane_id();
  return unsigned(__ffs(int(__activemask() & segment_all<W>(lane))) - 1) == lane;
}

/** Votes of the segment's active lanes, as bits relative to the segment's first lane. */
template <unsigned W> MLXTS_D metal::simd_vote ballot(bool b) {
  const unsigned lane = lane_id();
  const unsigned m = __activemask();
  const unsigned seg = m & segment_all<W>(lane);
  const unsigned base = lane & ~(W - 1u);
  const unsigned bits = __ballot_sync(m, b) & seg;
  return metal::simd_vote(bits >> base, seg >> base);
}
template <unsigned W> MLXTS_D metal::simd_vote active_mask() {
  const unsigned lane = lane_id();
  const unsigned seg = __activemask() & segment_all<W>(lane);
  const unsigned base = lane & ~(W - 1u);
  return metal::simd_vote(seg >> base, seg >> base);
}

/** shuffle_and_fill: lanes shifted past the edge of a `modulo`-lane window take `filling`. */
template <unsigned W, class T>
MLXTS_D T shuffle_fill(const T& data, const T& filling, int delta, int modulo) {
  const unsigned lane = lane_id();
  const unsigned m = __activemask();
  if (modulo <= 0 || modulo > int(W)) modulo = int(W);
  const int index = int(lane & (W - 1u));
  const int base = index / modulo * modulo;
  int src = index - base + delta; // delta < 0: up, > 0: down
  const bool from_fill = src < 0 || src >= modulo;
  if (src < 0) src += modulo;
  if (src >= modulo) src -= modulo;
  const unsigned from = (lane & ~(W - 1u)) + unsigned(base + src);
  T d = shfl_idx(m, data, int(from & 31u));
  T f = shfl_idx(m, filling, int(from & 31u));
  if (from >= 32u || !((m >> from) & 1u)) return data;
  return from_fill ? f : d;
}

template <class T> struct sum_op { MLXTS_D T operator()(const T& a, const T& b) const { return a + b; } };
template <class T> struct product_op { MLXTS_D T operator()(const T& a, const T& b) const { return a * b; } };
template <class T> struct maximum_op { MLXTS_D T operator()(const T& a, const T& b) const { return metal::max(a, b); } };
template <class T> struct minimum_op { MLXTS_D T operator()(const T& a, const T& b) const { return metal::min(a, b); } };
template <class T> struct bit_and_op { MLXTS_D T operator()(const T& a, const T& b) const { return a & b; } };
template <class T> struct bit_or_op { MLXTS_D T operator()(const T& a, const T& b) const { return a | b; } };
template <class T> struct bit_xor_op { MLXTS_D T operator()(const T& a, const T& b) const { return a ^ b; } };
struct all_op { MLXTS_D bool operator()(bool a, bool b) const { return a && b; } };
struct any_op { MLXTS_D bool operator()(bool a, bool b) const { return a || b; } };

} // namespace mlxts_gpu

namespace metal {

// The simd_* and quad_* families: the same functions over a 32-lane simdgroup
// or a 4-lane quad of it.
#define MLXTS_GROUP_FUNCTIONS(P, W)                                                       \
  template <class T> MLXTS_D T P##_sum(T x) { return mlxts_gpu::reduce<W>(x, mlxts_gpu::sum_op<T>()); } \
  template <class T> MLXTS_D T P##_product(T x) { return mlxts_gpu::reduce<W>(x, mlxts_gpu::product_op<T>()); } \
  template <class T> MLXTS_D T P##_max(T x) { return mlxts_gpu::reduce<W>(x, mlxts_gpu::maximum_op<T>()); } \
  template <class T> MLXTS_D T P##_min(T x) { return mlxts_gpu::reduce<W>(x, mlxts_gpu::minimum_op<T>()); } \
  template <class T> MLXTS_D T P##_and(T x) { return mlxts_gpu::reduce<W>(x, mlxts_gpu::bit_and_op<T>()); } \
  template <class T> MLXTS_D T P##_or(T x) { return mlxts_gpu::reduce<W>(x, mlxts_gpu::bit_or_op<T>()); } \
  template <class T> MLXTS_D T P##_xor(T x) { return mlxts_gpu::reduce<W>(x, mlxts_gpu::bit_xor_op<T>()); } \
  MLXTS_D bool P##_all(bool x) { return mlxts_gpu::reduce<W>(x, mlxts_gpu::all_op()); }  \
  MLXTS_D bool P##_any(bool x) { return mlxts_gpu::reduce<W>(x, mlxts_gpu::any_op()); }  \
  MLXTS_D simd_vote P##_ballot(bool x) { return mlxts_gpu::ballot<W>(x); }                \
  MLXTS_D simd_vote P##_active_threads_mask() { return mlxts_gpu::active_mask<W>(); }     \
  MLXTS_D bool P##_is_first() { return mlxts_gpu::is_first<W>(); }                        \
  MLXTS_D bool P##_is_helper_thread() { return false; }                                   \
  template <class T> MLXTS_D T P##_prefix_inclusive_sum(T x) {                            \
    return mlxts_gpu::scan<W>(x, T(0), true, mlxts_gpu::sum_op<T>());                     \
  }                                                                                       \
  template <class T> MLXTS_D T P##_prefix_exclusive_sum(T x) {                            \
    return mlxts_gpu::scan<W>(x, T(0), false, mlxts_gpu::sum_op<T>());                    \
  }                                                                                       \
  template <class T> MLXTS_D T P##_prefix_inclusive_product(T x) {                        \
    return mlxts_gpu::scan<W>(x, T(1), true, mlxts_gpu::product_op<T>());                 \
  }                                                                                       \
  template <class T> MLXTS_D T P##_prefix_exclusive_product(T x) {                        \
    return mlxts_gpu::scan<W>(x, T(1), false, mlxts_gpu::product_op<T>());                \
  }                                                                                       \
  template <class T> MLXTS_D T P##_broadcast(T x, ushort lane) {                          \
    return mlxts_gpu::shuffle_from<W>(x, int(lane));                                      \
  }                                                                                       \
  template <class T> MLXTS_D T P##_broadcast_first(T x) { return mlxts_gpu::broadcast_first<W>(x); } \
  template <class T> MLXTS_D T P##_shuffle(T x, ushort lane) {                            \
    return mlxts_gpu::shuffle_from<W>(x, int(lane));                                      \
  }                                                                                       \
  template <class T> MLXTS_D T P##_shuffle_up(T x, ushort delta) {                        \
    return mlxts_gpu::shuffle_from<W>(x, int(mlxts_gpu::lane_id() & (W - 1u)) - int(delta)); \
  }                                                                                       \
  template <class T> MLXTS_D T P##_shuffle_down(T x, ushort delta) {                      \
    return mlxts_gpu::shuffle_from<W>(x, int(mlxts_gpu::lane_id() & (W - 1u)) + int(delta)); \
  }                                                                                       \
  template <class T> MLXTS_D T P##_shuffle_xor(T x, ushort mask) {                        \
    return mlxts_gpu::shuffle_from<W>(x, int(mlxts_gpu::lane_id() & (W - 1u)) ^ int(mask)); \
  }                                                                                       \
  template <class T> MLXTS_D T P##_shuffle_rotate_up(T x, ushort delta) {                 \
    return mlxts_gpu::shuffle_from<W>(x, int((mlxts_gpu::lane_id() - delta) & (W - 1u))); \
  }                                                                                       \
  template <class T> MLXTS_D T P##_shuffle_rotate_down(T x, ushort delta) {               \
    return mlxts_gpu::shuffle_from<W>(x, int((mlxts_gpu::lane_id() + delta) & (W - 1u))); \
  }                                                                                       \
  template <class T>                                                                      \
  MLXTS_D T P##_shuffle_and_fill_up(T data, mlxts_gpu::identity_t<T> filling, ushort delta, \
                                    ushort modulo = W) {                                  \
    return mlxts_gpu::shuffle_fill<W>(data, filling, -int(delta), int(modulo));           \
  }                                                                                       \
  template <class T>                                                                      \
  MLXTS_D T P##_shuffle_and_fill_down(T data, mlxts_gpu::identity_t<T> filling, ushort delta, \
                                      ushort modulo = W) {                                \
    return mlxts_gpu::shuffle_fill<W>(data, filling, int(delta), int(modulo));            \
  }
MLXTS_GROUP_FUNCTIONS(simd, 32u)
MLXTS_GROUP_FUNCTIONS(quad, 4u)
#undef MLXTS_GROUP_FUNCTIONS

} // namespace metal
