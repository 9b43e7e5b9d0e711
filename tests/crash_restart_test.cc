// Crash safety with the real binary: signed WhatsApp webhooks are sent while `approdo serve` is killed with
// SIGKILL at random moments and started again. Every message must end up acknowledged (the test retries as
// Meta does until it gets a 200) and answered exactly once, in order per person: the replies a stand-in
// WhatsApp API receives are compared, per person, with a run of the same script that was never killed.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "adapters/whatsapp/whatsapp.h"
#include "tests/fake_provider.h"
#include "tests/served_binary.h"
#include "tests/whatsapp_people.h"

namespace approdo {
namespace {

using nlohmann::json;
using testing::FakeProvider;
using testing::phone_of;
using testing::ServedBinary;

constexpr const char* kAppSecret = "crash-test-secret";

const std::vector<std::string> kScript = {
    "hi", "1", "menu", "how do I get a tax code?", "more", "3", "bonjour, je cherche un médecin", "menu"};
constexpr int kPeople = 6;

std::string config_for(const FakeProvider& api) {
  return "webchat: false\nopening_hours: 24/7\nchannels:\n  whatsapp:\n    phone_number_id: '106540352242922'\n"
         "    access_token: EAAG\n    app_secret: " +
         std::string(kAppSecret) + "\n    api_base: " + api.base_url() + "\n";
}

// Sends the script (message i of every person, then i + 1), each message until it is acknowledged, `pause`
// apart (so that kills fall while messages arrive, not only after).
void send_script(const std::function<httplib::Client()>& client, std::chrono::milliseconds pause = {}) {
  for (std::size_t i = 0; i < kScript.size(); ++i)
    for (int p = 0; p < kPeople; ++p) {
      std::string body = testing::whatsapp_text(phone_of(p), static_cast<int>(i), kScript[i]);
      httplib::Headers h{{"X-Hub-Signature-256", whatsapp::signature(kAppSecret, body)}};
      for (int attempt = 0;; ++attempt) {
        REQUIRE(attempt < 400);  // 20 s of refusals: the server is not coming back
        auto res = client().Post("/webhooks/whatsapp", h, body, "application/json");
        if (res && res->status == 200) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      std::this_thread::sleep_for(pause);
    }
}

TEST_CASE("kill -9 at random moments: every acknowledged message is answered exactly once, in order") {
  // The same script on a server that is never killed gives the replies each person must get.
  FakeProvider reference_api({200, testing::read_fixture("whatsapp/send_ok.json")});
  {
    ServedBinary calm(config_for(reference_api));
    REQUIRE(calm.start());
    send_script([&] { return calm.client(); });
    testing::settle(reference_api, kScript.size() * kPeople);
    calm.stop();
  }
  auto want = testing::accepted_by_recipient(reference_api);
  REQUIRE(want.size() == kPeople);

  FakeProvider api({200, testing::read_fixture("whatsapp/send_ok.json")});
  ServedBinary bot(config_for(api));
  REQUIRE(bot.start());
  std::atomic<bool> done{false}, restart_failed{false};
  std::atomic<int> kills{0};
  std::mutex restart_mu;  // the sender asks for a client while the killer restarts
  unsigned seed = std::random_device{}();
  CAPTURE(seed);
  std::thread killer([&] {
    std::mt19937 rng(seed);
    while (!done) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100 + rng() % 500));
      if (done) break;
      std::lock_guard lock(restart_mu);
      bot.kill_hard();
      ++kills;
      if (rng() % 2) std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 200));  // down for a while
      if (!bot.start()) {
        restart_failed = true;
        return;
      }
    }
  });
  send_script(
      [&] {
        std::lock_guard lock(restart_mu);
        return bot.client();
      },
      std::chrono::milliseconds(60));
  done = true;
  killer.join();
  REQUIRE(!restart_failed);
  std::size_t want_total = 0;
  for (const auto& [to, replies] : want) want_total += replies.size();
  testing::settle(api, want_total);
  CHECK(kills >= 3);

  // A reply that was on its way to the provider at the moment of a kill cannot be known to have arrived (no
  // provider takes an idempotency key), and claims are kept in memory, not in the file: it is sent again after
  // the restart, right after itself (check_same_replies allows only that). The outbox sends a person's replies
  // one at a time, so each kill can repeat at most one reply per person.
  int resent_seen = testing::check_same_replies(want, testing::accepted_by_recipient(api));
  CHECK(resent_seen <= kills.load() * kPeople);
  MESSAGE(kills.load() << " kills, " << want_total << " replies, " << resent_seen << " resent after a kill mid-send");
  bot.stop();
}

}  // namespace
}  // namespace approdo
