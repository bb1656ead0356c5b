// CUDA dialect, part 3 (included by cuda.h): block synchronisation, warp
// intrinsics and cooperative groups on the runtime's threads.
//
// A warp is 32 consecutive linear thread indices of a block. Every warp
// intrinsic is one simd exchange (each live lane deposits its value and gets
// every lane's deposit back) followed by a local computation over the lanes:
// one fiber switch per call, whatever the intrinsic. Lanes that have returned
// are inactive; reading one (or a lane outside the shuffle's segment) yields
// the caller's own value, as CUDA's shuffles do out of range. The `mask`
// arguments only filter results: every live lane of the warp must make the
// same sequence of warp calls (CUDA's rule for a full mask).
#pragma once

namespace mlxts_cuda {
constexpr unsigned int kFullMask = 0xffffffffu;

template <class T> inline T lane_value(const mlxts_jit::SimdView& v, unsigned int src, const T& own) {
  if (src < 32 && ((v.active >> src) & 1u)) return mlxts_jit::simd_slot<T>(v, src);
  return own;
}

/** Bit `i` of `set`: lane `i` is active and its predicate holds. */
struct Vote {
  unsigned int set, active, lane;
};
inline Vote vote(int predicate) {
  unsigned char p = predicate != 0;
  mlxts_jit::SimdView v = mlxts_jit::simd_exchange(p);
  unsigned int set = 0;
  for (unsigned int m = v.active; m != 0; m &= m - 1) {
    unsigned int i = __builtin_ctz(m);
    if (v.slots[i * mlxts_jit::kSimdSlotBytes]) set |= 1u << i;
  }
  return {set, v.active, v.lane};
}

/** The lanes of the aligned segment of `width` lanes that holds `lane`. */
inline unsigned int segment_bits(unsigned int lane, unsigned int width) {
  unsigned int base = lane & ~(width - 1);
  return (width >= 32 ? kFullMask : ((1u << width) - 1u)) << base;
}

/** Folds op over the values of the active lanes in `lanes`, lowest lane first. */
template <class T, class Op>
inline T fold_lanes(const mlxts_jit::SimdView& v, unsigned int lanes, T own, Op op) {
  unsigned int m = v.active & lanes;
  if (m == 0) return own;
  T acc = mlxts_jit::simd_slot<T>(v, __builtin_ctz(m));
  for (m &= m - 1; m != 0; m &= m - 1) acc = op(acc, mlxts_jit::simd_slot<T>(v, __builtin_ctz(m)));
  return acc;
}

template <class T> inline T warp_reduce(unsigned int mask, T value, int kind) {
  mlxts_jit::SimdView v = mlxts_jit::simd_exchange(value);
  return fold_lanes(v, mask, value, [kind](T a, T b) -> T {
    switch (kind) {
    case 0: return a + b;
    case 1: return b < a ? b : a;
    case 2: return a < b ? b : a;
    case 3: return a & b;
    case 4: return a | b;
    default: return a ^ b;
    }
  });
}

// __syncthreads_count/and/or: one barrier. The counters are shared by the block's
// threads (all of them run on one OS thread). Round r counts in buffer r % 3 and
// clears buffer (r + 1) % 3, which nobody reads or writes during round r.
struct BlockVote {
  unsigned int round;
  int nonzero[3], zero[3];
};
inline thread_local BlockVote block_vote{};
inline void block_vote_counts(int predicate, int* nonzero, int* zero) {
  BlockVote& s = block_vote;
  unsigned int round = s.round, r = round % 3, next = (round + 1) % 3;
  s.nonzero[next] = 0;
  s.zero[next] = 0;
  ++(predicate ? s.nonzero[r] : s.zero[r]);
  mlxts_jit::sync_threadgroup();
  s.round = round + 1;
  *nonzero = s.nonzero[r];
  *zero = s.zero[r];
}
} // namespace mlxts_cuda

inline void __syncthreads() { mlxts_jit::sync_threadgroup(); }
inline int __syncthreads_count(int predicate) {
  int nonzero, zero;
  mlxts_cuda::block_vote_counts(predicate, &nonzero, &zero);
  return nonzero;
}
inline int __syncthreads_and(int predicate) {
  int nonzero, zero;
  mlxts_cuda::block_vote_counts(predicate, &nonzero, &zero);
  return zero == 0;
}
inline int __syncthreads_or(int predicate) {
  int nonzero, zero;
  mlxts_cuda::block_vote_counts(predicate, &nonzero, &zero);
  return nonzero != 0;
}

inline void __syncwarp(unsigned int mask = mlxts_cuda::kFullMask) {
  (void)mask;
  unsigned char token = 0;
  mlxts_jit::simd_exchange(token);
}
inline unsigned int __activemask() {
  unsigned char token = 0;
  return mlxts_jit::simd_exchange(token).active;
}

