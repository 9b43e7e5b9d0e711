// bench/metrics: what counting costs on the hot paths (dialogue workers, senders, the HTTP pool count on many
// threads at once). Nanoseconds per count, median of 7 rounds, on 1, 2, 4 and 8 threads all counting into the
// same family, for:
//   - the baseline: a bare relaxed fetch_add on one shared std::atomic (the least any shared counter costs);
//   - a Counter& kept by the caller (fixed labels: turns, retries per channel);
//   - a labelled sample found on every count (`with({channel, lang})`, 24 samples: messages per channel and
//     language, as the dialogue and senders count them);
// and the time to render a page of 300 samples (what one scrape costs the counting threads: they wait only on
// the family being read, never on the text). Ratios are to the baseline measured in the same run.
//
// Usage: bench_metrics [counts per thread per round, default 2,000,000]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "bot/core/metrics.h"

namespace {

using namespace approdo;
using Clock = std::chrono::steady_clock;

const char* const kChannels[] = {"telegram", "whatsapp", "twilio", "webchat"};
const char* const kLangs[] = {"en", "fr", "ar", "fa", "ps", "uk"};

// Runs `count(thread, i)` `per_thread` times on each of `threads` threads; returns ns per count (wall time
// divided by counts per thread: the cost each counting thread sees).
double ns_per_count(int threads, long per_thread, const std::function<void(int, long)>& count) {
  std::vector<double> rounds;
  for (int round = 0; round < 7; ++round) {
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        ++ready;
        while (!go) std::this_thread::yield();
        for (long i = 0; i < per_thread; ++i) count(t, i);
      });
    while (ready < threads) std::this_thread::yield();
    auto t0 = Clock::now();
    go = true;
    for (auto& th : pool) th.join();
    rounds.push_back(std::chrono::duration<double, std::nano>(Clock::now() - t0).count() /
                     static_cast<double>(per_thread));
  }
  std::sort(rounds.begin(), rounds.end());
  return rounds[rounds.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  long per_thread = argc > 1 ? std::atol(argv[1]) : 2'000'000;
  std::printf("ns per count, median of 7 rounds, %ld counts per thread (%u cores)\n\n", per_thread,
              std::thread::hardware_concurrency());
  std::printf("| threads | bare atomic (baseline) | kept Counter& | of baseline | with({channel, lang}) "
              "| of baseline |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|\n");
  for (int threads : {1, 2, 4, 8}) {
    std::atomic<int64_t> bare{0};
    Metrics metrics;
    Counter& kept = metrics.counter("approdo_kept_total", "Kept.").with({});
    CounterFamily& family = metrics.counter("approdo_labelled_total", "Labelled.", {"channel", "lang"});
    double base = ns_per_count(threads, per_thread, [&](int, long) { bare.fetch_add(1, std::memory_order_relaxed); });
    double k = ns_per_count(threads, per_thread, [&](int, long) { kept.add(); });
    double l = ns_per_count(threads, per_thread,
                            [&](int t, long i) { family.with({kChannels[(t + i) & 3], kLangs[i % 6]}).add(); });
    std::printf("| %d | %.1f | %.1f | %.1fx | %.1f | %.1fx |\n", threads, base, k, k / base, l, l / base);
    if (kept.value() != 7 * threads * per_thread || family.value({"telegram", "en"}) == 0) {
      std::fprintf(stderr, "counts lost\n");
      return 1;
    }
  }

  Metrics page;
  for (int f = 0; f < 12; ++f) {
    auto& family = page.counter("approdo_family_" + std::to_string(f) + "_total", "A family.", {"channel", "lang"});
    for (const char* c : kChannels)
      for (const char* l : kLangs) family.with({c, l}).add(f + 1);
  }
  std::vector<double> us;
  std::size_t bytes = 0;
  for (int i = 0; i < 201; ++i) {
    auto t0 = Clock::now();
    PrometheusText out;
    page.render(out);
    bytes = out.text().size();
    us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  std::sort(us.begin(), us.end());
  std::printf("\nrender 12 families x 24 samples (%zu bytes): median %.1f us, p95 %.1f us\n", bytes, us[100],
              us[190]);
  return 0;
}
