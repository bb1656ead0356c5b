// A persistent reference to a JS function that native objects (primitives in
// graph nodes) can hold. Nodes may be released on a stream's worker thread,
// where N-API must not be touched: such releases are queued and performed on
// the JS thread at the next binding call.
#pragma once

#include <napi.h>

#include <memory>
#include <thread>

namespace mlx_ts {

class JsFunctionRef {
 public:
  JsFunctionRef(Napi::Env env, Napi::Function fn);
  ~JsFunctionRef();
  JsFunctionRef(const JsFunctionRef&) = delete;

  /** Calls the function; throws unless on the JS thread that created it. */
  Napi::Value call(const std::initializer_list<napi_value>& args, const char* op) const;
  Napi::Env env() const { return env_; }

 private:
  Napi::Env env_;
  napi_ref ref_;
  std::thread::id owner_;
};

/** Deletes references released off the JS thread (call on the JS thread). */
void drain_released_refs(Napi::Env env);

} // namespace mlx_ts
