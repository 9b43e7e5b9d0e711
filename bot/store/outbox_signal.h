// OutboxSignal: rings when new replies were saved, so whoever delivers them (a channel's sender, a web chat
// long-poll, a console stream) wakes at once instead of polling the database. Carries no data: waiters
// re-read the store. Any thread.
//
// Two kinds of waiters. General ones (web chat, console) are all woken by every ring. A channel's sender
// threads wait on their channel's own line, and a ring for that channel wakes only one of them: the one that
// finds a full claim's worth passes the wake on (pass_on) to the next. Waking every sender thread for every
// saved turn had each of them ask the database for work it mostly did not find, thousands of times a second.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace approdo {

class OutboxSignal {
 public:
  // Something changed for everyone (a caseworker's reply, a shutdown): every waiter and every sender wakes.
  void ring() {
    std::lock_guard lock(mu_);
    ++generation_;
    cv_.notify_all();
    for (auto& [name, line] : lines_) {
      ++line->generation;
      line->cv.notify_all();
    }
  }
  // New replies for `channel`: the general waiters and one of the channel's senders wake.
  void ring(const std::string& channel) {
    std::lock_guard lock(mu_);
    ++generation_;
    cv_.notify_all();
    wake_one_locked(channel);
  }
  // Wakes one more of `channel`'s senders (there may be more work than the caller can take).
  void pass_on(const std::string& channel) {
    std::lock_guard lock(mu_);
    wake_one_locked(channel);
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

  // The same for a sender of `channel`: its generation, and a wait that a ring for the channel ends for
  // one waiter only (and ring() for all).
  uint64_t generation(const std::string& channel) {
    std::lock_guard lock(mu_);
    return line_locked(channel).generation;
  }
  void wait_after(const std::string& channel, uint64_t seen, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    Line& line = line_locked(channel);
    // A ring while nobody waited leaves the generation moved: the next waiter returns at once. A thread
    // woken by notify_one returns too; the others, whose `seen` is just as old, wait on (notify_one woke
    // only one) until a ring of their own or their timeout.
    if (line.generation != seen) return;
    line.cv.wait_for(lock, timeout);
  }

 private:
  struct Line {
    std::condition_variable cv;
    uint64_t generation = 0;
  };
  void wake_one_locked(const std::string& channel) {
    Line& line = line_locked(channel);
    ++line.generation;
    line.cv.notify_one();
  }
  Line& line_locked(const std::string& channel) {
    auto& line = lines_[channel];
    if (!line) line = std::make_unique<Line>();
    return *line;
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t generation_ = 0;
  std::map<std::string, std::unique_ptr<Line>> lines_;  // a channel's senders; entries live as long as this
};

}  // namespace approdo
