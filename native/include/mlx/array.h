// The array: a lazily computed n-dimensional value. Until evaluated it holds a
// graph node (primitive + inputs); afterwards it holds a shared data buffer.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "mlx/allocator.h"
#include "mlx/dtype.h"
#include "mlx/types/cast.h"

namespace mlx::core {

using Shape = std::vector<int32_t>;
using Strides = std::vector<int64_t>;
using Deleter = std::function<void(allocator::Buffer)>;

class Primitive;
class Event;
struct Node;

class array {
 public:
  /** A 0-d array holding one value. */
  template <typename T>
  explicit array(T val, Dtype dtype = TypeToDtype<T>());

  /** A 1-d array from a list of values. */
  template <typename T>
  array(std::initializer_list<T> data, Dtype dtype = TypeToDtype<T>());

  /** An array of `shape` copied from the values starting at `data`. */
  template <typename It>
  array(It data, Shape shape, Dtype dtype = TypeToDtype<typename std::iterator_traits<It>::value_type>());

  /** An array that owns an existing buffer (freed with `deleter`). */
  array(allocator::Buffer data, Shape shape, Dtype dtype,
        Deleter deleter = allocator::free);

  /** An unevaluated array computed by `primitive` from `inputs`. */
  array(Shape shape, Dtype dtype, std::shared_ptr<Primitive> primitive,
        std::vector<array> inputs);

  /** Several arrays computed together by one primitive (siblings). */
  static std::vector<array> make_arrays(
      std::vector<Shape> shapes, const std::vector<Dtype>& dtypes,
      const std::shared_ptr<Primitive>& primitive,
      const std::vector<array>& inputs);

  array(const array&) = default;
  array(array&&) = default;
  array& operator=(const array&) = default;
  array& operator=(array&&) = default;

  size_t itemsize() const { return size_of(dtype()); }
  size_t size() const { return desc_->size; }
  size_t nbytes() const { return size() * itemsize(); }
  size_t ndim() const { return desc_->shape.size(); }
  const Shape& shape() const { return desc_->shape; }
  int shape(int dim) const;
  const Strides& strides() const { return desc_->strides; }
  int64_t strides(int dim) const;
  Dtype dtype() const { return desc_->dtype; }

  /** Evaluates the array (and its graph) and waits for the result. */
  void eval();

  /** The single value of a 1-element array, evaluated. */
  template <typename T>
  T item();

  struct Flags {
    // The data occupies a dense block of data_size elements (in some order).
    bool contiguous : 1;
    bool row_contiguous : 1;
    bool col_contiguous : 1;
  };
  const Flags& flags() const { return desc_->flags; }
  /** Elements reachable in the buffer (1 for a broadcast scalar). */
  size_t data_size() const { return desc_->data_size; }

  allocator::Buffer& buffer() { return desc_->data->buffer; }
  const allocator::Buffer& buffer() const { return desc_->data->buffer; }
  size_t buffer_size() const { return allocator::size(desc_->data->buffer); }

  template <typename T>
  T* data() { return static_cast<T*>(desc_->data_ptr); }
  template <typename T>
  const T* data() const { return static_cast<const T*>(desc_->data_ptr); }

  enum class Status { unscheduled, scheduled, available };
  Status status() const { return desc_->status.load(std::memory_order_acquire); }
  void set_status(Status s) const { desc_->status.store(s, std::memory_order_release); }
  /** True when the data is computed (and not waiting on a stream). */
  bool is_available() const { return status() == Status::available; }

  /** True for an unevaluated array computed by a primitive (placeholders of
   * vmap/compile traces have a node but no primitive). */
  bool has_primitive() const;
  Primitive& primitive() const;
  std::shared_ptr<Primitive> primitive_ptr() const;
  std::vector<array>& inputs();
  const std::vector<array>& inputs() const;
  /** The other outputs of this array's primitive. */
  std::vector<array> siblings() const;
  /** All outputs of this array's primitive, this one included, in order. */
  std::vector<array> outputs() const;
  uint32_t position() const { return desc_->position; }
  const std::shared_ptr<Node>& node() const { return desc_->node; }

  /** Drops the graph (primitive, inputs, siblings) keeping the data. */
  void detach();

  /** Arrays in a function being transformed keep their graph through eval
   * (only while a transform is running: see detail::in_tracing). */
  bool is_tracer() const;
  void set_tracer(bool t) { desc_->is_tracer = t; }

  void set_data(allocator::Buffer buffer, Deleter d = allocator::free);
  void set_data(allocator::Buffer buffer, size_t data_size, Strides strides,
                Flags flags, Deleter d = allocator::free);
  /** Shares `other`'s buffer as a view with its own strides and offset (elements). */
  void copy_shared_buffer(const array& other, const Strides& strides,
                          Flags flags, size_t data_size, int64_t offset = 0);
  void copy_shared_buffer(const array& other);

  // ---- residency: where the bytes are valid (host, a GPU, or both) ----
  // CPU code reads data<T>(); a GPU backend keeps a device copy next to it.
  // The evaluator calls ensure_host()/ensure_device() on a primitive's inputs
  // and marks its outputs written on the side it ran on.

