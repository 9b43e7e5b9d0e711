// Hostile input, endpoint by endpoint: a table of bodies an attacker or a broken client may send, each with
// the status code README.md documents for it. Nothing is stored from a refused request, accepted text is
// stored cleaned and bounded, and the server still answers normally afterwards.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "adapters/twilio/twilio.h"
#include "adapters/whatsapp/whatsapp.h"
#include "bot/store/store.h"
#include "tests/fake_provider.h"
#include "tests/running_bot.h"

namespace approdo {
namespace {

using nlohmann::json;

constexpr const char* kTgSecret = "tg-secret";
constexpr const char* kAppSecret = "wa-secret";
constexpr const char* kAuthToken = "twilio-token";
constexpr const char* kApiToken = "api-token";
constexpr const char* kPublicUrl = "https://bot.example.org";

struct Case {
  std::string name, method, path;
  httplib::Headers headers;
  std::string body, content_type;
  int status;
};

std::string telegram_text(int update_id, const std::string& text) {
  json u = json::parse(testing::read_fixture("telegram/text_message.json"));
  u["update_id"] = update_id;
  u["message"]["text"] = text;
  return u.dump();
}

Case telegram(std::string name, std::string body, int status) {
  return {std::move(name),
          "POST",
          "/webhooks/telegram",
          {{"X-Telegram-Bot-Api-Secret-Token", kTgSecret}},
          std::move(body),
          "application/json",
          status};
}
Case whatsapp_signed(std::string name, std::string body, int status) {
  httplib::Headers h{{"X-Hub-Signature-256", whatsapp::signature(kAppSecret, body)}};
  return {std::move(name), "POST", "/webhooks/whatsapp", h, std::move(body), "application/json", status};
}
Case twilio_signed(std::string name, std::string form, int status) {
  httplib::Headers h{{"X-Twilio-Signature", twilio::signature(kAuthToken, std::string(kPublicUrl) + "/webhooks/twilio",
                                                              twilio::parse_form(form))}};
  return {std::move(name), "POST", "/webhooks/twilio", h, std::move(form), "application/x-www-form-urlencoded", status};
}
Case webchat(std::string name, std::string body, int status) {
  return {std::move(name), "POST", "/webchat/send", {}, std::move(body), "application/json", status};
}
Case api(std::string name, std::string path, std::string body, int status) {
  return {std::move(name), "POST",
          std::move(path), {{"Authorization", std::string("Bearer ") + kApiToken}},
          std::move(body), "application/json",
          status};
}

TEST_CASE("hostile bodies get their documented status; nothing is stored; the server stays healthy") {
  testing::FakeProvider provider({200, testing::read_fixture("telegram/send_ok.json")});
  Config config;
  config.public_url = kPublicUrl;
  config.api_token = kApiToken;
  config.telegram = {"123:abc", kTgSecret, provider.base_url()};
  config.whatsapp.phone_number_id = "106540352242922";
  config.whatsapp.access_token = "EAAG";
  config.whatsapp.app_secret = kAppSecret;
  config.whatsapp.verify_token = "verify-me";
  config.whatsapp.api_base = provider.base_url();
  config.twilio = {"AC123", kAuthToken, "+15005550006", provider.base_url()};
  testing::RunningBot bot(config);

  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  const std::string session = "00112233445566778899aabbccddeeff";
  const std::string hostile_text =
      "hello\x07\x1b[2J \xE2\x80\xAE"
      "211 llac\xE2\x80\xAC";                                                   // BEL, ANSI, RLO...PDF
  const std::string long_text = std::string(100 * 1024 - 3, 'a') + "\xD8\xB3";  // 100 KB ending in Arabic
  const std::vector<Case> cases = {
      {"telegram: no secret token", "POST", "/webhooks/telegram", {}, telegram_text(1, "hi"), "application/json", 401},
      {"telegram: wrong secret token",
       "POST",
       "/webhooks/telegram",
       {{"X-Telegram-Bot-Api-Secret-Token", "guess"}},
       telegram_text(2, "hi"),
       "application/json",
       401},
      {"telegram: GET", "GET", "/webhooks/telegram", {{"X-Telegram-Bot-Api-Secret-Token", kTgSecret}}, "", "", 405},
      telegram("telegram: empty body", "", 400),
      telegram("telegram: malformed JSON", R"({"update_id": 3, "message": {)", 400),
      telegram("telegram: not an object", "[1,2,3]", 400),
      telegram("telegram: update_id not a number", R"({"update_id":"4"})", 400),
      telegram("telegram: invalid UTF-8",
               R"({"update_id":5,"message":{"message_id":1,"chat":{"id":5550001,"type":"private"},"text":")"
               "\xC3\x28\xFF\"}}",
               400),
      telegram("telegram: deep nesting", R"({"update_id":6,"message":)" + deep + "}", 400),
      telegram("telegram: unknown update kind", R"({"update_id":7,"poll":{"id":"1"}})", 200),
      telegram("telegram: control and bidi-override characters", telegram_text(8, hostile_text), 200),
      telegram("telegram: a 100 KB message", telegram_text(9, long_text), 200),
      telegram("telegram: 1.5 MB body", telegram_text(10, std::string(1536 * 1024, 'b')), 413),
      {"whatsapp: unsigned",
       "POST",
       "/webhooks/whatsapp",
       {},
       testing::read_fixture("whatsapp/text.json"),
       "application/json",
       401},
      {"whatsapp: signed with another secret",
       "POST",
       "/webhooks/whatsapp",
       {{"X-Hub-Signature-256", whatsapp::signature("guess", testing::read_fixture("whatsapp/text.json"))}},
       testing::read_fixture("whatsapp/text.json"),
       "application/json",
       401},
      whatsapp_signed("whatsapp: malformed JSON", R"({"object":"whatsapp_business_account","entry":[)", 400),
      whatsapp_signed("whatsapp: invalid UTF-8", "{\"object\":\"\xFF\xFE\"}", 400),
      whatsapp_signed("whatsapp: deep nesting", R"({"object":"whatsapp_business_account","entry":)" + deep + "}", 400),
      whatsapp_signed("whatsapp: 4 MB body", std::string(4 << 20, ' '), 413),
      {"whatsapp: subscription with a wrong verify token",
       "GET",
       "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1",
       {},
       "",
       "",
       403},
      {"twilio: unsigned",
       "POST",
       "/webhooks/twilio",
       {},
       testing::read_fixture("twilio/sms.form"),
       "application/x-www-form-urlencoded",
       403},
      twilio_signed("twilio: body not UTF-8", "MessageSid=SM1&From=%2B393331234567&Body=%FF%FE", 400),
      twilio_signed("twilio: no MessageSid", "From=%2B393331234567&Body=hi", 400),
      {"twilio: GET", "GET", "/webhooks/twilio", {}, "", "", 405},
      {"unknown channel", "POST", "/webhooks/nosuch", {}, "{}", "application/json", 404},
      webchat("webchat: malformed JSON", "{\"session\":", 400),
      webchat("webchat: invalid UTF-8", "{\"session\":\"" + session + "\",\"id\":\"1\",\"text\":\"\xC0\xAF\"}", 400),
      webchat("webchat: deep nesting", deep, 400),
      webchat("webchat: a 100 KB message", json{{"session", session}, {"id", "long"}, {"text", long_text}}.dump(), 202),
      webchat("webchat: 2 MB body", std::string(2 << 20, '{'), 413),
      {"webchat poll: bad session", "GET", "/webchat/poll?session=../../etc", {}, "", "", 400},
      {"webchat poll: 'after' not a number", "GET", "/webchat/poll?session=" + session + "&after=abc", {}, "", "", 400},
      {"api: no token", "POST", "/api/v1/tickets/1/reply", {}, R"({"text":"hi"})", "application/json", 401},
      api("api: deep nesting", "/api/v1/tickets/1/reply", deep, 400),
      api("api: malformed JSON", "/api/v1/tickets/1/reply", R"({"text":)", 400),
      api("api: ticket id beyond 64 bits", "/api/v1/tickets/99999999999999999999999/reply", R"({"text":"hi"})", 404),
      api("api: close a ticket id beyond 64 bits", "/api/v1/tickets/99999999999999999999999/close",
          R"({"outcome":"other"})", 404),
  };
  auto c = bot.client();
  for (const auto& k : cases) {
    CAPTURE(k.name);
    auto res = k.method == "GET" ? c.Get(k.path.c_str(), k.headers)
                                 : c.Post(k.path.c_str(), k.headers, k.body, k.content_type.c_str());
    REQUIRE(res);
    CHECK_MESSAGE(res->status == k.status, res->body.substr(0, 200));
    if (res->status >= 400 && res->status != 413 && res->status != 405)
      CHECK_MESSAGE(res->body.size() > 8, res->body);  // a clear error, not silence
  }
  bot.app().workers().wait_idle();

