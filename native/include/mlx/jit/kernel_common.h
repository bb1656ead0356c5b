// What both kernel dialects (Metal, CUDA) need when a kernel body is compiled
// for the CPU: 16-bit float types, the running thread, the thread loops over a
// threadgroup, synchronisation through the runtime's hooks, atomics that work
// across worker threads, and bounds-checked buffers for checked mode.
//
// Compiled into every kernel object, so it stays small and includes no libstdc++
// headers that drag in overloads of the C math functions (which would make
// unqualified `floor(x)` in a Metal body ambiguous).
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernel_abi.h"

namespace mlxts_jit {

// ---- 16-bit floats --------------------------------------------------------

/** IEEE half: GCC's _Float16 computes in half precision like the GPU types. */
using float16_t = _Float16;

/** bfloat16: storage type computing in float (GCC 12 has no bf16 arithmetic). */
struct bfloat16_t {
  uint16_t bits;
  bfloat16_t() = default;
  bfloat16_t(float f) : bits(from_float(f)) {}
  bfloat16_t(double f) : bits(from_float(static_cast<float>(f))) {}
  bfloat16_t(_Float16 f) : bits(from_float(static_cast<float>(f))) {}
  bfloat16_t(int v) : bits(from_float(static_cast<float>(v))) {}
  bfloat16_t(unsigned v) : bits(from_float(static_cast<float>(v))) {}
  bfloat16_t(long v) : bits(from_float(static_cast<float>(v))) {}
  bfloat16_t(unsigned long v) : bits(from_float(static_cast<float>(v))) {}
  bfloat16_t(long long v) : bits(from_float(static_cast<float>(v))) {}
  bfloat16_t(bool v) : bits(from_float(v ? 1.0f : 0.0f)) {}
  operator float() const {
    uint32_t u = static_cast<uint32_t>(bits) << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
  }
  static uint16_t from_float(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40u); // quiet NaN
    u += 0x7fffu + ((u >> 16) & 1u); // round to nearest even
    return static_cast<uint16_t>(u >> 16);
  }
  bfloat16_t operator-() const {
    bfloat16_t r;
    r.bits = static_cast<uint16_t>(bits ^ 0x8000u);
    return r;
  }
  template <class U> bfloat16_t& operator+=(U v) { return *this = bfloat16_t(float(*this) + float(v)); }
  template <class U> bfloat16_t& operator-=(U v) { return *this = bfloat16_t(float(*this) - float(v)); }
  template <class U> bfloat16_t& operator*=(U v) { return *this = bfloat16_t(float(*this) * float(v)); }
  template <class U> bfloat16_t& operator/=(U v) { return *this = bfloat16_t(float(*this) / float(v)); }
};

/** complex64: two floats, the layout of the runtime's complex64. */
struct complex64_t {
  float real, imag;
  complex64_t() = default;
  constexpr complex64_t(float r, float i = 0.0f) : real(r), imag(i) {}
};
inline complex64_t operator+(complex64_t a, complex64_t b) { return {a.real + b.real, a.imag + b.imag}; }
inline complex64_t operator-(complex64_t a, complex64_t b) { return {a.real - b.real, a.imag - b.imag}; }
inline complex64_t operator*(complex64_t a, complex64_t b) {
  return {a.real * b.real - a.imag * b.imag, a.real * b.imag + a.imag * b.real};
}
inline complex64_t operator/(complex64_t a, complex64_t b) {
  float d = b.real * b.real + b.imag * b.imag;
  return {(a.real * b.real + a.imag * b.imag) / d, (a.imag * b.real - a.real * b.imag) / d};
}
inline bool operator==(complex64_t a, complex64_t b) { return a.real == b.real && a.imag == b.imag; }
inline bool operator!=(complex64_t a, complex64_t b) { return !(a == b); }

// ---- the running thread ---------------------------------------------------

/** The thread running now on this OS thread. Restored after every hook call
 * because other fibers of the group run on the same OS thread meanwhile. */
inline thread_local const ThreadCtx* t_cur = nullptr;

inline const ThreadPos& pos() { return *t_cur->pos; }
inline const Launch& launch() { return *t_cur->launch; }

