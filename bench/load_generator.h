// LoadGenerator: posts signed webhooks to a server over keep-alive connections, one thread per connection, as
// a provider does, and times each acknowledgement. Two ways to load:
//   - closed loop: every connection posts again as soon as it has its answer (the most the server can take);
//   - open loop: requests are due at a fixed rate whatever the server does; a request's latency is counted
//     from when it was due, so a server that falls behind shows it (no coordinated omission).
// The first `warmup` of a run is not counted.
//
// Thread-safety: run() from one thread; it starts and joins its own.
#pragma once

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdint>
#include <thread>
#include <vector>

#include "bench/load_conversations.h"
#include "bench/load_latencies.h"
#include "bench/load_reply_sink.h"
#include "bench/load_webhooks.h"

namespace approdo::bench {

struct LoadShape {
  int connections = 32;
  double seconds = 5;
  double warmup_seconds = 1;
  double rate = 0;  // requests per second, open loop; 0 = closed loop
};

struct LoadResult {
  int64_t acknowledged = 0;  // 200 answers that arrived within the measured window
  int64_t unsent = 0;        // open loop: requests that fell due but could not be sent before the end
  int64_t failed = 0;        // anything else (errors, refusals, no answer)
  int64_t posted_ok = 0;     // 200 answers in the whole run, warm-up included
  double seconds = 0;        // the measured window
  Latencies acks;
  double rate() const { return seconds > 0 ? static_cast<double>(acknowledged) / seconds : 0; }
};

inline LoadResult run_load(int port, const Webhooks& webhooks, Conversations& people, const LoadShape& shape) {
  const int64_t start = steady_ns();
  const int64_t measure_from = start + static_cast<int64_t>(shape.warmup_seconds * 1e9);
  const int64_t end = measure_from + static_cast<int64_t>(shape.seconds * 1e9);
  people.measure(measure_from, end);
  std::atomic<int64_t> next{0};
  std::vector<LoadResult> per_thread(static_cast<std::size_t>(shape.connections));
  std::vector<std::thread> threads;
  for (int c = 0; c < shape.connections; ++c) {
    threads.emplace_back([&, c] {
      LoadResult& r = per_thread[static_cast<std::size_t>(c)];
      httplib::Client client("127.0.0.1", port);
      client.set_tcp_nodelay(true);
      client.set_keep_alive(true);
      client.set_connection_timeout(5, 0);
      client.set_read_timeout(30, 0);
      for (;;) {
        int64_t due = steady_ns();
        if (shape.rate > 0) {
          int64_t i = next++;
          due = start + static_cast<int64_t>(static_cast<double>(i) * 1e9 / shape.rate);
          if (due >= end) break;
          if (steady_ns() >= end) {  // too far behind: what is still due is not sent
            r.unsent += (end - due) * static_cast<int64_t>(shape.rate) / 1'000'000'000 + 1;
            next = INT64_MAX / 2;
            break;
          }
          int64_t wait = due - steady_ns();
          if (wait > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(wait));
        } else if (due >= end) {
          break;
        }
        auto turn = people.next(steady_ns(), due);
        Webhook w = webhooks.build(turn);
        auto res = client.Post(w.path, {{w.signature_header, w.signature}}, w.body, w.content_type);
        int64_t done = steady_ns();
        bool ok = res && res->status == 200;
        if (!ok) people.abandoned(turn.person);
        r.posted_ok += ok;
        if (ok && done >= measure_from && done < end) ++r.acknowledged;
        if (due < measure_from || due >= end) continue;
        if (!ok) {
          ++r.failed;
          continue;
        }
        r.acks.add(done - due);
      }
    });
  }
  for (auto& t : threads) t.join();
  LoadResult total;
  total.seconds = shape.seconds;
  for (auto& r : per_thread) {
    total.acknowledged += r.acknowledged;
    total.failed += r.failed;
    total.posted_ok += r.posted_ok;
    total.unsent = std::max(total.unsent, r.unsent);  // every thread that stops early sees the same rest
    total.acks.merge(r.acks);
  }
  return total;
}

}  // namespace approdo::bench
