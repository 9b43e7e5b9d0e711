// Conversations: the people of a load run. Each writes one message, waits for the bot's answer, thinks for a
// while and writes again — up to a few messages, and an urgent one (the bot hands the person to a caseworker
// and then stays silent) only as a person's last. Whoever is ready writes next; when nobody is, a new person
// arrives, so the number of conversations grows with the offered load.
//
// The whole trip of a message ends with the first reply the stand-in provider receives for that person after
// it was sent; later replies of the same turn (a welcome, then the answer) arrive within the think time.
//
// Thread-safety: every member may be called from any thread (the generator's and the stand-in's).
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

#include "bench/load_latencies.h"

namespace approdo::bench {

class Conversations {
 public:
  struct Turn {
    int person = 0;
    int message = 0;  // 0 for the person's first message
    bool last = false;  // the last message of this person (may be urgent)
  };

  Conversations(int messages_per_person, int64_t think_ns)
      : messages_per_person_(messages_per_person), think_ns_(think_ns) {}

  // The next person to write at `now_ns` (a steady-clock time), marked as waiting for an answer from
  // `sent_ns` (the intended send time: queueing in the generator counts as latency).
  Turn next(int64_t now_ns, int64_t sent_ns) {
    std::lock_guard lock(mu_);
    int person;
    if (!ready_.empty() && ready_.front().at_ns <= now_ns) {
      person = ready_.front().person;
      ready_.pop_front();
    } else {
      person = static_cast<int>(people_.size());
      people_.push_back({});
    }
    Person& p = people_[person];
    p.waiting_since_ns = sent_ns;
    ++waiting_;
    Turn t{person, p.messages++, p.messages == messages_per_person_};
    return t;
  }

  // The stand-in received a reply for `person`. Ends the person's trip if one was waiting.
  void replied(int person, int64_t now_ns) {
    std::lock_guard lock(mu_);
    ++replies_;
    if (person < 0 || person >= static_cast<int>(people_.size())) return;
    Person& p = people_[person];
    if (p.waiting_since_ns == 0) return;
    if (p.waiting_since_ns >= from_ns_ && p.waiting_since_ns < until_ns_) trips_.add(now_ns - p.waiting_since_ns);
    if (now_ns >= from_ns_ && now_ns < until_ns_) ++answered_in_window_;
    p.waiting_since_ns = 0;
    --waiting_;
    ++answered_;
    if (p.messages < messages_per_person_) ready_.push_back({now_ns + think_ns_, person});
  }

  // The generator gave up on a message (the server refused or failed it): nobody waits for its answer.
  void abandoned(int person) {
    std::lock_guard lock(mu_);
    Person& p = people_[person];
    if (p.waiting_since_ns == 0) return;
    p.waiting_since_ns = 0;
    --waiting_;
  }

  // The measured window: trips() holds the trips of messages sent in it (however late their answer came),
  // answered_in_window() counts the trips that ended in it (throughput). The warm-up before it is not counted.
  void measure(int64_t from_ns, int64_t until_ns) {
    std::lock_guard lock(mu_);
    from_ns_ = from_ns;
    until_ns_ = until_ns;
  }

  int64_t waiting() const { std::lock_guard lock(mu_); return waiting_; }
  int64_t answered() const { std::lock_guard lock(mu_); return answered_; }
  int64_t answered_in_window() const { std::lock_guard lock(mu_); return answered_in_window_; }
  int64_t replies() const { std::lock_guard lock(mu_); return replies_; }
  int64_t people() const { std::lock_guard lock(mu_); return static_cast<int64_t>(people_.size()); }
  Latencies trips() const { std::lock_guard lock(mu_); return trips_; }

 private:
  struct Person {
    int64_t waiting_since_ns = 0;  // 0: not waiting for an answer
    int messages = 0;
  };
  struct Ready {
    int64_t at_ns;
    int person;
  };
  const int messages_per_person_;
  const int64_t think_ns_;
  mutable std::mutex mu_;
  std::vector<Person> people_;
  std::deque<Ready> ready_;  // in order of readiness: the think time is the same for everybody
  int64_t waiting_ = 0, answered_ = 0, answered_in_window_ = 0, replies_ = 0, from_ns_ = 0, until_ns_ = 0;
  Latencies trips_;
};

}  // namespace approdo::bench