/** Size of threadgroup `g`: the last one along a dimension may be partial. */
inline Dim3 group_extent(const Launch& L, Dim3 g) {
  auto ext = [](uint32_t grid, uint32_t size, uint32_t index) {
    uint32_t start = index * size;
    return grid - start < size ? grid - start : size;
  };
  return {ext(L.grid.x, L.group_size.x, g.x), ext(L.grid.y, L.group_size.y, g.y),
          ext(L.grid.z, L.group_size.z, g.z)};
}

/** Runs every thread of threadgroup `g` in a loop: for kernels that never synchronise. */
template <class Call>
inline void run_group(const Launch* L, const WorkerCtx* W, Dim3 g, Call&& call) {
  ThreadPos p;
  p.group = g;
  p.group_size = group_extent(*L, g);
  ThreadCtx ctx{L, W, &p};
  t_cur = &ctx;
  uint32_t index = 0;
  for (uint32_t z = 0; z < p.group_size.z; ++z)
    for (uint32_t y = 0; y < p.group_size.y; ++y)
      for (uint32_t x = 0; x < p.group_size.x; ++x) {
        p.thread = {x, y, z};
        p.index = index++;
        call(static_cast<const ThreadPos&>(p));
      }
  t_cur = nullptr;
}

/**
 * Like run_group, for kernels that read nothing through t_cur (Metal bodies
 * outside checked mode get every position as a parameter). `local` is a copy
 * of the launch that only the caller's attribute computations read.
 *
 * The innermost loop counts the thread's position in the grid itself: a
 * 32-bit index that provably does not wrap is what lets GCC vectorise
 * elementwise bodies (`uint elem = thread_position_in_grid.x; out[elem] = ...`).
 * t_cur->pos stays at the group's first thread.
 */
template <class Call>
inline void run_group_local(const Launch* L, const Launch& local, const WorkerCtx* W, Dim3 g,
                            Call&& call) {
  const Dim3 size = group_extent(local, g);
  ThreadPos first{{0, 0, 0}, g, size, 0};
  ThreadCtx ctx{L, W, &first};
  t_cur = &ctx;
  const uint32_t x0 = g.x * local.group_size.x;
  const uint32_t x1 = x0 + size.x;
  for (uint32_t z = 0; z < size.z; ++z)
    for (uint32_t y = 0; y < size.y; ++y) {
      const uint32_t row = (z * size.y + y) * size.x - x0;
      for (uint32_t gx = x0; gx < x1; ++gx) {
        ThreadPos p{{gx - x0, y, z}, g, size, row + gx};
        call(static_cast<const ThreadPos&>(p));
      }
    }
  t_cur = nullptr;
}

/** Runs one thread (on its own fiber). */
template <class Call>
inline void run_thread(const Launch* L, const WorkerCtx* W, const ThreadPos* p, Call&& call) {
  ThreadCtx ctx{L, W, p};
  t_cur = &ctx;
  call(*p);
}

// ---- synchronisation ------------------------------------------------------

/** threadgroup_barrier / __syncthreads. */
inline void sync_threadgroup() {
  const ThreadCtx* c = t_cur;
  c->launch->hooks->barrier(c->worker->sched);
  t_cur = c;
}

/** Deposits `v` and returns every lane's value of the caller's simdgroup. */
template <class T>
inline SimdView simd_exchange(const T& v) {
  static_assert(sizeof(T) <= kSimdSlotBytes, "value too large for a simd exchange");
  const ThreadCtx* c = t_cur;
  SimdView view = c->launch->hooks->simd_exchange(c->worker->sched, &v, sizeof(T));
  t_cur = c;
  return view;
}

/** The value lane `lane` deposited in an exchange. */
template <class T>
inline T simd_slot(const SimdView& view, uint32_t lane) {
  T out;
  memcpy(static_cast<void*>(&out), view.slots + lane * kSimdSlotBytes, sizeof(T));
  return out;
}

/** Dynamic shared memory of the running threadgroup (CUDA `extern __shared__`). */
inline void* dynamic_shared() { return t_cur->worker->dynamic_shared; }

// ---- atomics on plain memory (threadgroups run in parallel) ----------------

template <int N> struct bits_of;
template <> struct bits_of<1> { using type = uint8_t; };
template <> struct bits_of<2> { using type = uint16_t; };
template <> struct bits_of<4> { using type = uint32_t; };
template <> struct bits_of<8> { using type = uint64_t; };

