#include "adapters/telegram/telegram.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <nlohmann/json.hpp>

#include "tests/fake_provider.h"
#include "tests/running_bot.h"
#include "tests/test_support.h"

namespace approdo::telegram {
namespace {

using nlohmann::json;
using testing::FakeProvider;
using testing::read_fixture;
using Kind = InboundMessage::Kind;

TEST_CASE("Telegram updates parse into messages (table of documented payloads)") {
  struct Case {
    const char* fixture;
    std::size_t messages;
    Kind kind;
    const char* address;
    const char* text;
    const char* media;
  };
  const Case cases[] = {
      {"text_message.json", 1, Kind::kText, "5550001", "hi", ""},
      {"start_payload.json", 1, Kind::kText, "5550002", "/start", ""},
      {"callback_query.json", 1, Kind::kChoice, "5550001", "lang:fa", ""},
      {"photo.json", 1, Kind::kMedia, "5550001", "this is my paper from questura", "photo"},
      {"voice.json", 1, Kind::kMedia, "5550001", "", "voice"},
      {"blocked.json", 1, Kind::kBlocked, "5550001", "", ""},
      {"edited_message.json", 0, Kind::kText, "", "", ""},
      {"group_message.json", 0, Kind::kText, "", "", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.fixture));
    auto r = parse_update(read_fixture(std::string("telegram/") + c.fixture));
    CHECK(r.status == 200);
    REQUIRE(r.messages.size() == c.messages);
    if (!c.messages) continue;
    const auto& m = r.messages[0];
    CHECK(m.channel == "telegram");
    CHECK(m.kind == c.kind);
    CHECK(m.address == c.address);
    CHECK(m.text == c.text);
    CHECK(m.media == c.media);
    CHECK(m.provider_id.rfind("u1000000", 0) == 0);
  }
  CHECK(parse_update(read_fixture("telegram/start_payload.json")).messages[0].start_payload == "poster-trieste");
}

TEST_CASE("bad Telegram bodies are refused with a clear error") {
  struct Case {
    std::string body;
    const char* error;
  };
  const Case cases[] = {
      {"", "not a Telegram Update"},
      {"{", "not a Telegram Update"},
      {"[]", "not a Telegram Update"},
      {R"({"update_id":"1"})", "not a Telegram Update"},
      {"{\"update_id\":1,\"message\":{\"text\":\"\xff\"}}", "UTF-8"},
      {std::string(100, '[') + std::string(100, ']'), "nested too deeply"},
      {R"({"update_id":1,"message":{"text":"hi"}})", "message without chat"},
      {R"({"update_id":1,"message":{"chat":{"id":5,"type":"private"},"text":42}})", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body.substr(0, 60));
    auto r = parse_update(c.body);
    if (std::string(c.error).empty()) {
      CHECK(r.status == 200);  // a text that is not a string: nothing to record, nothing to retry
      CHECK(r.messages.empty());
      continue;
    }
    CHECK(r.status == 400);
    CHECK(r.error.find(c.error) != std::string::npos);
    CHECK(r.messages.empty());
  }
}

TEST_CASE("a wrong or missing secret token is refused before parsing") {
  TelegramConfig config;
  config.bot_token = "123:abc";
  config.secret_token = "s3cret-token";
  TelegramChannel ch(config);
  HttpRequest req;
  req.method = "POST";
  req.path = "/webhooks/telegram";
  req.body = read_fixture("telegram/text_message.json");
  CHECK(ch.handle(req).status == 401);
  req.headers["x-telegram-bot-api-secret-token"] = "s3cret-tokeN";
  CHECK(ch.handle(req).status == 401);
  req.headers["x-telegram-bot-api-secret-token"] = "s3cret-token";
  CHECK(ch.handle(req).messages.size() == 1);
  config.secret_token = "";
  TelegramChannel open(config);
  CHECK(open.handle(req).status == 403);
}

TEST_CASE("sending: keyboard for choices, long text split, provider errors classified") {
  FakeProvider api({200, read_fixture("telegram/send_ok.json")});
  TelegramConfig config;
  config.bot_token = "123:abc";
  config.api_base = api.base_url();
  TelegramChannel ch(config);

  auto r = ch.send("5550001", {"Choose:", {{"lang:fa", "دری"}, {"lang:en", "English"}}, "en", "x"});
  CHECK(r.outcome == SendResult::Outcome::kSent);
  CHECK(r.provider_message_id == "201");
  auto reqs = api.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].path == "/bot123:abc/sendMessage");
  auto body = json::parse(reqs[0].body);
  CHECK(body["chat_id"] == "5550001");
  CHECK(body["text"] == "Choose:");
  CHECK(body["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "lang:fa");
  CHECK(body["reply_markup"]["inline_keyboard"][1][0]["text"] == "English");

  std::string long_text;
  for (int i = 0; i < 600; ++i) long_text += "Sentence number " + std::to_string(i) + ". ";
  CHECK(ch.send("5550001", {long_text, {}, "en", ""}).outcome == SendResult::Outcome::kSent);
  reqs = api.requests();
  CHECK(reqs.size() >= 4);
  for (std::size_t i = 1; i < reqs.size(); ++i)
    CHECK(json::parse(reqs[i].body)["text"].get<std::string>().size() <= kMaxMessageChars);

  api.queue({429, read_fixture("telegram/send_429.json")});
  auto limited = ch.send("5550001", {"hi", {}, "en", ""});
  CHECK(limited.outcome == SendResult::Outcome::kRetry);
  CHECK(limited.retry_after_ms == 3000);
  api.queue({403, read_fixture("telegram/send_403.json")});
  CHECK(ch.send("5550001", {"hi", {}, "en", ""}).outcome == SendResult::Outcome::kPermanent);
  api.queue({502, "<html>bad gateway</html>"});
  CHECK(ch.send("5550001", {"hi", {}, "en", ""}).outcome == SendResult::Outcome::kRetry);

  TelegramConfig down = config;
  down.api_base = "http://127.0.0.1:1";  // nothing listens: connection refused
  TelegramChannel unreachable(down);
  CHECK(unreachable.send("5550001", {"hi", {}, "en", ""}).outcome == SendResult::Outcome::kRetry);
}

TEST_CASE("end to end: a Telegram webhook is answered on Telegram, once, even when Telegram retries") {
  FakeProvider api({200, read_fixture("telegram/send_ok.json")});
  Config config;
  config.telegram.bot_token = "123:abc";
  config.telegram.secret_token = "s3cret";
  config.telegram.api_base = api.base_url();
  testing::RunningBot bot(config);
  auto c = bot.client();
  httplib::Headers h{{"X-Telegram-Bot-Api-Secret-Token", "s3cret"}};
  std::string update = read_fixture("telegram/text_message.json");
  auto first = c.Post("/webhooks/telegram", h, update, "application/json");
  REQUIRE(first);
  CHECK(first->status == 200);
  auto sent = api.wait_for(2);  // welcome + language list
  REQUIRE(sent.size() == 2);
  const auto& locales = *bot.app().knowledge().current()->locales;
  CHECK(json::parse(sent[0].body)["text"].get<std::string>().find(locales.text("en", "welcome")) == 0);
  CHECK(json::parse(sent[0].body)["chat_id"] == "5550001");
  CHECK(json::parse(sent[1].body)["reply_markup"]["inline_keyboard"].size() >= 6);

  auto retry = c.Post("/webhooks/telegram", h, update, "application/json");  // Telegram retries the same update
  REQUIRE(retry);
  CHECK(retry->status == 200);
  bot.app().workers().wait_idle();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(api.requests().size() == 2);

  auto wrong = c.Post("/webhooks/telegram", {{"X-Telegram-Bot-Api-Secret-Token", "nope"}}, update, "application/json");
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  CHECK(bot.app().store().count("messages") == 1);

  // The phone number / chat id is not in the database in clear.
  CHECK(bot.app().store().count("outbox") == 2);
}

TEST_CASE("end to end: Telegram failing with 500 then 429 — the reply still arrives, once, after backoff") {
  FakeProvider api({200, read_fixture("telegram/send_ok.json")});
  api.queue({500, R"({"ok":false,"error_code":500,"description":"Internal Server Error"})"});
  api.queue({429, R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}})"});
  Config config;
  config.telegram.bot_token = "123:abc";
  config.telegram.secret_token = "s3cret";
  config.telegram.api_base = api.base_url();
  delivery::RetryPolicy fast;
  fast.first_backoff_ms = 50;
  testing::RunningBot bot(config, fast);
  auto res = bot.client().Post("/webhooks/telegram", {{"X-Telegram-Bot-Api-Secret-Token", "s3cret"}},
                               read_fixture("telegram/text_message.json"), "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto reqs = api.wait_for(4);  // 500, 429, then welcome and language list
  REQUIRE(reqs.size() == 4);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  reqs = api.requests();
  CHECK(reqs.size() == 4);  // nothing sent twice
  CHECK(json::parse(reqs[0].body)["text"] == json::parse(reqs[2].body)["text"]);  // the same reply, retried
  CHECK(json::parse(reqs[3].body).contains("reply_markup"));
  CHECK(bot.app().store().outbox_with_status("sent") == 2);
}

TEST_CASE("the parser agrees with real captured Telegram payloads (../shared/fixtures, when present)") {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(testing::source_dir()) / "../shared/fixtures/telegram";
  if (!fs::is_directory(dir)) return;  // not part of the project: checked when available
  int checked = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".json") continue;
    std::ifstream f(e.path());
    std::string body((std::istreambuf_iterator<char>(f)), {});
    auto r = parse_update(body);
    CAPTURE(e.path().filename().string());
    CHECK(r.status == 200);
    std::string name = e.path().filename().string();
    if (name.find("private_text") == 0 || name.find("arabic") == 0 || name.find("start") == 0)
      CHECK(r.messages.size() == 1);
    if (name.find("group") == 0 || name.find("edited") == 0) CHECK(r.messages.empty());
    ++checked;
  }
  CHECK(checked >= 5);
}

}  // namespace
}  // namespace approdo::telegram