  /** Makes the host bytes valid (allocating, copying from the device); cheap when they are. */
  void ensure_host() const;
  /** Makes the device bytes valid (allocating, copying from the host); returns this view's
   * device address (the allocation plus the view's offset). Needs a GPU backend. */
  void* ensure_device() const;
  /** The device address of this view, or null when no device copy exists. */
  void* device_data() const;
  /** Whether both arrays view the same buffer. */
  bool shares_data_with(const array& other) const {
    return desc_->data && desc_->data == other.desc_->data;
  }
  /** Gives this (unevaluated) array fresh device memory of nbytes(): a GPU op's output. */
  void set_device_data(size_t bytes);
  /** After a CPU op wrote the data: the host bytes are the valid ones. */
  void mark_host_written() const;
  /** After a GPU op wrote the data: the device bytes are the valid ones
   * (complete once `ready`, a backend event, is reached; null: complete now). */
  void mark_device_written(std::shared_ptr<void> ready = nullptr) const;
  /** Blocks until pending device writes of this array's data are complete. */
  void wait_device_writes() const;
  /** Bytes from the start of the allocation to this view's first element. */
  int64_t offset_bytes() const { return desc_->offset_bytes; }

  /** Identity of the underlying array (shared by copies of this handle). */
  uintptr_t id() const { return reinterpret_cast<uintptr_t>(desc_.get()); }

  const std::shared_ptr<Event>& event() const { return desc_->event; }
  void set_event(std::shared_ptr<Event> e) const { desc_->event = std::move(e); }

  /** Reference count of the descriptor: used to donate buffers safely. */
  long use_count() const { return desc_.use_count(); }
  /** True when this array is the only owner of its data buffer. */
  bool is_donatable() const {
    return desc_.use_count() == 1 && desc_->data && desc_->data.use_count() == 1;
  }

 private:
  struct Data {
    allocator::Buffer buffer; // host bytes (null until needed for device-born data)
    Deleter deleter;
    size_t bytes{0};          // size of the allocation on either side
    std::mutex residency_mu;  // serialises transfers of this allocation
    void* device_ptr{nullptr};
    std::atomic<bool> host_valid{true};
    std::atomic<bool> device_valid{false};
    // The event after which the device bytes are complete (set by the producing
    // GPU task before its outputs are published; null when nothing is pending).
    std::shared_ptr<void> device_ready;
    Data(allocator::Buffer b, Deleter d, size_t n) : buffer(b), deleter(std::move(d)), bytes(n) {}
    Data(const Data&) = delete;
    ~Data();
  };

  struct ArrayDesc {
    Shape shape;
    Strides strides;
    size_t size;
    Dtype dtype;
    std::shared_ptr<Node> node;
    uint32_t position{0};
    std::shared_ptr<Data> data;
    void* data_ptr{nullptr};
    int64_t offset_bytes{0};
    size_t data_size{0};
    Flags flags{};
    std::atomic<Status> status{Status::unscheduled};
    std::shared_ptr<Event> event;
    bool is_tracer{false};

    ArrayDesc(Shape shape, Dtype dtype);
    ~ArrayDesc();
  };

  explicit array(std::shared_ptr<ArrayDesc> desc) : desc_(std::move(desc)) {}
  void init_from_bytes(const void* src, size_t bytes);
  template <typename It>
  void init(It src);

  std::shared_ptr<ArrayDesc> desc_;

  friend struct Node;
};

/** A graph node: one primitive applied to inputs, producing outputs. Outputs are
 * held weakly so that siblings never keep each other alive. */
struct Node {
  std::shared_ptr<Primitive> primitive;
  std::vector<array> inputs;
  std::vector<std::weak_ptr<array::ArrayDesc>> outputs;
  std::vector<Shape> output_shapes;
  std::vector<Dtype> output_dtypes;
  /** The outputs as arrays; a dropped output gets a fresh placeholder. */
  std::vector<array> output_arrays() const;
  /** Marks the live outputs scheduled, completing with `event`. */
  void mark_scheduled(const std::shared_ptr<Event>& event) const;
  // Releases long chains iteratively: a 100,000-op graph must not recurse.
  ~Node();
};

inline bool array::has_primitive() const { return desc_->node && desc_->node->primitive; }

// ---- template definitions ----

template <typename It>
void array::init(It src) {
  set_data(allocator::malloc(std::max<size_t>(nbytes(), 1)));
  set_status(Status::available);
  dispatch_all_types(dtype(), [&](auto tag) {
    using T = decltype(tag);
    T* dst = data<T>();
    for (size_t i = 0; i < size(); ++i, ++src) {
      dst[i] = cast_to<T>(*src);
    }
  });
}

template <typename T>
array::array(T val, Dtype dtype)
    : desc_(std::make_shared<ArrayDesc>(Shape{}, dtype)) {
  init(&val);
}

template <typename T>
array::array(std::initializer_list<T> data, Dtype dtype)
    : desc_(std::make_shared<ArrayDesc>(Shape{static_cast<int32_t>(data.size())}, dtype)) {
  init(data.begin());
}

template <typename It>
array::array(It data, Shape shape, Dtype dtype)
    : desc_(std::make_shared<ArrayDesc>(std::move(shape), dtype)) {
  init(data);
}

template <typename T>
T array::item() {
  if (size() != 1) {
    throw std::invalid_argument("[item] Only 1-element arrays can be converted to scalars.");
  }
  eval();
  ensure_host();
  T out{};
  dispatch_all_types(dtype(), [&](auto tag) {
    using U = decltype(tag);
    out = cast_to<T>(*data<U>());
  });
  return out;
}

} // namespace mlx::core
