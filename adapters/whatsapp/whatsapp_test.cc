#include "adapters/whatsapp/whatsapp.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <thread>
#include <nlohmann/json.hpp>

#include "tests/fake_provider.h"
#include "tests/running_bot.h"

namespace approdo::whatsapp {
namespace {

using nlohmann::json;
using testing::FakeProvider;
using testing::read_fixture;
using Kind = InboundMessage::Kind;

TEST_CASE("WhatsApp notifications parse into messages (table of documented payloads)") {
  struct Case {
    const char* fixture;
    std::size_t messages;
    Kind kind;
    const char* text;
    const char* media;
  };
  const Case cases[] = {
      {"text.json", 1, Kind::kText, "hi", ""},
      {"button_reply.json", 1, Kind::kChoice, "cmd:human", ""},
      {"list_reply.json", 1, Kind::kChoice, "lang:fa", ""},
      {"audio.json", 1, Kind::kMedia, "", "voice"},
      {"status_failed.json", 1, Kind::kStatus, "", ""},
      {"reaction.json", 0, Kind::kText, "", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.fixture));
    auto r = parse_notification(read_fixture(std::string("whatsapp/") + c.fixture));
    CHECK(r.status == 200);
    REQUIRE(r.messages.size() == c.messages);
    if (!c.messages) continue;
    CHECK(r.messages[0].kind == c.kind);
    CHECK(r.messages[0].text == c.text);
    CHECK(r.messages[0].media == c.media);
    if (c.kind != Kind::kStatus) CHECK(r.messages[0].address == "393331234567");
  }
  CHECK(parse_notification(read_fixture("whatsapp/button_reply.json")).messages[0].reply_to ==
        "wamid.HBgMMzkzMzMxMjM0NTY3FQIAERgSQjE=");
  auto failed = parse_notification(read_fixture("whatsapp/status_failed.json")).messages[0];
  CHECK(failed.status_of == "wamid.OUTBOUND1");
  CHECK(failed.status == "failed");
  CHECK(failed.status_error == "131047 Re-engagement message");
}

TEST_CASE("the parser agrees with real captured WhatsApp payloads (../shared/fixtures, when present)") {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(testing::source_dir()) / "../shared/fixtures/whatsapp/courier";
  if (!fs::is_directory(dir)) return;  // not part of the project: checked when available
  auto read = [&](const char* name) {
    std::ifstream f(dir / name);
    return std::string((std::istreambuf_iterator<char>(f)), {});
  };
  std::string hello = read("hello.json");
  CHECK(signature("fb_app_secret", hello) ==
        "sha256=6be55deb16b6510ed589da1495c88804c978919b25f958800e18a666ef142a80");
  CHECK(parse_notification(hello).messages.at(0).text == "Hello World");
  CHECK(parse_notification(read("button_reply.json")).messages.at(0).kind == Kind::kChoice);
  CHECK(parse_notification(read("error_status.json")).messages.at(0).kind == Kind::kStatus);
}

TEST_CASE("X-Hub-Signature-256: published vectors, and refusals before parsing") {
  // nyaruka/courier handlers/meta/facebook_test.go TestSigning (HMAC-SHA256, key "sesame").
  CHECK(signature("sesame", "hello world") == "sha256=f39034b29165ec6a5104d9aef27266484ab26c8caa7bca8bcb2dd02e8be61b17");
  CHECK(signature("sesame", "hello world2") == "sha256=60905fdf409d0b4f721e99f6f25b31567a68a6b45e933d814e17a246be4c5a53");

  WhatsAppConfig config;
  config.phone_number_id = "106540352242922";
  config.access_token = "EAAG";
  config.app_secret = "app-secret";
  config.verify_token = "verify-me";
  WhatsAppChannel ch(config);
  std::string body = read_fixture("whatsapp/text.json");
  HttpRequest req;
  req.method = "POST";
  req.path = "/webhooks/whatsapp";
  req.body = body;
  CHECK(ch.handle(req).status == 401);
  req.headers["x-hub-signature-256"] = signature("wrong", body);
  CHECK(ch.handle(req).status == 401);
  req.headers["x-hub-signature-256"] = signature("app-secret", body);
  CHECK(ch.handle(req).messages.size() == 1);
  req.body += " ";  // one byte changed after signing
  CHECK(ch.handle(req).status == 401);

  HttpRequest verify;
  verify.method = "GET";
  verify.path = "/webhooks/whatsapp";
  verify.query = {{"hub.mode", "subscribe"}, {"hub.verify_token", "verify-me"}, {"hub.challenge", "1158201444"}};
  auto ok = ch.handle(verify);
  CHECK(ok.status == 200);
  CHECK(ok.body == "1158201444");
  verify.query["hub.verify_token"] = "nope";
  CHECK(ch.handle(verify).status == 403);

  for (const char* bad : {"{", "[]", R"({"object":"page","entry":[]})", "\xff"}) {
    CAPTURE(std::string(bad));
    CHECK(parse_notification(bad).status == 400);
  }
}

TEST_CASE("sending: buttons, lists, numbered text; the 24-hour window holds the reply") {
  FakeProvider api({200, read_fixture("whatsapp/send_ok.json")});
  WhatsAppConfig config;
  config.phone_number_id = "106540352242922";
  config.access_token = "EAAG";
  config.api_base = api.base_url() + "/v21.0";  // the Graph API version is part of api_base, as by default
  WhatsAppChannel ch(config);

  auto r = ch.send("393331234567", {"Did this help?", {{"cmd:yes", "YES"}, {"cmd:no", "NO"}}, "en", ""});
  CHECK(r.outcome == SendResult::Outcome::kSent);
  CHECK(r.provider_message_id == "wamid.OUTBOUND1");
  auto reqs = api.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].path == "/v21.0/106540352242922/messages");
  CHECK(reqs[0].authorization == "Bearer EAAG");
  auto b = json::parse(reqs[0].body);
  CHECK(b["to"] == "393331234567");
  CHECK(b["interactive"]["type"] == "button");
  CHECK(b["interactive"]["action"]["buttons"][1]["reply"]["id"] == "cmd:no");

  std::vector<Choice> six;
  for (int i = 0; i < 6; ++i) six.push_back({"menu:c" + std::to_string(i), "Category " + std::to_string(i)});
  ch.send("393331234567", {"Menu:", six, "en", ""});
  b = json::parse(api.requests().back().body);
  CHECK(b["interactive"]["type"] == "list");
  CHECK(b["interactive"]["action"]["sections"][0]["rows"].size() == 6);

  std::vector<Choice> twelve;
  for (int i = 0; i < 12; ++i) twelve.push_back({"menu:c" + std::to_string(i), "Category " + std::to_string(i)});
  ch.send("393331234567", {"Menu:", twelve, "en", ""});
  b = json::parse(api.requests().back().body);
  CHECK(b["type"] == "text");
  CHECK(b["text"]["body"].get<std::string>().find("\n12) Category 11") != std::string::npos);

  api.queue({400, read_fixture("whatsapp/send_131047.json")});
  CHECK(ch.send("393331234567", {"hello", {}, "en", ""}).outcome == SendResult::Outcome::kHeld);
  api.queue({500, "{}"});
  CHECK(ch.send("393331234567", {"hello", {}, "en", ""}).outcome == SendResult::Outcome::kRetry);
  api.queue({400, R"({"error":{"code":100,"message":"Invalid parameter"}})"});
  CHECK(ch.send("393331234567", {"hello", {}, "en", ""}).outcome == SendResult::Outcome::kPermanent);
}

