// /metrics through the real pipeline: people write on Telegram (English) and WhatsApp (French) through the
// real webhooks, and in the web chat; one question is answered, one gets "did you mean", one is not
// understood, one person is in danger; WhatsApp fails once and then takes the reply, Telegram refuses one
// reply for good; an editor breaks the content and fixes it; a caseworker answers the urgent ticket. Every
// figure of /metrics is checked against what was sent and what the stand-in providers accepted, and every line
// of the page against the exposition format.
#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "adapters/whatsapp/whatsapp.h"
#include "tests/prometheus_parser.h"
#include "tests/content_edit.h"
#include "tests/running_bot.h"
#include "tests/telegram_chats.h"
#include "tests/whatsapp_people.h"

namespace approdo {
namespace {

namespace fs = std::filesystem;
using testing::FakeProvider;

constexpr const char* kAppSecret = "metrics-test-secret";

int accepted(FakeProvider& api) {
  int n = 0;
  for (const auto& r : api.requests()) n += r.status >= 200 && r.status < 300;
  return n;
}

class MetricsScene {
 public:
  MetricsScene() : telegram_({200, testing::read_fixture("telegram/send_ok.json")}),
                   whatsapp_({200, testing::read_fixture("whatsapp/send_ok.json")}) {
    fs::copy(testing::source_dir() + "/content", content_.path(), fs::copy_options::recursive);
    Config config = testing::telegram_config(telegram_, "");
    config.whatsapp.phone_number_id = "106540352242922";
    config.whatsapp.access_token = "EAAG";
    config.whatsapp.app_secret = kAppSecret;
    config.whatsapp.api_base = whatsapp_.base_url();
    config.content_dir = content_.path().string();
    config.content_check_ms = 50;
    delivery::RetryPolicy fast;
    fast.first_backoff_ms = 30;
    fast.max_backoff_ms = 100;
    bot_ = std::make_unique<testing::RunningBot>(config, fast);
  }

  testing::RunningBot& bot() { return *bot_; }
  FakeProvider& telegram() { return telegram_; }
  FakeProvider& whatsapp() { return whatsapp_; }
  const fs::path& content() const { return content_.path(); }

