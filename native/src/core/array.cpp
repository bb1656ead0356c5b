#include "mlx/array.h"
#include "mlx/backend/gpu/device_memory.h"

#include <sstream>

#include "mlx/primitives.h"
#include "mlx/transforms.h"

namespace mlx::core {

namespace {

size_t shape_size(const Shape& shape, const char* op) {
  size_t n = 1;
  for (auto d : shape) {
    if (d < 0) {
      std::ostringstream msg;
      msg << "[" << op << "] Shape dimensions must be non-negative, got " << d << ".";
      throw std::invalid_argument(msg.str());
    }
    n *= static_cast<size_t>(d);
  }
  return n;
}

Strides row_major_strides(const Shape& shape) {
  Strides s(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) {
    s[i] = s[i + 1] * std::max<int64_t>(shape[i + 1], 1);
  }
  return s;
}

} // namespace

array::ArrayDesc::ArrayDesc(Shape shape_, Dtype dtype_)
    : shape(std::move(shape_)), size(shape_size(shape, "array")), dtype(dtype_) {
  strides = row_major_strides(shape);
}

array::ArrayDesc::~ArrayDesc() = default;

Node::~Node() {
  // Collect the nodes that only this chain keeps alive and release them one
  // at a time, so destruction depth stays constant however long the chain.
  std::vector<std::shared_ptr<Node>> pending;
  auto harvest = [&pending](std::vector<array>& ins) {
    for (auto& in : ins) {
      auto& d = in.desc_;
      if (d && d.use_count() == 1 && d->node && d->node.use_count() == 1) {
        pending.push_back(std::move(d->node));
      }
    }
    ins.clear();
  };
  harvest(inputs);
  while (!pending.empty()) {
    auto n = std::move(pending.back());
    pending.pop_back();
    harvest(n->inputs);
  }
}

array::array(allocator::Buffer data, Shape shape, Dtype dtype, Deleter deleter)
    : desc_(std::make_shared<ArrayDesc>(std::move(shape), dtype)) {
  set_data(data, std::move(deleter));
  set_status(Status::available);
}

array::array(Shape shape, Dtype dtype, std::shared_ptr<Primitive> primitive,
             std::vector<array> inputs)
    : desc_(std::make_shared<ArrayDesc>(std::move(shape), dtype)) {
  auto node = std::make_shared<Node>();
  node->primitive = std::move(primitive);
  node->inputs = std::move(inputs);
  for (auto& in : node->inputs) desc_->is_tracer = desc_->is_tracer || in.desc_->is_tracer;
  node->outputs.push_back(desc_);
  node->output_shapes.push_back(desc_->shape);
  node->output_dtypes.push_back(dtype);
  desc_->node = std::move(node);
}

std::vector<array> array::make_arrays(std::vector<Shape> shapes,
                                      const std::vector<Dtype>& dtypes,
                                      const std::shared_ptr<Primitive>& primitive,
                                      const std::vector<array>& inputs) {
  auto node = std::make_shared<Node>();
  node->primitive = primitive;
  node->inputs = inputs;
  bool tracer = false;
  for (auto& in : inputs) tracer = tracer || in.desc_->is_tracer;
  std::vector<array> outs;
  for (size_t i = 0; i < shapes.size(); ++i) {
    auto d = std::make_shared<ArrayDesc>(shapes[i], dtypes[i]);
    d->node = node;
    d->is_tracer = tracer;
    d->position = static_cast<uint32_t>(i);
    node->outputs.push_back(d);
    node->output_shapes.push_back(shapes[i]);
    node->output_dtypes.push_back(dtypes[i]);
    outs.push_back(array(std::move(d)));
  }
  return outs;
}

int array::shape(int dim) const {
  int n = static_cast<int>(ndim());
  int d = dim < 0 ? dim + n : dim;
  if (d < 0 || d >= n) {
    std::ostringstream msg;
    msg << "[array::shape] Axis " << dim << " is out of bounds for array with " << n
        << " dimensions.";
    throw std::invalid_argument(msg.str());
  }
  return desc_->shape[d];
}

int64_t array::strides(int dim) const {
  int n = static_cast<int>(ndim());
  int d = dim < 0 ? dim + n : dim;
  if (d < 0 || d >= n) {
    std::ostringstream msg;
    msg << "[array::strides] Axis " << dim << " is out of bounds for array with " << n
        << " dimensions.";
    throw std::invalid_argument(msg.str());
  }
  return desc_->strides[d];
}

void array::eval() {
  if (!is_available()) {
    mlx::core::eval({*this});
  }
}

Primitive& array::primitive() const { return *desc_->node->primitive; }
std::shared_ptr<Primitive> array::primitive_ptr() const {
  return desc_->node ? desc_->node->primitive : nullptr;
}

std::vector<array>& array::inputs() {
  static thread_local std::vector<array> empty;
  return desc_->node ? desc_->node->inputs : (empty.clear(), empty);
}
const std::vector<array>& array::inputs() const {
  static const std::vector<array> empty;
  return desc_->node ? desc_->node->inputs : empty;
}

std::vector<array> Node::output_arrays() const {
  std::vector<array> outs;
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (auto d = outputs[i].lock()) {
      outs.push_back(array(std::move(d)));
    } else {
      // The user dropped this output; the primitive still writes one.
      auto d2 = std::make_shared<array::ArrayDesc>(output_shapes[i], output_dtypes[i]);
      d2->position = static_cast<uint32_t>(i);
      outs.push_back(array(std::move(d2)));
    }
  }
  return outs;
}

