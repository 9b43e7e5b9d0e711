// Provider faults: the WhatsApp API is down (connection refused) when people write, then comes up answering
// 500, 429 with Retry-After, 503, timeouts (no answer within our timeout) and slow answers, in between
// successes. Every reply must arrive exactly once and in order per person, as in a run without faults.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "adapters/whatsapp/whatsapp.h"
#include "tests/running_bot.h"
#include "tests/whatsapp_people.h"

namespace approdo {
namespace {

using testing::FakeProvider;

constexpr const char* kAppSecret = "fault-test-secret";
const std::vector<std::string> kScript = {"hi", "1", "how do I get a tax code?", "more"};
constexpr int kPeople = 3;

// A loopback port nobody listens on (yet).
int unused_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

Config whatsapp_config(int api_port) {
  Config config;
  config.webchat = false;
  config.whatsapp.phone_number_id = "106540352242922";
  config.whatsapp.access_token = "EAAG";
  config.whatsapp.app_secret = kAppSecret;
  config.whatsapp.api_base = "http://127.0.0.1:" + std::to_string(api_port);
  config.whatsapp.timeout_ms = 400;
  return config;
}

void send_script(testing::RunningBot& bot) {
  auto c = bot.client();
  for (std::size_t i = 0; i < kScript.size(); ++i)
    for (int p = 0; p < kPeople; ++p) {
      std::string body = testing::whatsapp_text(testing::phone_of(p), static_cast<int>(i), kScript[i]);
      auto res = c.Post("/webhooks/whatsapp", {{"X-Hub-Signature-256", whatsapp::signature(kAppSecret, body)}}, body,
                        "application/json");
      REQUIRE(res);
      REQUIRE(res->status == 200);
    }
}

TEST_CASE("provider faults (refused, 500, 429, 503, timeouts, slow): every reply arrives once, in order") {
  const std::string ok = testing::read_fixture("whatsapp/send_ok.json");
  std::map<std::string, std::vector<std::string>> want;
  std::size_t replies = 0;
  {
    FakeProvider healthy({200, ok});
    testing::RunningBot bot(whatsapp_config(healthy.port()));
    send_script(bot);
    bot.app().workers().wait_idle();
    testing::settle(healthy, kScript.size());
    want = testing::accepted_by_recipient(healthy);
    for (const auto& [to, r] : want) replies += r.size();
  }
  REQUIRE(want.size() == kPeople);

  int port = unused_port();
  delivery::RetryPolicy fast;
  fast.first_backoff_ms = 40;
  fast.max_backoff_ms = 400;
  fast.max_attempts = 40;
  testing::RunningBot bot(whatsapp_config(port), fast);
  send_script(bot);  // the provider is down: every first attempt is refused
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(bot.app().store().outbox_with_status("sent") == 0);

  FakeProvider api({200, ok}, port);
  const std::string rate = R"({"error":{"message":"(#130429) Rate limit hit","type":"OAuthException","code":130429}})";
  const std::string down = R"({"error":{"message":"Service temporarily unavailable","code":2}})";
  for (int round = 0; round < 3; ++round) {
    api.queue({500, down});
    api.queue({200, ok, 150});  // slow, but within our timeout: accepted once
    api.queue({429, rate});
    api.queue({200, ok});
    api.queue({504, down, 700});  // no answer within our 400 ms: a timeout; the provider did not take it
    api.queue({503, down});
    api.queue({200, ok});
  }
  testing::settle(api, replies + 3 * 4);
  int repeats = testing::check_same_replies(want, testing::accepted_by_recipient(api));
  CHECK(repeats == 0);  // nothing the provider accepted was sent again
  CHECK(bot.app().store().outbox_with_status("sent") == static_cast<int64_t>(replies));
  CHECK(bot.app().store().outbox_with_status("dead") == 0);
  CHECK(api.requests().size() >= replies + 3 * 4);  // the faults were really met
}

}  // namespace
}  // namespace approdo
