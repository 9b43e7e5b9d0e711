// bench_instances: whole-trip throughput — WhatsApp webhooks in over loopback HTTP (signed as Meta signs them),
// recorded, answered by the dialogue, sent to a local WhatsApp API stand-in — for one instance on SQLite (the
// baseline), one instance on
// PostgreSQL, and two instances sharing one PostgreSQL database (each conversation's messages alternating
// between them, as behind a load balancer without sticky sessions). PostgreSQL is a throwaway cluster on
// loopback (tests/pg_cluster.h). Client threads post each conversation's messages one after the other, as
// WhatsApp does per person. Reports the median of the runs and the ratio to the SQLite baseline. WhatsApp,
// not Telegram: the Telegram sender paces itself to Telegram's limits (1 s per chat, 30 a second), which
// would be all this measured.
//
// Everything shares this machine's cores (server, database, load and stand-in): compare the ratios, not the
// absolute numbers, with a production server.
#define DOCTEST_CONFIG_DISABLE  // the test helpers' diagnostics are doctest macros; off here
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "adapters/whatsapp/whatsapp.h"
#include "tests/fake_provider.h"
#include "tests/pg_cluster.h"
#include "tests/running_bot.h"
#include "tests/telegram_chats.h"  // kStatefulConversation
#include "tests/whatsapp_people.h"

namespace {

using namespace approdo;

using testing::kStatefulConversation;

const std::string kAppSecret = "bench-app-secret";

Config whatsapp_config(const testing::FakeProvider& api, const std::string& store) {
  Config c;
  c.store = store;
  c.whatsapp.phone_number_id = "106540352242922";
  c.whatsapp.access_token = "EAAG";
  c.whatsapp.app_secret = kAppSecret;
  c.whatsapp.api_base = api.base_url();
  return c;
}

constexpr int kPeople = 120;
constexpr int kClientThreads = 8;
constexpr int kRuns = 3;

struct Trip {
  double seconds = 0;
  size_t replies = 0;
};

// Posts every conversation through `bots` (message n of person p to bots[(n + p) % size]) and waits until
// the WhatsApp API was asked to send `expected` replies (0: until the sends stop growing for a second).
Trip run(const std::vector<testing::RunningBot*>& bots, testing::FakeProvider& api, int people, size_t expected) {
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> clients;
  std::atomic<int> failures{0};
  for (int t = 0; t < kClientThreads; ++t)
    clients.emplace_back([&, t] {
      std::vector<httplib::Client> conns;
      for (auto* b : bots) conns.push_back(b->client());
      for (int p = t; p < people; p += kClientThreads)
        for (size_t n = 0; n < kStatefulConversation.size(); ++n) {
          std::string body =
              testing::whatsapp_text(testing::phone_of(p), static_cast<int>(n), kStatefulConversation[n]);
          httplib::Headers h{{"X-Hub-Signature-256", whatsapp::signature(kAppSecret, body)}};
          auto r = conns[(n + p) % conns.size()].Post("/webhooks/whatsapp", h, body, "application/json");
          if (!r || r->status != 200) ++failures;
        }
    });
  for (auto& c : clients) c.join();
  size_t seen = 0;
  auto last_change = std::chrono::steady_clock::now();
  for (;;) {
    size_t now = api.requests().size();
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
    testing::FakeProvider api({200, testing::read_fixture("whatsapp/send_ok.json")});
    std::string store = postgresql ? testing::PgCluster::shared().new_database() : "";
    std::vector<std::unique_ptr<testing::RunningBot>> bots;
    for (int i = 0; i < instances; ++i)
      bots.push_back(
          std::make_unique<testing::RunningBot>(whatsapp_config(api, store), delivery::RetryPolicy{}, env));
    std::vector<testing::RunningBot*> raw;
    for (auto& b : bots) raw.push_back(b.get());
    Trip trip = run(raw, api, kPeople, expected);
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
    testing::FakeProvider api({200, testing::read_fixture("whatsapp/send_ok.json")});
    testing::RunningBot bot(whatsapp_config(api, ""));
    per_person = run({&bot}, api, 1, 0).replies;
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