void Node::mark_scheduled(const std::shared_ptr<Event>& event) const {
  for (auto& w : outputs) {
    if (auto d = w.lock()) {
      d->event = event;
      d->status.store(array::Status::scheduled, std::memory_order_release);
    }
  }
}

std::vector<array> array::outputs() const {
  if (!desc_->node) return {*this};
  return desc_->node->output_arrays();
}

std::vector<array> array::siblings() const {
  auto outs = outputs();
  std::vector<array> sibs;
  for (auto& o : outs) {
    if (o.id() != id()) sibs.push_back(o);
  }
  return sibs;
}

void array::detach() { desc_->node.reset(); }

bool array::is_tracer() const { return desc_->is_tracer && detail::in_tracing(); }

void array::set_data(allocator::Buffer buffer, Deleter d) {
  desc_->data = std::make_shared<Data>(buffer, std::move(d), nbytes());
  desc_->data_ptr = buffer.raw_ptr();
  desc_->offset_bytes = 0;
  desc_->data_size = size();
  desc_->flags.contiguous = true;
  desc_->flags.row_contiguous = true;
  size_t non_unit = 0;
  for (auto s : shape()) non_unit += (s > 1);
  desc_->flags.col_contiguous = size() <= 1 || non_unit <= 1;
  desc_->strides = row_major_strides(shape());
}

void array::set_data(allocator::Buffer buffer, size_t data_size, Strides strides,
                     Flags flags, Deleter d) {
  desc_->data = std::make_shared<Data>(buffer, std::move(d), data_size * itemsize());
  desc_->data_ptr = buffer.raw_ptr();
  desc_->offset_bytes = 0;
  desc_->data_size = data_size;
  desc_->strides = std::move(strides);
  desc_->flags = flags;
}

void array::copy_shared_buffer(const array& other, const Strides& strides, Flags flags,
                               size_t data_size, int64_t offset) {
  desc_->data = other.desc_->data;
  desc_->strides = strides;
  desc_->flags = flags;
  desc_->data_size = data_size;
  int64_t delta = offset * static_cast<int64_t>(other.itemsize());
  desc_->offset_bytes = other.desc_->offset_bytes + delta;
  // Device-born data may have no host bytes yet: ensure_host() sets the pointer then.
  desc_->data_ptr = other.desc_->data_ptr ? static_cast<char*>(other.desc_->data_ptr) + delta
                                          : nullptr;
}

// ---- residency -------------------------------------------------------------

namespace gpu {
namespace {
std::atomic<const MemoryOps*> g_memory_ops{nullptr};
}
void set_memory_ops(const MemoryOps* ops) { g_memory_ops.store(ops); }
const MemoryOps* memory_ops() { return g_memory_ops.load(std::memory_order_acquire); }
} // namespace gpu

array::Data::~Data() {
  if (buffer.raw_ptr()) deleter(buffer);
  if (device_ptr) gpu::memory_ops()->free(device_ptr);
}

