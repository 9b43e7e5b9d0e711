// Metrics: the counters a running bot keeps about what it did, for /metrics — families of counters (messages
// received per channel and language, match outcomes, retries...), each sample named by its label values.
// App owns one per running bot, so two bots in one process (tests) count apart; with several instances on one
// database each instance serves its own counts.
//
// Thread-safety: every call from any thread. Counting is meant for hot paths (dialogue workers, senders, the
// HTTP pool): finding a sample takes a shared lock and a map lookup (an exclusive lock only the first time a
// label set is seen), counting is one relaxed atomic add; code with fixed labels keeps the Counter& it got —
// a sample never moves or disappears while its Metrics lives.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "bot/core/prometheus_text.h"

namespace approdo {

class Counter {
 public:
  void add(int64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

class CounterFamily {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names);

  // The sample with these label values, one per label name in order (std::invalid_argument otherwise: a
  // programming error); created at 0 the first time.
  Counter& with(std::initializer_list<std::string_view> values);
  // The current value, 0 when that sample was never counted (tests, bench).
  int64_t value(std::initializer_list<std::string_view> values) const;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Every sample, ordered by label values.
  void render(PrometheusText& out) const;

 private:
  const std::string name_, help_;
  const std::vector<std::string> label_names_;
  // Orders label-value tuples; transparent, so a lookup compares the caller's string_views without copying.
  struct ValuesLess {
    using is_transparent = void;
    template <class A, class B>
    bool operator()(const A& a, const B& b) const {
      return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
    }
  };
  mutable std::shared_mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<Counter>, ValuesLess> samples_;
};

// A label value that may not be known yet (a conversation's language): "unknown" rather than "".
inline std::string_view or_unknown(const std::string& value) {
  return value.empty() ? std::string_view("unknown") : std::string_view(value);
}

class Metrics {
 public:
  // The family with this name, made on first call. Calls for one name must agree on help and labels
  // (std::logic_error otherwise), so each part of the bot can ask for the families it counts in.
  CounterFamily& counter(std::string_view name, std::string_view help, std::vector<std::string> label_names = {});

  // Every family, ordered by name.
  void render(PrometheusText& out) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<CounterFamily>, std::less<>> families_;
};

}  // namespace approdo
