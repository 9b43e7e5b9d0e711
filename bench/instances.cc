// bench_instances: whole-trip throughput — Telegram webhooks in over loopback HTTP, recorded, answered by the
// dialogue, sent to a local Telegram stand-in — for one instance on SQLite (the baseline), one instance on
// PostgreSQL, and two instances sharing one PostgreSQL database (each conversation's messages alternating
// between them, as behind a load balancer without sticky sessions). PostgreSQL is a throwaway cluster on
// loopback (tests/pg_cluster.h). Client threads post each conversation's messages one after the other, as
// Telegram does per chat. Reports the median of the runs and the ratio to the SQLite baseline.
//
// Everything shares this machine's cores (server, database, load and stand-in): compare the ratios, not the
// absolute numbers, with a production server.
#define DOCTEST_CONFIG_DISABLE  // the test helpers' diagnostics are doctest macros; off here
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "tests/fake_provider.h"
#include "tests/pg_cluster.h"
#include "tests/running_bot.h"
#include "tests/telegram_chats.h"

namespace {

using namespace approdo;

using testing::kStatefulConversation;
using testing::kTelegramSecret;
using testing::telegram_config;
using testing::telegram_update;

constexpr int kPeople = 120;
constexpr int kClientThreads = 8;
constexpr int kRuns = 3;

struct Trip {
  double seconds = 0;
  size_t replies = 0;
};

// Posts every conversation through `bots` (message n of person p to bots[(n + p) % size]) and waits until
// Telegram was asked to send `expected` replies (0: until the sends stop growing for a second).
Trip run(const std::vector<testing::RunningBot*>& bots, testing::FakeProvider& telegram, int people,
         size_t expected) {
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  std::atomic<int> failures{0};
  for (int t = 0; t < kClientThreads; ++t)
    clients.emplace_back([&, t] {
      std::vector<httplib::Client> conns;
      for (auto* b : bots) conns.push_back(b->client());
      httplib::Headers h{{"X-Telegram-Bot-Api-Secret-Token", kTelegramSecret}};
      for (int p = t; p < people; p += kClientThreads)
        for (size_t n = 0; n < kStatefulConversation.size(); ++n) {
          auto r = conns[(n + p) % conns.size()].Post("/webhooks/telegram", h,
                                                      telegram_update(900000 + p, static_cast<int>(n), kStatefulConversation[n]),
                                                      "application/json");
          if (!r || r->status != 200) ++failures;
        }
    });
  for (auto& c : clients) c.join();
  size_t seen = 0;
  auto last_change = std::chrono::steady_clock::now();
  for (;;) {
    size_t now = telegram.requests().size();
    if (now != seen) {
      seen = now;
      last_change = std::chrono::steady_clock::now();
    }
    if (expected ? seen >= expected : std::chrono::steady_clock::now() - last_change > std::chrono::seconds(1)) break;
    if (std::chrono::steady_clock::now() - last_change > std::chrono::seconds(30)) {
      std::fprintf(stderr, "stalled at %zu of %zu replies\n", seen, expected);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (failures) std::fprintf(stderr, "%d webhooks failed\n", failures.load());
  Trip trip;
  trip.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  trip.replies = seen;
  return trip;
}

// Median replies per second over kRuns, each on a fresh database and fresh instances.
double measure(const char* name, int instances, bool postgresql, size_t expected) {
  std::vector<double> rates;
  const std::map<std::string, std::string> env = {{"APPRODO_SECRET_KEY", std::string(128, '7')}};
  for (int r = 0; r < kRuns; ++r) {
    testing::FakeProvider telegram({200, testing::read_fixture("telegram/send_ok.json")});
    std::string store = postgresql ? testing::PgCluster::shared().new_database() : "";
    std::vector<std::unique_ptr<testing::RunningBot>> bots;
    for (int i = 0; i < instances; ++i)
      bots.push_back(std::make_unique<testing::RunningBot>(telegram_config(telegram, store), delivery::RetryPolicy{}, env));
    std::vector<testing::RunningBot*> raw;
    for (auto& b : bots) raw.push_back(b.get());
    Trip trip = run(raw, telegram, kPeople, expected);
    rates.push_back(trip.replies / trip.seconds);
    std::printf("  %-34s run %d: %zu replies in %.2f s\n", name, r + 1, trip.replies, trip.seconds);
  }
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

}  // namespace

int main() {
  // How many replies the conversation gets: one person, one instance, until the sends stop.
  size_t per_person = 0;
  {
    testing::FakeProvider telegram({200, testing::read_fixture("telegram/send_ok.json")});
    testing::RunningBot bot(telegram_config(telegram, ""));
    per_person = run({&bot}, telegram, 1, 0).replies;
  }
  const size_t expected = per_person * kPeople;
  std::printf("whole trips: %d people x %zu messages (%zu replies each), %d client threads, %d runs each\n", kPeople,
              kStatefulConversation.size(), per_person, kClientThreads, kRuns);
  double sqlite = measure("1 instance, SQLite (baseline)", 1, false, expected);
  double pg_one = measure("1 instance, PostgreSQL", 1, true, expected);
  double pg_two = measure("2 instances, one PostgreSQL", 2, true, expected);
  std::printf("\n%-34s %10s %8s\n", "median replies/s", "", "ratio");
  std::printf("%-34s %10.0f %8.2f\n", "1 instance, SQLite (baseline)", sqlite, 1.0);
  std::printf("%-34s %10.0f %8.2f\n", "1 instance, PostgreSQL", pg_one, pg_one / sqlite);
  std::printf("%-34s %10.0f %8.2f\n", "2 instances, one PostgreSQL", pg_two, pg_two / sqlite);
  return 0;
}
