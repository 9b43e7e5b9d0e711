#include "bot/store/outbox_signal.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace approdo {
namespace {

using namespace std::chrono_literals;

// Starts `n` threads that each wait once on `channel` (up to `timeout`) and count themselves when they return.
struct Waiters {
  Waiters(OutboxSignal& signal, const std::string& channel, int n, std::chrono::milliseconds timeout) {
    uint64_t seen = signal.generation(channel);
    for (int i = 0; i < n; ++i)
      threads.emplace_back([&signal, channel, seen, timeout, this] {
        signal.wait_after(channel, seen, timeout);
        ++returned;
      });
  }
  ~Waiters() {
    for (auto& t : threads) t.join();
  }
  int settle() {  // what returned after the wake-ups had time to land
    std::this_thread::sleep_for(200ms);
    return returned.load();
  }
  std::atomic<int> returned{0};
  std::vector<std::thread> threads;
};

TEST_CASE("a ring for a channel wakes one of its senders; pass_on one more; ring() every one") {
  OutboxSignal signal;
  Waiters senders(signal, "whatsapp", 4, 5s);
  Waiters others(signal, "twilio", 2, 5s);
  std::this_thread::sleep_for(500ms);  // all six are waiting (a slow machine starts threads late)
  signal.ring("whatsapp");
  CHECK(senders.settle() == 1);
  CHECK(others.returned == 0);  // another channel's senders sleep on
  signal.pass_on("whatsapp");
  CHECK(senders.settle() == 2);
  signal.ring();  // e.g. shutting down
  CHECK(senders.settle() == 4);
  CHECK(others.settle() == 2);
}

TEST_CASE("a ring nobody waited for is not lost: the next wait returns at once") {
  OutboxSignal signal;
  uint64_t seen = signal.generation("twilio");
  signal.ring("twilio");
  auto start = std::chrono::steady_clock::now();
  signal.wait_after("twilio", seen, 5s);
  CHECK(std::chrono::steady_clock::now() - start < 1s);
}

TEST_CASE("a channel's ring wakes the general waiters (web chat, console) too") {
  OutboxSignal signal;
  uint64_t seen = signal.generation();
  std::thread ringer([&] {
    std::this_thread::sleep_for(50ms);
    signal.ring("webchat");
  });
  CHECK(signal.wait_after(seen, 5s) != seen);
  ringer.join();
}

}  // namespace
}  // namespace approdo
