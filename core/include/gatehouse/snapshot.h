// SharedSnapshot<T>: an immutable value that readers share and a writer replaces whole.
//
// Readers take a shared_ptr to the current value and keep using it however long they
// like; a writer builds a new value and swaps it in. This is what
// std::atomic<std::shared_ptr<T>> promises, but libstdc++ 12 implements that with a
// spin lock whose unlock on load() is a relaxed store, which ThreadSanitizer (rightly, by
// the memory model) reports as a race against a later store(). A mutex held only for the
// copy of one shared_ptr costs about the same and is correct everywhere.
#pragma once

#include <memory>
#include <mutex>
#include <utility>

namespace gatehouse {

template <class T>
class SharedSnapshot {
 public:
  SharedSnapshot() = default;
  explicit SharedSnapshot(std::shared_ptr<const T> value) : value_(std::move(value)) {}

  std::shared_ptr<const T> load() const {
    std::lock_guard lock(mu_);
    return value_;
  }

  // The old value is released outside the lock: its destructor may be long.
  void store(std::shared_ptr<const T> value) {
    {
      std::lock_guard lock(mu_);
      value_.swap(value);
    }
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const T> value_;
};

}  // namespace gatehouse