  void telegram_says(int64_t chat, const std::string& text) {
    auto res = bot_->client().Post("/webhooks/telegram",
                                   {{"X-Telegram-Bot-Api-Secret-Token", testing::kTelegramSecret}},
                                   testing::telegram_update(chat, ++sent_, text), "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    bot_->app().workers().wait_idle();
  }
  void whatsapp_says(int person, const std::string& text) {
    std::string body = testing::whatsapp_text(testing::phone_of(person), ++sent_, text);
    auto res = bot_->client().Post("/webhooks/whatsapp",
                                   {{"X-Hub-Signature-256", whatsapp::signature(kAppSecret, body)}}, body,
                                   "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    bot_->app().workers().wait_idle();
  }

  testing::ParsedMetrics metrics() {
    auto res = bot_->client().Get("/metrics");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    CHECK(res->get_header_value("Content-Type") == "text/plain; version=0.0.4");
    auto parsed = testing::parse_prometheus(res->body);
    INFO(res->body);
    REQUIRE(parsed.error == "");
    return parsed;
  }
  // /metrics once `ready` holds for it (senders count just after the provider answered), within 10 s.
  template <typename Pred>
  testing::ParsedMetrics metrics_when(Pred ready) {
    for (int i = 0; i < 400; ++i) {
      auto m = metrics();
      if (ready(m)) return m;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    return metrics();
  }

 private:
  FakeProvider telegram_, whatsapp_;
  testing::ScratchDir content_;
  std::unique_ptr<testing::RunningBot> bot_;
  int sent_ = 0;
};

TEST_CASE("/metrics counts what went through the webhooks, exactly, and parses as Prometheus text") {
  MetricsScene scene;
  auto before = scene.metrics();
  CHECK(before.value("approdo_knowledge_reloads_total{result=\"ok\"}") == 0);
  CHECK(before.value("approdo_knowledge_reloads_total{result=\"refused\"}") == 0);
  CHECK(before.value("approdo_tickets_waiting{priority=\"urgent\"}") == 0);
  CHECK(before.value("approdo_ticket_oldest_wait_seconds{priority=\"urgent\"}") == 0);

  // Telegram refuses the first reply to chat 4 for good (the person blocked the bot): a dead letter.
  scene.telegram().queue({403, testing::read_fixture("telegram/send_403.json")});
  scene.telegram_says(4, "how do I get a tax code?");  // confident: welcome line + answer
  scene.telegram().wait_for(2);
  // English on Telegram: answered, "did you mean", not understood; a person in danger.
  scene.telegram_says(1, "how do I get a tax code?");  // confident: welcome line + answer
  scene.telegram_says(1, "documents");                 // close call: "did you mean" list + hint
  scene.telegram_says(1, "xyzzy blorf quux zorgle");   // no match: one message with the menu
  scene.telegram_says(3, "someone is hitting me");     // urgent: numbers, the article, the ticket line
  // French on WhatsApp; the API fails once (500) and then takes the reply.
  scene.whatsapp().queue({500, R"({"error":{"message":"Service temporarily unavailable","code":2}})"});
  scene.whatsapp_says(2, "comment obtenir le code fiscal ?");  // confident
  scene.whatsapp_says(2, "xyzzy blorf quux zorgle");           // no match (not "plonk": it is a typo of "plonge", dishwashing)
  // The web chat, pulled by the page.
  testing::WebChatUser page(scene.bot(), "abcdefabcdefabcdefabcdefabcdef01");
  REQUIRE(page.send("how do I get a tax code?") == 202);
  CHECK(page.replies(2).size() == 2);

  const int telegram_replies = 2 + 2 + 2 + 1 + 3;  // chat 4, chat 1 (three messages), chat 3
  const int whatsapp_replies = 2 + 1;
  scene.telegram().wait_for(telegram_replies);
  scene.whatsapp().wait_for(whatsapp_replies + 1);
  auto m = scene.metrics_when([&](const testing::ParsedMetrics& p) {
    return p.value("approdo_messages_sent_total{channel=\"telegram\",lang=\"en\"}") == telegram_replies - 1 &&
           p.value("approdo_messages_sent_total{channel=\"whatsapp\",lang=\"fr\"}") == whatsapp_replies &&
           p.value("approdo_outbox_dead_letters_total{channel=\"telegram\"}") == 1;
  });
  // What the providers accepted is what was counted as sent.
  CHECK(accepted(scene.telegram()) == telegram_replies - 1);
  CHECK(accepted(scene.whatsapp()) == whatsapp_replies);
  CHECK(m.value("approdo_messages_sent_total{channel=\"telegram\",lang=\"en\"}") == telegram_replies - 1);
  CHECK(m.value("approdo_messages_sent_total{channel=\"whatsapp\",lang=\"fr\"}") == whatsapp_replies);
  CHECK(m.value("approdo_messages_sent_total{channel=\"webchat\",lang=\"en\"}") == 2);
  CHECK(m.sum("approdo_messages_sent_total") == telegram_replies - 1 + whatsapp_replies + 2);
  CHECK(m.value("approdo_outbox_retries_total{channel=\"whatsapp\"}") == 1);
  CHECK(m.value("approdo_outbox_retries_total{channel=\"telegram\"}") == 0);
  CHECK(m.value("approdo_outbox_dead_letters_total{channel=\"telegram\"}") == 1);
  CHECK(m.value("approdo_outbox_dead_letters_total{channel=\"whatsapp\"}") == 0);
  CHECK(m.value("approdo_outbox_dead") == 1);
  CHECK(m.value("approdo_outbox_pending") == 0);
  CHECK(m.value("approdo_outbox_held") == 0);

  // What came in, by channel and the language the dialogue settled on.
  CHECK(m.value("approdo_inbound_recorded_total") == 8);
  CHECK(m.value("approdo_turns_total") == 8);
  CHECK(m.value("approdo_messages_received_total{channel=\"telegram\",lang=\"en\"}") == 5);
  CHECK(m.value("approdo_messages_received_total{channel=\"whatsapp\",lang=\"fr\"}") == 2);
  CHECK(m.value("approdo_messages_received_total{channel=\"webchat\",lang=\"en\"}") == 1);
  CHECK(m.sum("approdo_messages_received_total") == 8);
  CHECK(m.value("approdo_match_outcomes_total{lang=\"en\",outcome=\"confident\"}") == 3);
  CHECK(m.value("approdo_match_outcomes_total{lang=\"en\",outcome=\"close_call\"}") == 1);
  CHECK(m.value("approdo_match_outcomes_total{lang=\"en\",outcome=\"no_match\"}") == 1);
  CHECK(m.value("approdo_match_outcomes_total{lang=\"fr\",outcome=\"confident\"}") == 1);
  CHECK(m.value("approdo_match_outcomes_total{lang=\"fr\",outcome=\"no_match\"}") == 1);
  CHECK(m.sum("approdo_match_outcomes_total") == 7);  // the urgent message is triaged, not matched
  CHECK(m.value("approdo_triage_urgent_total{category=\"violence\"}") == 1);
  CHECK(m.sum("approdo_triage_urgent_total") == 1);

  // The queue: the urgent ticket waits; nobody has answered a ticket yet.
  CHECK(m.value("approdo_tickets_waiting{priority=\"urgent\"}") == 1);
  CHECK(m.value("approdo_tickets_waiting{priority=\"normal\"}") == 0);
  CHECK(m.value("approdo_ticket_oldest_wait_seconds{priority=\"urgent\"}") > 0);
  CHECK(m.value("approdo_ticket_oldest_wait_seconds{priority=\"urgent\"}") < 60);
  CHECK(std::isnan(m.value("approdo_ticket_first_response_seconds{priority=\"urgent\",quantile=\"0.5\"}")));
  CHECK(m.value("approdo_tickets_answered_24h{priority=\"urgent\"}") == 0);

  // A caseworker answers the urgent ticket: it leaves the waiting count, its first response time shows.
  auto tickets = scene.bot().app().store().open_tickets();
  REQUIRE(tickets.size() == 1);
  REQUIRE(scene.bot().app().store().caseworker_reply(tickets[0].id, "ada", {"We are here.", {}, "en", "caseworker:ada"})
              .has_value());
  scene.bot().app().replies().ring();  // as the console does: the sender looks at once
  auto answered = *scene.bot().app().store().ticket(tickets[0].id);
  double response_s = static_cast<double>(answered.first_response_at - answered.opened_at) / 1000.0;
  m = scene.metrics_when([&](const testing::ParsedMetrics& p) {
    return p.value("approdo_messages_sent_total{channel=\"telegram\",lang=\"en\"}") == telegram_replies;
  });
  CHECK(m.value("approdo_messages_sent_total{channel=\"telegram\",lang=\"en\"}") == telegram_replies);
  CHECK(m.value("approdo_tickets_waiting{priority=\"urgent\"}") == 0);
  CHECK(m.value("approdo_ticket_oldest_wait_seconds{priority=\"urgent\"}") == 0);
  CHECK(m.value("approdo_tickets_answered_24h{priority=\"urgent\"}") == 1);
  CHECK(m.value("approdo_ticket_first_response_seconds{priority=\"urgent\",quantile=\"0.5\"}") == response_s);
  CHECK(m.value("approdo_ticket_first_response_seconds{priority=\"urgent\",quantile=\"1\"}") == response_s);
  CHECK(std::isnan(m.value("approdo_ticket_first_response_seconds{priority=\"normal\",quantile=\"0.5\"}")));

  // An editor breaks an article, then fixes it.
  const fs::path article = scene.content() / "articles/safety/emergency-numbers.yaml";
  auto& kb = scene.bot().app().knowledge();
  testing::replace_in_file(article, "    title: Emergency numbers", "    tittle: Emergency numbers");
  m = scene.metrics_when([](const testing::ParsedMetrics& p) {
    return p.value("approdo_knowledge_reloads_total{result=\"refused\"}") == 1;
  });
  CHECK(m.value("approdo_knowledge_reloads_total{result=\"refused\"}") == 1);
  CHECK(m.value("approdo_knowledge_reloads_total{result=\"ok\"}") == 0);
  CHECK(m.value("approdo_knowledge_reload_ok") == 0);
  CHECK(m.value("approdo_knowledge_version") == 1);
  CHECK(m.value("approdo_knowledge_errors") == static_cast<double>(kb.status().errors.size()));
  CHECK(m.sum("approdo_knowledge_error") >= 1);
  const double loaded_at = m.value("approdo_knowledge_loaded_timestamp_seconds");
  CHECK(loaded_at == static_cast<double>(kb.status().loaded_at_ms) / 1000.0);

  testing::replace_in_file(article, "    tittle: Emergency numbers", "    title: Emergency numbers (fixed)");
  m = scene.metrics_when([](const testing::ParsedMetrics& p) {
    return p.value("approdo_knowledge_reloads_total{result=\"ok\"}") == 1;
  });
  CHECK(m.value("approdo_knowledge_reloads_total{result=\"ok\"}") == 1);
  CHECK(m.value("approdo_knowledge_reloads_total{result=\"refused\"}") == 1);
  CHECK(m.value("approdo_knowledge_reload_ok") == 1);
  CHECK(m.value("approdo_knowledge_version") == 2);
  CHECK(m.value("approdo_knowledge_errors") == 0);
  CHECK(m.sum("approdo_knowledge_error") == 0);
  CHECK(m.value("approdo_knowledge_loaded_timestamp_seconds") > loaded_at);

  // Nothing was counted twice along the way.
  CHECK(m.value("approdo_turns_total") == 8);
  CHECK(m.value("approdo_turn_failures_total") == 0);
  CHECK(m.value("approdo_requests_refused_total") == 0);
}

}  // namespace
}  // namespace approdo