TEST_CASE("end to end: a signed WhatsApp webhook is answered on WhatsApp; statuses update the outbox") {
  FakeProvider api({200, read_fixture("whatsapp/send_ok.json")});
  Config config;
  config.whatsapp.phone_number_id = "106540352242922";
  config.whatsapp.access_token = "EAAG";
  config.whatsapp.app_secret = "app-secret";
  config.whatsapp.api_base = api.base_url();
  testing::RunningBot bot(config);
  auto c = bot.client();
  std::string body = read_fixture("whatsapp/text.json");
  auto res = c.Post("/webhooks/whatsapp", {{"X-Hub-Signature-256", signature("app-secret", body)}}, body,
                    "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  auto sent = api.wait_for(2);
  REQUIRE(sent.size() == 2);
  CHECK(json::parse(sent[0].body)["text"]["body"].get<std::string>().find("Hi! I am Approdo") == 0);
  CHECK(json::parse(sent[1].body)["interactive"]["type"] == "list");  // 7 languages: a list

  // Meta delivers the same notification again: one answer only. A wrong signature: nothing stored or sent.
  auto again = c.Post("/webhooks/whatsapp", {{"X-Hub-Signature-256", signature("app-secret", body)}}, body,
                      "application/json");
  REQUIRE(again);
  CHECK(again->status == 200);
  auto forged = c.Post("/webhooks/whatsapp", {{"X-Hub-Signature-256", signature("guess", body + " ")}}, body + " ",
                       "application/json");
  REQUIRE(forged);
  CHECK(forged->status == 401);
  bot.app().workers().wait_idle();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(api.requests().size() == 2);

  std::string status = read_fixture("whatsapp/status_failed.json");
  auto st = c.Post("/webhooks/whatsapp", {{"X-Hub-Signature-256", signature("app-secret", status)}}, status,
                   "application/json");
  REQUIRE(st);
  CHECK(st->status == 200);
  CHECK(bot.app().store().count("messages") == 1);  // a status is not a message from the person
}

}  // namespace
}  // namespace approdo::whatsapp
