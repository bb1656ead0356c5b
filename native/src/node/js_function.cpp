#include "js_function.h"

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

namespace mlx_ts {

namespace {
std::mutex pending_mu;
std::vector<std::pair<napi_env, napi_ref>> pending;
std::atomic<bool> has_pending{false};
} // namespace

JsFunctionRef::JsFunctionRef(Napi::Env env, Napi::Function fn)
    : env_(env), owner_(std::this_thread::get_id()) {
  napi_create_reference(env, fn, 1, &ref_);
}

JsFunctionRef::~JsFunctionRef() {
  if (std::this_thread::get_id() == owner_) {
    napi_delete_reference(env_, ref_);
    return;
  }
  std::lock_guard<std::mutex> lk(pending_mu);
  pending.emplace_back(env_, ref_);
  has_pending = true;
}

Napi::Value JsFunctionRef::call(const std::initializer_list<napi_value>& args,
                                const char* op) const {
  if (std::this_thread::get_id() != owner_) {
    throw std::runtime_error(std::string("[") + op +
                             "] A JS transformation rule can only run on the JS thread that made it.");
  }
  napi_value fn;
  napi_get_reference_value(env_, ref_, &fn);
  return Napi::Function(env_, fn).Call(args);
}

void drain_released_refs(Napi::Env env) {
  if (!has_pending.load()) return;
  std::vector<std::pair<napi_env, napi_ref>> mine;
  {
    std::lock_guard<std::mutex> lk(pending_mu);
    auto it = pending.begin();
    while (it != pending.end()) {
      if (it->first == static_cast<napi_env>(env)) {
        mine.push_back(*it);
        it = pending.erase(it);
      } else {
        ++it;
      }
    }
    has_pending = !pending.empty();
  }
  for (auto& [e, r] : mine) napi_delete_reference(e, r);
}

} // namespace mlx_ts