template <class T> inline T __shfl_sync(unsigned int mask, T var, int srcLane, int width = warpSize) {
  (void)mask;
  mlxts_jit::SimdView v = mlxts_jit::simd_exchange(var);
  unsigned int w = static_cast<unsigned int>(width);
  unsigned int src = (v.lane & ~(w - 1)) + (static_cast<unsigned int>(srcLane) & (w - 1));
  return mlxts_cuda::lane_value(v, src, var);
}
template <class T> inline T __shfl_up_sync(unsigned int mask, T var, unsigned int delta, int width = warpSize) {
  (void)mask;
  mlxts_jit::SimdView v = mlxts_jit::simd_exchange(var);
  unsigned int w = static_cast<unsigned int>(width);
  if ((v.lane & (w - 1)) < delta) return var;
  return mlxts_cuda::lane_value(v, v.lane - delta, var);
}
template <class T> inline T __shfl_down_sync(unsigned int mask, T var, unsigned int delta, int width = warpSize) {
  (void)mask;
  mlxts_jit::SimdView v = mlxts_jit::simd_exchange(var);
  unsigned int w = static_cast<unsigned int>(width);
  if ((v.lane & (w - 1)) + delta >= w) return var;
  return mlxts_cuda::lane_value(v, v.lane + delta, var);
}
// Lanes may read earlier segments but not later ones (those give the own value).
template <class T> inline T __shfl_xor_sync(unsigned int mask, T var, int laneMask, int width = warpSize) {
  (void)mask;
  mlxts_jit::SimdView v = mlxts_jit::simd_exchange(var);
  unsigned int w = static_cast<unsigned int>(width);
  unsigned int src = v.lane ^ static_cast<unsigned int>(laneMask);
  if (src >= (v.lane & ~(w - 1)) + w) return var;
  return mlxts_cuda::lane_value(v, src, var);
}

inline unsigned int __ballot_sync(unsigned int mask, int predicate) {
  return mlxts_cuda::vote(predicate).set & mask;
}
inline int __all_sync(unsigned int mask, int predicate) {
  mlxts_cuda::Vote w = mlxts_cuda::vote(predicate);
  return (w.active & mask & ~w.set) == 0;
}
inline int __any_sync(unsigned int mask, int predicate) {
  return (mlxts_cuda::vote(predicate).set & mask) != 0;
}
template <class T> inline unsigned int __match_any_sync(unsigned int mask, T value) {
  mlxts_jit::SimdView v = mlxts_jit::simd_exchange(value);
  unsigned int same = 0;
  for (unsigned int m = v.active & mask; m != 0; m &= m - 1) {
    unsigned int i = __builtin_ctz(m);
    if (memcmp(v.slots + i * mlxts_jit::kSimdSlotBytes, &value, sizeof(T)) == 0) same |= 1u << i;
  }
  return same;
}
template <class T> inline unsigned int __match_all_sync(unsigned int mask, T value, int* pred) {
  mlxts_jit::SimdView v = mlxts_jit::simd_exchange(value);
  unsigned int lanes = v.active & mask;
  for (unsigned int m = lanes; m != 0; m &= m - 1) {
    if (memcmp(v.slots + __builtin_ctz(m) * mlxts_jit::kSimdSlotBytes, &value, sizeof(T)) != 0) {
      *pred = 0;
      return 0;
    }
  }
  *pred = 1;
  return lanes;
}
inline unsigned int __reduce_add_sync(unsigned int mask, unsigned int value) { return mlxts_cuda::warp_reduce(mask, value, 0); }
inline int __reduce_add_sync(unsigned int mask, int value) { return mlxts_cuda::warp_reduce(mask, value, 0); }
inline unsigned int __reduce_min_sync(unsigned int mask, unsigned int value) { return mlxts_cuda::warp_reduce(mask, value, 1); }
inline int __reduce_min_sync(unsigned int mask, int value) { return mlxts_cuda::warp_reduce(mask, value, 1); }
inline unsigned int __reduce_max_sync(unsigned int mask, unsigned int value) { return mlxts_cuda::warp_reduce(mask, value, 2); }
inline int __reduce_max_sync(unsigned int mask, int value) { return mlxts_cuda::warp_reduce(mask, value, 2); }
inline unsigned int __reduce_and_sync(unsigned int mask, unsigned int value) { return mlxts_cuda::warp_reduce(mask, value, 3); }
inline unsigned int __reduce_or_sync(unsigned int mask, unsigned int value) { return mlxts_cuda::warp_reduce(mask, value, 4); }
inline unsigned int __reduce_xor_sync(unsigned int mask, unsigned int value) { return mlxts_cuda::warp_reduce(mask, value, 5); }

