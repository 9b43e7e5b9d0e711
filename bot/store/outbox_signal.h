// OutboxSignal: rings when new replies were saved, so whoever delivers them (a channel's sender, a web chat
// long-poll) wakes at once instead of polling the database. Carries no data: waiters re-read the store.
// Any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace approdo {

class OutboxSignal {
 public:
  void ring() {
    {
      std::lock_guard lock(mu_);
      ++generation_;
    }
    cv_.notify_all();
  }
  uint64_t generation() const {
    std::lock_guard lock(mu_);
    return generation_;
  }
  // Waits until the signal rings after `seen` (a generation() read before checking the store), or timeout.
  // Returns the current generation.
  uint64_t wait_after(uint64_t seen, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return generation_ != seen; });
    return generation_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t generation_ = 0;
};

}  // namespace approdo