  // Stored: only the three accepted messages, cleaned and bounded.
  CHECK(bot.app().store().count("messages") == 3);
  auto& keys = bot.app().store().keyring();
  auto telegram_export = bot.app().store().export_conversation(keys.conversation_key("telegram", "5550001"));
  REQUIRE(telegram_export);
  auto messages = json::parse(*telegram_export)["messages"];
  REQUIRE(messages.size() == 2);
  CHECK(messages[0]["text"] == "hello[2J 211 llac");
  std::string stored = messages[1]["text"];
  CHECK(stored.size() == kMaxStoredTextBytes);
  CHECK(long_text.compare(0, stored.size(), stored) == 0);
  auto webchat_export = bot.app().store().export_conversation(keys.conversation_key("webchat", session));
  REQUIRE(webchat_export);
  CHECK(json::parse(*webchat_export)["messages"][0]["text"].get<std::string>().size() <= kMaxStoredTextBytes);
  CHECK(json::parse(*webchat_export)["replies"].size() >= 1);  // the long message was answered

  // Still healthy, and a normal message is still answered.
  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  testing::WebChatUser person(bot, "ffeeddccbbaa99887766554433221100");
  CHECK(person.send("hi") == 202);
  CHECK(!person.replies(1).empty());
}

}  // namespace
}  // namespace approdo
