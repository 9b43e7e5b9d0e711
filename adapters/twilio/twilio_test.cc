#include "adapters/twilio/twilio.h"

#include <doctest/doctest.h>

#include <thread>

#include "bot/text/sms.h"
#include "tests/fake_provider.h"
#include "tests/running_bot.h"

namespace approdo::twilio {
namespace {

using testing::FakeProvider;
using testing::read_fixture;
using Kind = InboundMessage::Kind;

TEST_CASE("X-Twilio-Signature: Twilio's published vectors") {
  // twilio/twilio-python tests/unit/test_request_validator.py
  std::multimap<std::string, std::string> params{{"CallSid", "CA1234567890ABCDE"},
                                                 {"Caller", "+14158675309"},
                                                 {"Digits", "1234"},
                                                 {"From", "+14158675309"},
                                                 {"To", "+18005551212"}};
  CHECK(signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", params) == "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  std::multimap<std::string, std::string> dup{
      {"Sid", "CA123"}, {"SidAccount", "AC123"}, {"Digits", "5678"}, {"Digits", "1234"}};
  CHECK(signature("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", dup) == "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
}

TEST_CASE("signatures of real captured Twilio forms (../shared/fixtures, when present)") {
  std::ifstream f(testing::source_dir() + "/../shared/fixtures/twilio/sms_plain.form");
  if (!f) return;  // not part of the project: checked when available
  std::string body((std::istreambuf_iterator<char>(f)), {});
  CHECK(signature("6789", "https://example.com/c/t/8eb23e93-5ecb-45ba-b726-3b064e0c56ab/receive", parse_form(body)) ==
        "sAYRME4u7MHti2sU4rFUW4qFzl4=");
  CHECK(parse_webhook(body).messages.at(0).text == "Msg");
}

TEST_CASE("Twilio forms parse into messages (table of documented payloads)") {
  struct Case {
    const char* fixture;
    Kind kind;
    const char* text;
    const char* media;
  };
  const Case cases[] = {
      {"sms.form", Kind::kText, "hi", ""},
      {"sms_dari.form", Kind::kText, "سلام کمک میخواهم", ""},
      {"mms_voice.form", Kind::kMedia, "", "voice"},
      {"status_delivered.form", Kind::kStatus, "", ""},
      {"opt_out.form", Kind::kBlocked, "STOP", ""},
  };
  for (const auto& c : cases) {
    CAPTURE(std::string(c.fixture));
    auto r = parse_webhook(read_fixture(std::string("twilio/") + c.fixture));
    CHECK(r.status == 200);
    CHECK(r.body.find("<Response/>") != std::string::npos);
    REQUIRE(r.messages.size() == 1);
    CHECK(r.messages[0].kind == c.kind);
    CHECK(r.messages[0].text == c.text);
    CHECK(r.messages[0].media == c.media);
  }
  CHECK(parse_webhook(read_fixture("twilio/sms.form")).messages[0].address == "+393331234567");
  CHECK(parse_webhook("Body=hi&From=%2B39").status == 400);  // no MessageSid
  CHECK(parse_form("a=1&b=x+y%26z&&c").count("c") == 1);
  CHECK(parse_form("a=1&b=x+y%26z").find("b")->second == "x y&z");
}

TEST_CASE("a Twilio webhook must be signed for our public URL") {
  TwilioConfig config;
  config.account_sid = "AC00000000000000000000000000000001";
  config.auth_token = "twilio-token";
  TwilioChannel ch(config, "https://bot.example.org");
  std::string body = read_fixture("twilio/sms.form");
  HttpRequest req;
  req.method = "POST";
  req.path = req.target = "/webhooks/twilio";
  req.body = body;
  CHECK(ch.handle(req).status == 403);
  req.headers["x-twilio-signature"] =
      signature("twilio-token", "https://bot.example.org/webhooks/twilio", parse_form(body));
  CHECK(ch.handle(req).messages.size() == 1);
  req.headers["x-twilio-signature"] =
      signature("twilio-token", "https://bot.example.org:443/webhooks/twilio", parse_form(body));
  CHECK(ch.handle(req).messages.size() == 1);  // a proxy added the default port
  req.headers["x-twilio-signature"] =
      signature("twilio-token", "https://evil.example.org/webhooks/twilio", parse_form(body));
  CHECK(ch.handle(req).status == 403);
  TwilioChannel no_url(config, "");
  CHECK(no_url.handle(req).status == 403);
}

TEST_CASE("sending SMS: numbered choices, at most four segments per message, errors classified") {
  FakeProvider api({201, read_fixture("twilio/send_201.json")});
  TwilioConfig config;
  config.account_sid = "AC00000000000000000000000000000001";
  config.auth_token = "twilio-token";
  config.from = "+390212345678";
  config.api_base = api.base_url();
  TwilioChannel ch(config, "https://bot.example.org");

  auto r = ch.send("+393331234567", {"Reply with a number:", {{"lang:en", "English"}, {"lang:fa", "دری"}}, "en", ""});
  CHECK(r.outcome == SendResult::Outcome::kSent);
  CHECK(r.provider_message_id == "SMcccc0000000000000000000000000001");
  auto reqs = api.requests();
  REQUIRE(reqs.size() == 1);
  CHECK(reqs[0].path == "/2010-04-01/Accounts/AC00000000000000000000000000000001/Messages.json");
  CHECK(reqs[0].authorization.rfind("Basic ", 0) == 0);
  auto form = parse_form(reqs[0].body);
  CHECK(form.find("To")->second == "+393331234567");
  CHECK(form.find("From")->second == "+390212345678");
  CHECK(form.find("Body")->second == "Reply with a number:\n1) English\n2) دری");

  std::string long_dari;
  for (int i = 0; i < 40; ++i) long_dari += "این یک جمله طولانی است. ";
  ch.send("+393331234567", {long_dari, {}, "fa", ""});
  reqs = api.requests();
  CHECK(reqs.size() > 2);
  for (std::size_t i = 1; i < reqs.size(); ++i)
    CHECK(text::sms_info(parse_form(reqs[i].body).find("Body")->second).segments <= kMaxSegmentsPerMessage);

  api.queue({400, read_fixture("twilio/send_21610.json")});
  CHECK(ch.send("+393331234567", {"hi", {}, "en", ""}).outcome == SendResult::Outcome::kPermanent);
  api.queue({429, R"({"code":20429,"message":"Too Many Requests","status":429})"});
  CHECK(ch.send("+393331234567", {"hi", {}, "en", ""}).outcome == SendResult::Outcome::kRetry);
  api.queue({503, "unavailable"});
  CHECK(ch.send("+393331234567", {"hi", {}, "en", ""}).outcome == SendResult::Outcome::kRetry);
}

TEST_CASE("end to end: an SMS is answered by SMS") {
  FakeProvider api({201, read_fixture("twilio/send_201.json")});
  Config config;
  config.public_url = "https://bot.example.org";
  config.twilio.account_sid = "AC00000000000000000000000000000001";
  config.twilio.auth_token = "twilio-token";
  config.twilio.from = "+390212345678";
  config.twilio.api_base = api.base_url();
  testing::RunningBot bot(config);
  std::string body = read_fixture("twilio/sms_dari.form");
  auto sig = signature("twilio-token", "https://bot.example.org/webhooks/twilio", parse_form(body));
  auto res = bot.client().Post("/webhooks/twilio", {{"X-Twilio-Signature", sig}}, body,
                               "application/x-www-form-urlencoded");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type").find("text/xml") == 0);
  auto sent = api.wait_for(1);
  REQUIRE(!sent.empty());
  std::string first = parse_form(sent[0].body).find("Body")->second;
  CHECK(first.find("Approdo") != std::string::npos);
  CHECK(parse_form(sent[0].body).find("To")->second == "+393339876543");

  // The same MessageSid again: answered once. A forged signature: 403, nothing stored, nothing sent.
  bot.app().workers().wait_idle();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::size_t answered = api.requests().size();
  auto again = bot.client().Post("/webhooks/twilio", {{"X-Twilio-Signature", sig}}, body,
                                 "application/x-www-form-urlencoded");
  REQUIRE(again);
  CHECK(again->status == 200);
  std::string other = read_fixture("twilio/sms.form");
  auto forged = bot.client().Post("/webhooks/twilio", {{"X-Twilio-Signature", sig}}, other,
                                  "application/x-www-form-urlencoded");
  REQUIRE(forged);
  CHECK(forged->status == 403);
  bot.app().workers().wait_idle();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(api.requests().size() == answered);
  CHECK(bot.app().store().count("messages") == 1);
}

}  // namespace
}  // namespace approdo::twilio
