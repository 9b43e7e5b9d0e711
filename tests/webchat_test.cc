// The web chat end to end, over real HTTP on loopback with a real SQLite file: the walking skeleton's
// promise that one message travels record → dialogue → outbox → the page.
#include <doctest/doctest.h>

#include "bot/kb/knowledge.h"
#include "tests/running_bot.h"

namespace approdo {
namespace {

using testing::RunningBot;
using testing::WebChatUser;

const ArticleText& article_en(RunningBot& bot, const std::string& id) {
  const Article* a = bot.app().knowledge().current()->content->find(id);
  REQUIRE(a);
  return *a->in("en");
}

TEST_CASE("hi → welcome and languages → pick one → ask → the article's answer") {
  RunningBot bot;
  WebChatUser user(bot, "0123456789abcdef0123456789abcdef");
  CHECK(user.send("hi") == 202);
  auto welcome = user.replies();
  REQUIRE(welcome.size() >= 1);
  const auto& locales = *bot.app().knowledge().current()->locales;
  CHECK(welcome[0]["text"].get<std::string>().find(locales.text("en", "welcome")) == 0);
  auto list = welcome.back();
  REQUIRE(list["choices"].size() >= 6);
  CHECK(list["choices"][0]["id"] == "lang:en");  // the language it was written in comes first
  bool has_dari = false;
  for (const auto& c : list["choices"]) has_dari |= c["id"] == "lang:fa" && c["label"] == "دری";
  CHECK(has_dari);

  CHECK(user.send("1") == 202);
  auto menu = user.replies();
  REQUIRE(menu.size() == 2);
  CHECK(menu[0]["text"] == locales.text("en", "language_set"));
  CHECK(menu[1]["text"] == locales.text("en", "main_menu"));
  CHECK(menu[1]["choices"].size() == bot.app().knowledge().current()->content->menu.size());

  const auto& age = article_en(bot, "age-assessment");
  CHECK(user.send("they say i am 19 but i am 16, what can i do about the age assessment") == 202);
  auto answer = user.replies();
  REQUIRE(answer.size() == 1);
  CHECK(answer[0]["text"].get<std::string>().find(age.title + "\n" + age.short_text) == 0);
  CHECK(answer[0]["lang"] == "en");
  CHECK(answer[0]["dir"] == "ltr");
}

TEST_CASE("a first message that is already a question in Dari is answered at once, right to left") {
  RunningBot bot;
  WebChatUser user(bot, "fedcba9876543210fedcba9876543210");
  CHECK(user.send("میگن ۱۹ ساله هستی ولی من ۱۶ ساله هستم، تعیین سن چطور است") == 202);
  auto replies = user.replies();
  REQUIRE(replies.size() == 2);
  CHECK(replies[0]["lang"] == "fa");
  CHECK(replies[0]["dir"] == "rtl");
  CHECK(replies[1]["text"].get<std::string>().find("\u200e") != std::string::npos);  // numbers isolated
}

TEST_CASE("the page is served, and /healthz answers") {
  RunningBot bot;
  auto c = bot.client();
  auto page = c.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("<script src=\"/webchat/page.js\"></script>") != std::string::npos);
  // No inline script or style can run on the page, and no other site may frame it.
  const std::string csp = page->get_header_value("Content-Security-Policy");
  CHECK(csp.find("script-src 'self'") != std::string::npos);
  CHECK(csp.find("unsafe-inline") == std::string::npos);
  CHECK(csp.find("frame-ancestors 'none'") != std::string::npos);
  CHECK(page->body.find("<script>") == std::string::npos);
  CHECK(page->body.find("<style>") == std::string::npos);
  auto script = c.Get("/webchat/page.js");
  REQUIRE(script);
  CHECK(script->status == 200);
  CHECK(script->get_header_value("Content-Type").find("text/javascript") == 0);
  CHECK(script->body.find("/webchat/send") != std::string::npos);
  auto style = c.Get("/webchat/page.css");
  REQUIRE(style);
  CHECK(style->get_header_value("Content-Type").find("text/css") == 0);
  auto health = c.Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(nlohmann::json::parse(health->body)["status"] == "ok");
  auto metrics = c.Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("approdo_knowledge_version 1") != std::string::npos);
}

TEST_CASE("bad input from the page gets a clear error and stores nothing") {
  RunningBot bot;
  auto c = bot.client();
  struct Case {
    std::string body;
    int status;
    const char* error;
  };
  const std::string session = "00112233445566778899aabbccddeeff";
  const Case cases[] = {
      {"{not json", 400, "JSON object"},
      {"[1,2]", 400, "JSON object"},
      {R"({"session":"ZZ","id":"1","text":"hi"})", 400, "session"},
      {R"({"session":")" + session + R"(","id":"a b","text":"hi"})", 400, "'id'"},
      {R"({"session":")" + session + R"(","id":"1"})", 400, "exactly one"},
      {R"({"session":")" + session + R"(","id":"1","choice":")" + std::string(300, 'a') + "\"}", 400, "too long"},
      {"{\"session\":\"" + session + "\",\"id\":\"1\",\"text\":\"\xff\xfe\"}", 400, "UTF-8"},
  };
  for (const auto& k : cases) {
    CAPTURE(k.body.substr(0, 80));
    auto r = c.Post("/webchat/send", k.body, "application/json");
    REQUIRE(r);
    CHECK(r->status == k.status);
    CHECK(r->body.find(k.error) != std::string::npos);
  }
  auto huge = c.Post("/webchat/send", std::string(2 << 20, 'x'), "application/json");
  REQUIRE(huge);
  CHECK(huge->status == 413);
  auto bad_poll = c.Get("/webchat/poll?session=nothex");
  REQUIRE(bad_poll);
  CHECK(bad_poll->status == 400);
  CHECK(bot.app().store().count("messages") == 0);
}

TEST_CASE("a message sent twice (the page retried) is answered once") {
  RunningBot bot;
  auto c = bot.client();
  std::string body = R"({"session":"aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb","id":"same","text":"hi"})";
  REQUIRE(c.Post("/webchat/send", body, "application/json")->status == 202);
  REQUIRE(c.Post("/webchat/send", body, "application/json")->status == 202);
  bot.app().workers().wait_idle();
  CHECK(bot.app().store().count("messages") == 1);
  WebChatUser user(bot, "aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb");
  auto first = user.replies();
  CHECK_FALSE(first.empty());
  CHECK(bot.app().store().count("outbox") == static_cast<int64_t>(first.size()));
}

}  // namespace
}  // namespace approdo
