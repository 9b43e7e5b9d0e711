// "Did this help?" through the whole pipeline, one channel at a time: a person's first message is a clear
// question, the bot answers with the "did this help?" entries rendered the channel's way (Telegram inline
// keyboard, WhatsApp reply buttons or list, numbered SMS lines, web chat buttons), the person taps or types
// the answer as the provider delivers it, and the count lands in the real SQLite file — for the right
// article, in the person's language — once, however often they tap.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "adapters/twilio/twilio.h"
#include "adapters/whatsapp/whatsapp.h"
#include "bot/core/language.h"
#include "bot/kb/understanding.h"
#include "bot/store/store.h"
#include "bot/text/bidi.h"
#include "tests/fake_provider.h"
#include "tests/running_bot.h"
#include "tests/telegram_chats.h"
#include "tests/whatsapp_people.h"

namespace approdo {
namespace {

using nlohmann::json;

// An example question of `article` that, as a first message, is read as `lang` and answered at once.
std::string first_question(const Knowledge& kb, const std::string& article, const std::string& lang) {
  for (const auto& q : kb.content->find(article)->in(lang)->questions) {
    Understanding u = understand(kb, q, "auto");
    if (u.lang == lang && !u.triage.urgent && u.small_talk == SmallTalk::kNone &&
        u.match.outcome == MatchResult::Outcome::kConfident && u.match.article == article)
      return q;
  }
  FAIL("no example question of " << article << " is answered at once in " << lang);
  return "";
}

// The text of `key` in `lang` as the bot sends it: right-to-left text carries isolation marks.
std::string sent_text(const Knowledge& kb, const std::string& lang, const std::string& key) {
  std::string t = kb.locales->text(lang, key);
  return is_rtl_language(lang) ? text::isolate_ltr_runs(t) : t;
}

// What the store counted for `article` in `lang` ({views, helpful, not_helpful}), after the workers are done.
std::vector<int64_t> usage(testing::RunningBot& bot, const std::string& article, const std::string& lang) {
  bot.app().workers().wait_idle();
  for (const auto& u : bot.app().store().article_usage_since("2000-01-01"))
    if (u.article == article && u.lang == lang) return {u.views, u.helpful, u.not_helpful};
  return {0, 0, 0};
}

// The requests a stand-in received after the first `from`, once at least `n` more arrived.
std::vector<testing::FakeProvider::Request> new_requests(testing::FakeProvider& api, std::size_t from, std::size_t n) {
  auto all = api.wait_for(from + n);
  REQUIRE(all.size() >= from + n);
  return {all.begin() + static_cast<std::ptrdiff_t>(from), all.end()};
}

TEST_CASE("feedback on Telegram: an inline keyboard button, tapped as a callback_query") {
  testing::FakeProvider telegram({200, testing::read_fixture("telegram/send_ok.json")});
  testing::RunningBot bot(testing::telegram_config(telegram, ""));
  const Knowledge& kb = *bot.app().knowledge().current();
  const int64_t chat = 5550001;
  auto post = [&](const std::string& body) {
    auto r = bot.client().Post("/webhooks/telegram", {{"X-Telegram-Bot-Api-Secret-Token", testing::kTelegramSecret}},
                               body, "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
  };

  post(testing::telegram_update(chat, 1, first_question(kb, "age-assessment", "en")));
  auto sent = new_requests(telegram, 0, 2);  // the one-line welcome, then the answer
  json answer = json::parse(sent[1].body);
  REQUIRE(answer.contains("reply_markup"));
  std::vector<std::string> buttons;
  for (const auto& row : answer["reply_markup"]["inline_keyboard"]) buttons.push_back(row[0]["callback_data"]);
  REQUIRE(buttons.size() == kb.content->find("age-assessment")->related.size() + 2);
  CHECK(buttons[buttons.size() - 2] == "feedback:yes:age-assessment");
  CHECK(buttons.back() == "feedback:no:age-assessment");
  for (const auto& data : buttons) CHECK(data.size() <= 64);  // Telegram's limit for callback_data, in bytes
  CHECK(answer["reply_markup"]["inline_keyboard"].back()[0]["text"] == kb.locales->text("en", "feedback_no"));
  CHECK(usage(bot, "age-assessment", "en") == std::vector<int64_t>{1, 0, 0});

  // The person taps "no" (a CallbackQuery carrying the button's callback_data), then taps it again.
  auto tap = [&](int n, const std::string& data) {
    json u = json::parse(testing::read_fixture("telegram/callback_query.json"));
    u["update_id"] = chat * 100 + n;
    u["callback_query"]["id"] = "cbq" + std::to_string(n);
    u["callback_query"]["from"]["id"] = chat;
    u["callback_query"]["message"]["chat"]["id"] = chat;
    u["callback_query"]["data"] = data;
    post(u.dump());
  };
  const std::size_t before = telegram.requests().size();
  tap(2, buttons.back());
  auto after_tap = new_requests(telegram, before, 2);  // answerCallbackQuery, then the reply
  CHECK(after_tap[0].path == "/bot" + testing::kTelegramToken + "/answerCallbackQuery");
  json sorry = json::parse(after_tap[1].body);
  CHECK(sorry["text"] == kb.locales->text("en", "feedback_sorry"));
  REQUIRE(sorry["reply_markup"]["inline_keyboard"].size() == 2);
  CHECK(sorry["reply_markup"]["inline_keyboard"][1][0]["callback_data"] == "cmd:human");
  CHECK(usage(bot, "age-assessment", "en") == std::vector<int64_t>{1, 0, 1});

  tap(3, buttons.back());
  tap(4, buttons[buttons.size() - 2]);
  CHECK(usage(bot, "age-assessment", "en") == std::vector<int64_t>{1, 0, 1});  // answered: not counted again
}

TEST_CASE("feedback on WhatsApp: a reply button and a list row, in the person's language") {
  // The starter articles all have two related topics or more: with "yes" and "no" that is a list. An article
  // with none, as an editor may write one, leaves two entries: reply buttons.
  testing::ScratchDir content;
  std::filesystem::copy(testing::source_dir() + "/content", content.path(), std::filesystem::copy_options::recursive);
  std::ifstream in(content.file("articles/documents/tax-code.yaml"));
  std::string yaml((std::istreambuf_iterator<char>(in)), {});
  const std::string related = "related: [health-care, residence-permit-minor, work-rights]\n";
  REQUIRE(yaml.find(related) != std::string::npos);
  content.write("articles/documents/tax-code.yaml", yaml.replace(yaml.find(related), related.size(), "related: []\n"));

  testing::FakeProvider meta({200, testing::read_fixture("whatsapp/send_ok.json")});
  const std::string kAppSecret = "feedback-app-secret";
  Config config;
  config.content_dir = content.path().string();
  config.whatsapp.phone_number_id = "106540352242922";
  config.whatsapp.access_token = "EAAG";
  config.whatsapp.app_secret = kAppSecret;
  config.whatsapp.verify_token = "verify-me";
  config.whatsapp.api_base = meta.base_url();
  testing::RunningBot bot(config);
  const Knowledge& kb = *bot.app().knowledge().current();
  auto post = [&](const std::string& body) {
    auto r = bot.client().Post("/webhooks/whatsapp", {{"X-Hub-Signature-256", whatsapp::signature(kAppSecret, body)}},
                               body, "application/json");
    REQUIRE(r);
    CHECK(r->status == 200);
  };
  // A notification from `phone` as Meta sends it: text, or the reply to an interactive message
  // (tests/fixtures/whatsapp/button_reply.json, list_reply.json) naming the chosen entry's id and title.
  int n = 0;
  auto notify = [&](const std::string& phone, const std::string& fixture, const json& content) {
    auto j = json::parse(testing::read_fixture("whatsapp/" + fixture));
    auto& value = j["entry"][0]["changes"][0]["value"];
    value["contacts"][0]["wa_id"] = phone;
    auto& m = value["messages"][0];
    m["from"] = phone;
    m["id"] = "wamid.feedback." + std::to_string(++n);
    if (fixture == "text.json") m["text"]["body"] = content;
    else m["interactive"][m["interactive"]["type"].get<std::string>()] = content;
    post(j.dump());
  };

  struct Case {
    std::string phone, lang, article, kind, fixture;
  };
  for (const Case& c : {Case{"393330000101", "fr", "tax-code", "button", "button_reply.json"},
                        Case{"393330000102", "fa", "learn-italian", "list", "list_reply.json"}}) {
    CAPTURE(c.article);
    const std::size_t before = meta.requests().size();
    notify(c.phone, "text.json", first_question(kb, c.article, c.lang));
    auto sent = new_requests(meta, before, 2);
    json answer = json::parse(sent[1].body);
    REQUIRE_MESSAGE(answer["type"] == "interactive", answer.dump());
    REQUIRE(answer["interactive"]["type"] == c.kind);
    json entries = c.kind == "button" ? answer["interactive"]["action"]["buttons"]
                                      : answer["interactive"]["action"]["sections"][0]["rows"];
    json yes = c.kind == "button" ? entries[entries.size() - 2]["reply"] : entries[entries.size() - 2];
    CHECK(yes["id"] == "feedback:yes:" + c.article);
    CHECK(yes["title"] == sent_text(kb, c.lang, "feedback_yes"));

    json reply{{"id", yes["id"]}, {"title", yes["title"]}};
    if (c.kind == "list") reply["description"] = "";
    notify(c.phone, c.fixture, reply);
    auto thanks = new_requests(meta, before + 2, 1);
    CHECK(json::parse(thanks[0].body)["text"]["body"] ==
          sent_text(kb, c.lang, "feedback_thanks") + "\n" + sent_text(kb, c.lang, "menu_hint"));
    CHECK(usage(bot, c.article, c.lang) == std::vector<int64_t>{1, 1, 0});
    notify(c.phone, c.fixture, reply);  // the same entry again: answered, not counted
    new_requests(meta, before + 3, 1);
    CHECK(usage(bot, c.article, c.lang) == std::vector<int64_t>{1, 1, 0});
  }
}

TEST_CASE("feedback by SMS: the number of a numbered line") {
  testing::FakeProvider twilio({201, testing::read_fixture("twilio/send_201.json")});
  const std::string kAuthToken = "feedback-twilio-token", kPublicUrl = "https://bot.example.org";
  Config config;
  config.public_url = kPublicUrl;
  config.twilio = {"AC00000000000000000000000000000001", kAuthToken, "+390212345678", twilio.base_url()};
  testing::RunningBot bot(config);
  const Knowledge& kb = *bot.app().knowledge().current();
  int n = 0;
  auto text = [&](const std::string& body) {  // tests/fixtures/twilio/sms.form with its Body and ids changed
    std::string form = testing::read_fixture("twilio/sms.form");
    auto replace = [&](const std::string& from, const std::string& to) {
      for (auto pos = form.find(from); pos != std::string::npos; pos = form.find(from, pos + to.size()))
        form.replace(pos, from.size(), to);
    };
    replace("Body=hi", "Body=" + twilio::form_encode(body));
    replace("SM8f1b0c9e2d3a4b5c6d7e8f9a0b1c2d3e", "SM8f1b0c9e2d3a4b5c6d7e8f9a0b1c2d" + std::to_string(10 + ++n));
    httplib::Headers h{{"X-Twilio-Signature", twilio::signature(kAuthToken, kPublicUrl + "/webhooks/twilio",
                                                                twilio::parse_form(form))}};
    auto r = bot.client().Post("/webhooks/twilio", h, form, "application/x-www-form-urlencoded");
    REQUIRE(r);
    CHECK(r->status == 200);
  };
  auto body_of = [](const testing::FakeProvider::Request& r) { return twilio::parse_form(r.body).find("Body")->second; };

  text(first_question(kb, "tax-code", "uk"));
  testing::settle(twilio, 2);  // the welcome, then the answer split into messages of at most four segments
  const auto sent = twilio.requests();
  const std::string answer = body_of(sent.back());  // the numbered lines close the last one
  const std::string yes_line = ") " + kb.locales->text("uk", "feedback_yes");
  auto at = answer.find(yes_line);
  REQUIRE_MESSAGE(at != std::string::npos, answer);
  const std::string number = answer.substr(answer.rfind('\n', at) + 1, at - answer.rfind('\n', at) - 1);
  CHECK(number == std::to_string(kb.content->find("tax-code")->related.size() + 1));

  text(number);
  CHECK(body_of(new_requests(twilio, sent.size(), 1)[0]) ==
        kb.locales->text("uk", "feedback_thanks") + "\n" + kb.locales->text("uk", "menu_hint"));
  CHECK(usage(bot, "tax-code", "uk") == std::vector<int64_t>{1, 1, 0});
  text(number);  // the number again: no longer in the list, not counted
  CHECK(usage(bot, "tax-code", "uk") == std::vector<int64_t>{1, 1, 0});
}

TEST_CASE("feedback in the web chat: a button, in Arabic") {
  testing::RunningBot bot;
  const Knowledge& kb = *bot.app().knowledge().current();
  testing::WebChatUser user(bot, "feedbacc0feedbacc0feedbacc0feedbacc0");
  REQUIRE(user.send(first_question(kb, "school-education", "ar")) == 202);
  auto answer = user.replies(2);
  REQUIRE(answer.size() == 2);
  const json& no = answer[1]["choices"].back();
  CHECK(no["id"] == "feedback:no:school-education");
  CHECK(no["label"] == sent_text(kb, "ar", "feedback_no"));

  REQUIRE(user.send(no["id"], "choice") == 202);
  auto sorry = user.replies();
  REQUIRE(sorry.size() == 1);
  CHECK(sorry[0]["text"] == sent_text(kb, "ar", "feedback_sorry"));
  CHECK(usage(bot, "school-education", "ar") == std::vector<int64_t>{1, 0, 1});
}

}  // namespace
}  // namespace approdo