/** Atomically replaces *p by op(*p) and returns the old value (compare-and-swap loop). */
template <class T, class Op>
inline T atomic_update(T* p, Op op) {
  using B = typename bits_of<sizeof(T)>::type;
  B* bp = reinterpret_cast<B*>(p);
  B expected = __atomic_load_n(bp, __ATOMIC_RELAXED);
  for (;;) {
    T old;
    memcpy(static_cast<void*>(&old), &expected, sizeof(T));
    T next = op(old);
    B desired;
    memcpy(&desired, static_cast<const void*>(&next), sizeof(T));
    if (__atomic_compare_exchange_n(bp, &expected, desired, true, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED))
      return old;
  }
}
template <class T> inline T atomic_load_value(const T* p) {
  using B = typename bits_of<sizeof(T)>::type;
  B b = __atomic_load_n(reinterpret_cast<const B*>(p), __ATOMIC_RELAXED);
  T out;
  memcpy(static_cast<void*>(&out), &b, sizeof(T));
  return out;
}
template <class T> inline void atomic_store_value(T* p, T v) {
  using B = typename bits_of<sizeof(T)>::type;
  B b;
  memcpy(&b, static_cast<const void*>(&v), sizeof(T));
  __atomic_store_n(reinterpret_cast<B*>(p), b, __ATOMIC_RELAXED);
}
template <class T> inline T atomic_add_value(T* p, T v) {
  return atomic_update(p, [v](T old) { return static_cast<T>(old + v); });
}
template <class T> inline T atomic_sub_value(T* p, T v) {
  return atomic_update(p, [v](T old) { return static_cast<T>(old - v); });
}
template <class T> inline T atomic_max_value(T* p, T v) {
  return atomic_update(p, [v](T old) { return old < v ? v : old; });
}
template <class T> inline T atomic_min_value(T* p, T v) {
  return atomic_update(p, [v](T old) { return v < old ? v : old; });
}
template <class T> inline T atomic_and_value(T* p, T v) {
  return atomic_update(p, [v](T old) { return static_cast<T>(old & v); });
}
template <class T> inline T atomic_or_value(T* p, T v) {
  return atomic_update(p, [v](T old) { return static_cast<T>(old | v); });
}
template <class T> inline T atomic_xor_value(T* p, T v) {
  return atomic_update(p, [v](T old) { return static_cast<T>(old ^ v); });
}
template <class T> inline T atomic_exchange_value(T* p, T v) {
  return atomic_update(p, [v](T) { return v; });
}
/** Compare-and-swap: stores `desired` when *p == expected; returns the old value. */
template <class T> inline T atomic_cas_value(T* p, T expected, T desired) {
  return atomic_update(p, [&](T old) { return old == expected ? desired : old; });
}

// ---- checked mode ---------------------------------------------------------

/** Where an out-of-bounds access lands instead: zeroed before each use. */
alignas(64) inline thread_local unsigned char oob_sink[64];

/**
 * A buffer pointer that checks every access against the buffer's extent and
 * reports the first violation (buffer name, index, thread) instead of
 * touching memory outside it. Pointer arithmetic keeps the buffer's base.
 */
template <class T>
struct checked_ptr {
  T* p;
  T* base;
  int64_t size;
  const char* name;

  T& at(int64_t offset) const {
    int64_t index = (p - base) + offset;
    if (index < 0 || index >= size) {
      const ThreadCtx* c = t_cur;
      c->launch->hooks->report_oob(c->launch->checker, name, index, size, c->pos);
      static_assert(sizeof(T) <= sizeof(oob_sink), "element too large");
      memset(oob_sink, 0, sizeof(oob_sink));
      return *reinterpret_cast<T*>(oob_sink);
    }
    return p[offset];
  }
  template <class I> T& operator[](I i) const { return at(static_cast<int64_t>(i)); }
  T& operator*() const { return at(0); }
  T* operator->() const { return &at(0); }
  template <class I> checked_ptr operator+(I i) const { return {p + i, base, size, name}; }
  template <class I> checked_ptr operator-(I i) const { return {p - i, base, size, name}; }
  template <class I> checked_ptr& operator+=(I i) { p += i; return *this; }
  template <class I> checked_ptr& operator-=(I i) { p -= i; return *this; }
  checked_ptr& operator++() { ++p; return *this; }
  checked_ptr& operator--() { --p; return *this; }
  checked_ptr operator++(int) { checked_ptr old = *this; ++p; return old; }
  checked_ptr operator--(int) { checked_ptr old = *this; --p; return old; }
  operator T*() const { return p; }
};

} // namespace mlxts_jit