// ---- cooperative groups -----------------------------------------------------
namespace cooperative_groups {
namespace details {
inline unsigned int block_threads() {
  const mlxts_jit::Dim3& s = mlxts_jit::launch().group_size;
  return s.x * s.y * s.z;
}
inline unsigned int block_rank_of_thread() { return mlxts_jit::pos().index; }
template <class> inline constexpr bool always_false = false;
} // namespace details

/** A group of a runtime size: the block (tile size 0) or an aligned tile of it. */
class thread_group {
 public:
  explicit thread_group(unsigned int tile_size = 0) : tile_(tile_size) {}
  void sync() const {
    if (tile_ == 0 || tile_ > 32) __syncthreads();
    else __syncwarp();
  }
  unsigned int thread_rank() const {
    unsigned int i = details::block_rank_of_thread();
    return tile_ ? i % tile_ : i;
  }
  unsigned int num_threads() const { return tile_ ? tile_ : details::block_threads(); }
  unsigned int size() const { return num_threads(); }
  unsigned int meta_group_rank() const { return tile_ ? details::block_rank_of_thread() / tile_ : 0; }
  unsigned int meta_group_size() const {
    return tile_ ? (details::block_threads() + tile_ - 1) / tile_ : 1;
  }

 private:
  unsigned int tile_;
};

class thread_block : public thread_group {
 public:
  thread_block() : thread_group(0) {}
  static void sync() { __syncthreads(); }
  static unsigned int thread_rank() { return details::block_rank_of_thread(); }
  static unsigned int num_threads() { return details::block_threads(); }
  static unsigned int size() { return details::block_threads(); }
  static dim3 group_index() { return blockIdx; }
  static dim3 thread_index() { return threadIdx; }
  static dim3 dim_threads() { return blockDim; }
  static dim3 group_dim() { return blockDim; }
};
inline thread_block this_thread_block() { return thread_block(); }

class grid_group {
 public:
  static bool is_valid() { return true; }
  static unsigned long long num_blocks() {
    const mlxts_jit::Dim3& g = mlxts_jit::launch().groups;
    return static_cast<unsigned long long>(g.x) * g.y * g.z;
  }
  static unsigned long long block_rank() {
    const mlxts_jit::Dim3& b = mlxts_jit::pos().group;
    const mlxts_jit::Dim3& g = mlxts_jit::launch().groups;
    return (static_cast<unsigned long long>(b.z) * g.y + b.y) * g.x + b.x;
  }
  static unsigned long long num_threads() { return num_blocks() * details::block_threads(); }
  static unsigned long long size() { return num_threads(); }
  /** Block rank times the block size plus the thread's rank in its block (x fastest). */
  static unsigned long long thread_rank() {
    return block_rank() * details::block_threads() + details::block_rank_of_thread();
  }
  static dim3 dim_blocks() { return gridDim; }
  static dim3 group_dim() { return gridDim; }
  static dim3 block_index() { return blockIdx; }
  template <class Unsupported = void> void sync() const {
    static_assert(details::always_false<Unsupported>,
                  "grid_group::sync (grid-wide synchronisation) is not supported on the CPU");
  }
};
inline grid_group this_grid() { return grid_group(); }

template <unsigned int Size, class Parent = void> class thread_block_tile;

namespace details {
template <class P> struct parent_tile_size { static constexpr unsigned int value = 0; };
template <unsigned int S, class P> struct parent_tile_size<thread_block_tile<S, P>> {
  static constexpr unsigned int value = S;
};
} // namespace details

/** A tile of Size (a power of two up to 32) consecutive threads: a warp or part of one. */
template <unsigned int Size, class Parent> class thread_block_tile {
  static_assert(Size >= 1 && Size <= 32 && (Size & (Size - 1)) == 0,
                "thread_block_tile: the size must be a power of two up to 32");
  static constexpr unsigned int kParent = details::parent_tile_size<Parent>::value;
  static constexpr unsigned int kLow = Size == 32 ? 0xffffffffu : (1u << Size) - 1u;
  static unsigned int tile_base(unsigned int lane) { return lane & ~(Size - 1); }

 public:
  thread_block_tile() = default;
  template <class P> thread_block_tile(const thread_block_tile<Size, P>&) {}
  operator thread_group() const { return thread_group(Size); }

  static constexpr unsigned int num_threads() { return Size; }
  static constexpr unsigned int size() { return Size; }
  static unsigned int thread_rank() { return details::block_rank_of_thread() % Size; }
  static unsigned int meta_group_rank() {
    unsigned int i = details::block_rank_of_thread();
    return (kParent ? i % kParent : i) / Size;
  }
  static unsigned int meta_group_size() {
    return kParent ? kParent / Size : (details::block_threads() + Size - 1) / Size;
  }
  static void sync() { __syncwarp(); }

  template <class T> static T shfl(T var, int srcRank) { return __shfl_sync(mlxts_cuda::kFullMask, var, srcRank, Size); }
  template <class T> static T shfl_down(T var, unsigned int delta) {
    return __shfl_down_sync(mlxts_cuda::kFullMask, var, delta, Size);
  }
  template <class T> static T shfl_up(T var, unsigned int delta) {
    return __shfl_up_sync(mlxts_cuda::kFullMask, var, delta, Size);
  }
  template <class T> static T shfl_xor(T var, unsigned int laneMask) {
    return __shfl_xor_sync(mlxts_cuda::kFullMask, var, static_cast<int>(laneMask), Size);
  }
  /** Bit i: the tile's thread of rank i is active and its predicate holds. */
  static unsigned int ballot(int predicate) {
    mlxts_cuda::Vote w = mlxts_cuda::vote(predicate);
    return (w.set >> tile_base(w.lane)) & kLow;
  }
  static int any(int predicate) { return ballot(predicate) != 0; }
  static int all(int predicate) {
    mlxts_cuda::Vote w = mlxts_cuda::vote(predicate);
    unsigned int base = tile_base(w.lane);
    return ((w.active >> base) & kLow & ~(w.set >> base)) == 0;
  }
  template <class T> static unsigned int match_any(T value) {
    unsigned int lane = details::block_rank_of_thread() % 32;
    return (__match_any_sync(mlxts_cuda::segment_bits(lane, Size), value) >> tile_base(lane)) & kLow;
  }
  template <class T> static unsigned int match_all(T value, int& pred) {
    unsigned int lane = details::block_rank_of_thread() % 32;
    return (__match_all_sync(mlxts_cuda::segment_bits(lane, Size), value, &pred) >> tile_base(lane)) & kLow;
  }
};

template <unsigned int Size, class ParentT> inline thread_block_tile<Size, ParentT> tiled_partition(const ParentT&) {
  return thread_block_tile<Size, ParentT>();
}
inline thread_group tiled_partition(const thread_group&, unsigned int tile_size) { return thread_group(tile_size); }

template <class Group> inline void sync(const Group& g) { g.sync(); }

template <class T> struct plus { T operator()(T a, T b) const { return a + b; } };
template <class T> struct less { T operator()(T a, T b) const { return b < a ? b : a; } };
template <class T> struct greater { T operator()(T a, T b) const { return a < b ? b : a; } };
template <class T> struct bit_and { T operator()(T a, T b) const { return a & b; } };
template <class T> struct bit_or { T operator()(T a, T b) const { return a | b; } };
template <class T> struct bit_xor { T operator()(T a, T b) const { return a ^ b; } };

namespace details {
/** Folds op over the tile's active lanes: all of them (kind 0), those up to the
 * caller's lane (1: inclusive scan) or those before it (2: exclusive scan). One exchange. */
template <unsigned int Size, class T, class Op> inline T tile_fold(const T& val, Op& op, int kind) {
  mlxts_jit::SimdView v = mlxts_jit::simd_exchange(val);
  unsigned int lanes = mlxts_cuda::segment_bits(v.lane, Size);
  if (kind == 1) lanes &= (2u << v.lane) - 1u; // at lane 31, 2u << 31 wraps to 0: all lanes
  else if (kind == 2) lanes &= (1u << v.lane) - 1u;
  if ((lanes & v.active) == 0) return T{};
  return mlxts_cuda::fold_lanes(v, lanes, val, [&op](const T& a, const T& b) { return static_cast<T>(op(a, b)); });
}
} // namespace details

/** The tile's reduction under `op`, folded in rank order. */
template <unsigned int Size, class P, class T, class Op>
inline T reduce(const thread_block_tile<Size, P>&, T val, Op op) {
  return details::tile_fold<Size>(val, op, 0);
}
template <unsigned int Size, class P, class T, class Op>
inline T inclusive_scan(const thread_block_tile<Size, P>&, T val, Op op) {
  return details::tile_fold<Size>(val, op, 1);
}
template <unsigned int Size, class P, class T>
inline T inclusive_scan(const thread_block_tile<Size, P>& g, T val) { return inclusive_scan(g, val, plus<T>()); }
/** Rank 0 gets T{}. */
template <unsigned int Size, class P, class T, class Op>
inline T exclusive_scan(const thread_block_tile<Size, P>&, T val, Op op) {
  return details::tile_fold<Size>(val, op, 2);
}
template <unsigned int Size, class P, class T>
inline T exclusive_scan(const thread_block_tile<Size, P>& g, T val) { return exclusive_scan(g, val, plus<T>()); }
} // namespace cooperative_groups
