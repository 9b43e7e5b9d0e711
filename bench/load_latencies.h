// Latencies: samples of one kind (acknowledgement, whole trip) in nanoseconds, and their percentiles.
// Not thread-safe: each thread keeps its own and they are merged after the run.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace approdo::bench {

class Latencies {
 public:
  void add(int64_t ns) {
    samples_.push_back(ns);
    sorted_ = false;
  }
  void merge(const Latencies& other) {
    samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
    sorted_ = false;
  }
  std::size_t count() const { return samples_.size(); }

  // The q-quantile (0..1) in milliseconds; 0 without samples.
  double quantile_ms(double q) {
    if (samples_.empty()) return 0;
    if (!sorted_) std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
    std::size_t i = std::min(samples_.size() - 1, static_cast<std::size_t>(q * static_cast<double>(samples_.size())));
    return static_cast<double>(samples_[i]) / 1e6;
  }
  double max_ms() { return quantile_ms(1.0); }

 private:
  std::vector<int64_t> samples_;
  bool sorted_ = false;
};

}  // namespace approdo::bench
