// Two `approdo serve` instances behind a load balancer, sharing one PostgreSQL database: the webhooks of the
// same conversations are spread across both (each message to the other instance than the one before), and
// every person must get exactly the replies one instance alone gives them, once each, in the same order.
#include <doctest/doctest.h>

#include <map>

#include "tests/fake_provider.h"
#include "tests/pg_cluster.h"
#include "tests/running_bot.h"
#include "tests/telegram_chats.h"

namespace approdo {
namespace {

using testing::kStatefulConversation;
using testing::kTelegramSecret;
using testing::kTelegramToken;
using testing::telegram_update;

Config instance_config(const testing::FakeProvider& telegram, const std::string& store) {
  Config c = testing::telegram_config(telegram, store);
  c.dialogue_threads = 2;
  return c;
}

int post(const testing::RunningBot& bot, const std::string& body) {
  httplib::Headers h{{"X-Telegram-Bot-Api-Secret-Token", kTelegramSecret}};
  auto r = bot.client().Post("/webhooks/telegram", h, body, "application/json");
  return r ? r->status : -1;
}

// The texts Telegram was asked to send, per chat, in the order asked.
std::map<std::string, std::vector<std::string>> sent_by_chat(const std::vector<testing::FakeProvider::Request>& rs) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& r : rs) {
    if (r.path != "/bot" + kTelegramToken + "/sendMessage") continue;
    auto body = nlohmann::json::parse(r.body);
    out[body["chat_id"].dump()].push_back(body["text"].get<std::string>());
  }
  return out;
}

size_t send_count(const std::vector<testing::FakeProvider::Request>& rs) {
  size_t n = 0;
  for (const auto& r : rs) n += r.path == "/bot" + kTelegramToken + "/sendMessage";
  return n;
}

// What one instance on SQLite answers to kStatefulConversation, message by message.
std::vector<std::string> reference_replies() {
  testing::FakeProvider telegram({200, testing::read_fixture("telegram/send_ok.json")});
  testing::RunningBot bot(instance_config(telegram, ""));
  size_t expected = 0;
  for (size_t n = 0; n < kStatefulConversation.size(); ++n) {
    REQUIRE(post(bot, telegram_update(777, static_cast<int>(n), kStatefulConversation[n])) == 200);
    bot.app().workers().wait_idle();
    // Wait for this message's replies before the next, so the reference is the calm, one-at-a-time answer.
    for (int i = 0; i < 200 && bot.app().store().outbox_with_status("pending") +
                                       bot.app().store().outbox_with_status("sending") > 0;
         ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    expected = send_count(telegram.requests());
  }
  auto sent = sent_by_chat(telegram.wait_for(expected));
  REQUIRE(sent.size() == 1);
  return sent.begin()->second;
}

TEST_CASE("two instances on one PostgreSQL database answer every message exactly once, in order") {
  const auto reference = reference_replies();
  REQUIRE(reference.size() > kStatefulConversation.size());

  const std::string url = testing::PgCluster::shared().new_database();
  const std::map<std::string, std::string> env = {{"APPRODO_SECRET_KEY", std::string(64, '1') + std::string(64, '2')}};
  testing::FakeProvider telegram({200, testing::read_fixture("telegram/send_ok.json")});
  testing::RunningBot one(instance_config(telegram, url), {}, env);
  testing::RunningBot two(instance_config(telegram, url), {}, env);
  const testing::RunningBot* instances[] = {&one, &two};

  const int kPeople = 12;
  for (size_t n = 0; n < kStatefulConversation.size(); ++n)
    for (int p = 0; p < kPeople; ++p) {
      // Alternate instances per message and per person, so each conversation hops between them.
      const auto& bot = *instances[(n + p) % 2];
      CHECK(post(bot, telegram_update(5000 + p, static_cast<int>(n), kStatefulConversation[n])) == 200);
    }
  // A provider retrying some webhooks, at the other instance: answered once all the same.
  for (int p = 0; p < kPeople; p += 3)
    CHECK(post(*instances[p % 2], telegram_update(5000 + p, 0, kStatefulConversation[0])) == 200);

  const size_t expected = reference.size() * kPeople;
  auto requests = telegram.wait_for(expected);
  for (int i = 0; i < 20 && send_count(requests) < expected; ++i) requests = telegram.wait_for(expected);
  one.app().workers().wait_idle();
  two.app().workers().wait_idle();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // time for any duplicate to show up
  requests = telegram.requests();
  CHECK(send_count(requests) == expected);
  auto sent = sent_by_chat(requests);
  CHECK(sent.size() == static_cast<size_t>(kPeople));
  for (const auto& [chat, texts] : sent) {
    const std::string& chat_id = chat;  // a copy INFO's lambda may capture (clang: no structured bindings)
    INFO("chat " << chat_id);
    CHECK(texts == reference);
  }
  CHECK(one.app().store().count("messages") == static_cast<int64_t>(kStatefulConversation.size()) * kPeople);
  CHECK(one.app().workers().turns_processed() > 0);
  CHECK(two.app().workers().turns_processed() > 0);
}

}  // namespace
}  // namespace approdo