void array::ensure_host() const {
  auto& d = desc_->data;
  if (!d) return;
  if (!d->host_valid.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> lock(d->residency_mu);
    if (!d->host_valid.load(std::memory_order_relaxed)) {
      if (!d->buffer.raw_ptr()) d->buffer = allocator::malloc(std::max<size_t>(d->bytes, 1));
      if (d->device_ready) gpu::memory_ops()->wait_on_host(d->device_ready.get());
      if (d->bytes) gpu::memory_ops()->to_host(d->buffer.raw_ptr(), d->device_ptr, d->bytes);
      d->host_valid.store(true, std::memory_order_release);
    }
  }
  if (!desc_->data_ptr) desc_->data_ptr = static_cast<char*>(d->buffer.raw_ptr()) + desc_->offset_bytes;
}

void* array::ensure_device() const {
  auto& d = desc_->data;
  const gpu::MemoryOps* ops = gpu::memory_ops();
  if (!ops) throw std::runtime_error("[gpu] No GPU backend is available on this machine.");
  if (!d) throw std::logic_error("[gpu] An array without data was sent to the GPU.");
  if (!d->device_valid.load(std::memory_order_acquire)) {
    std::lock_guard<std::mutex> lock(d->residency_mu);
    if (!d->device_valid.load(std::memory_order_relaxed)) {
      if (!d->device_ptr) d->device_ptr = ops->alloc(std::max<size_t>(d->bytes, 1));
      if (d->bytes) d->device_ready = ops->to_device(d->device_ptr, d->buffer.raw_ptr(), d->bytes);
      d->device_valid.store(true, std::memory_order_release);
      return static_cast<char*>(d->device_ptr) + desc_->offset_bytes; // ordered on this thread's stream
    }
  }
  // Written (or uploaded) by another stream's work that may still run: wait on the device.
  std::shared_ptr<void> ready;
  {
    std::lock_guard<std::mutex> lock(d->residency_mu);
    ready = d->device_ready;
  }
  if (ready) ops->wait_on_device(ready.get());
  return static_cast<char*>(d->device_ptr) + desc_->offset_bytes;
}

void* array::device_data() const {
  auto& d = desc_->data;
  if (!d || !d->device_ptr) return nullptr;
  return static_cast<char*>(d->device_ptr) + desc_->offset_bytes;
}

void array::set_device_data(size_t bytes) {
  const gpu::MemoryOps* ops = gpu::memory_ops();
  if (!ops) throw std::runtime_error("[gpu] No GPU backend is available on this machine.");
  auto data = std::make_shared<Data>(allocator::Buffer(nullptr), allocator::free, bytes);
  data->device_ptr = ops->alloc(std::max<size_t>(bytes, 1));
  data->host_valid.store(false);
  data->device_valid.store(true);
  desc_->data = std::move(data);
  desc_->data_ptr = nullptr;
  desc_->offset_bytes = 0;
  desc_->data_size = size();
  desc_->flags.contiguous = true;
  desc_->flags.row_contiguous = true;
  size_t non_unit = 0;
  for (auto s : shape()) non_unit += (s > 1);
  desc_->flags.col_contiguous = size() <= 1 || non_unit <= 1;
  desc_->strides = row_major_strides(shape());
}

void array::mark_host_written() const {
  auto& d = desc_->data;
  if (!d) return;
  {
    std::lock_guard<std::mutex> lock(d->residency_mu);
    d->device_ready.reset();
  }
  d->host_valid.store(true, std::memory_order_release);
  d->device_valid.store(false, std::memory_order_release);
}

void array::mark_device_written(std::shared_ptr<void> ready) const {
  auto& d = desc_->data;
  if (!d) return;
  {
    std::lock_guard<std::mutex> lock(d->residency_mu);
    d->device_ready = std::move(ready);
  }
  d->device_valid.store(true, std::memory_order_release);
  d->host_valid.store(false, std::memory_order_release);
}

void array::wait_device_writes() const {
  auto& d = desc_->data;
  if (!d) return;
  std::shared_ptr<void> ready;
  {
    std::lock_guard<std::mutex> lock(d->residency_mu);
    ready = d->device_ready;
  }
  if (ready) gpu::memory_ops()->wait_on_host(ready.get());
}

void array::copy_shared_buffer(const array& other) {
  copy_shared_buffer(other, other.strides(), other.flags(), other.data_size());
}

} // namespace mlx::core
