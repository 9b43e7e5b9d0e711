// Golden transcripts: one whole conversation in each of the six languages, through the real pipeline (web chat
// over loopback HTTP → store → dialogue → outbox → long-poll), with a caseworker answering through the API.
// Every reply is asserted exactly; the expected texts are read from locales/ and content/, so an editor's change
// of wording does not break the test while any change of behaviour does.
#include <doctest/doctest.h>

#include "bot/core/language.h"
#include "bot/text/bidi.h"
#include "tests/running_bot.h"

namespace approdo {
namespace {

using nlohmann::json;

class Transcript {
 public:
  Transcript(testing::RunningBot& bot, std::string lang)
      : bot_(bot), lang_(std::move(lang)), user_(bot, session_for(lang_)), kb_(bot.app().knowledge().current()) {}

  const Knowledge& kb() const { return *kb_; }
  const std::string& lang() const { return lang_; }

  // What the bot sends for `text` in this language: right-to-left text carries isolation marks.
  std::string sent(const std::string& text) const {
    return is_rtl_language(lang_) ? text::isolate_ltr_runs(text) : text;
  }
  std::string t(const std::string& key) const { return sent(kb().locales->text(lang_, key)); }
  std::string word(const std::string& command) const {
    return kb().locales->find(lang_)->commands.at(command).front();
  }
  const ArticleText& article(const std::string& id) const { return *kb().content->find(id)->in(lang_); }

  int send_only(const std::string& text) { return user_.send(text); }

  // A first "hi" → welcome and the language list; the person picks this language by its number. Returns the
  // replies to the pick.
  std::vector<json> choose_language() {
    auto welcome = say("hi", 2);
    REQUIRE(welcome.size() == 2);
    std::size_t pick = 0;
    for (std::size_t i = 0; i < welcome[1]["choices"].size(); ++i)
      if (welcome[1]["choices"][i]["id"] == "lang:" + lang_) pick = i + 1;
    REQUIRE(pick > 0);
    return say(std::to_string(pick), 2);
  }

  // Sends `text` and returns the replies, waiting until at least `expect` have arrived.
  std::vector<json> say(const std::string& text, std::size_t expect = 1) {
    REQUIRE(user_.send(text) == 202);
    return user_.replies(expect);
  }

  // The expected first answer to an article: title, short text, "more" hint, related topics as choices, then
  // "did this help?" (yes, no) when `asked` — the first time the person reads the article.
  void expect_answer(const json& reply, const std::string& id, bool asked = true) const {
    const Article* a = kb().content->find(id);
    const ArticleText& tx = article(id);
    std::string text = tx.title + "\n" + tx.short_text + "\n\n" + kb().locales->text(lang_, "answer_more_hint");
    if (!a->related.empty()) text += "\n\n" + kb().locales->text(lang_, "related_intro");
    CHECK(reply["text"] == sent(text));
    REQUIRE(reply["choices"].size() == a->related.size() + (asked ? 2 : 0));
    for (std::size_t i = 0; i < a->related.size(); ++i) {
      CHECK(reply["choices"][i]["id"] == "article:" + a->related[i]);
      CHECK(reply["choices"][i]["label"] == sent(article(a->related[i]).title));
    }
    if (!asked) return;
    const std::size_t yes = a->related.size();
    CHECK(reply["choices"][yes]["id"] == "feedback:yes:" + id);
    CHECK(reply["choices"][yes]["label"] == t("feedback_yes"));
    CHECK(reply["choices"][yes + 1]["id"] == "feedback:no:" + id);
    CHECK(reply["choices"][yes + 1]["label"] == t("feedback_no"));
  }

  // An example question of `id` that the matcher answers with confidence and that is not an emergency.
  std::string confident_question(const std::string& id) const {
    for (const auto& q : article(id).questions) {
      auto m = kb().matcher->match(q, lang_);
      if (m.outcome == MatchResult::Outcome::kConfident && m.article == id && !kb().triage->assess(q).urgent)
        return q;
    }
    return "";
  }

  // A message that the matcher finds ambiguous: the titles of two articles side by side.
  std::pair<std::string, MatchResult> close_call() const {
    const auto& articles = kb().content->articles;
    for (const auto& a : articles)
      for (const auto& b : articles) {
        if (a.id >= b.id) continue;
        std::string text = a.in(lang_)->title + " " + b.in(lang_)->title;
        auto m = kb().matcher->match(text, lang_);
        if (m.outcome == MatchResult::Outcome::kCloseCall && !kb().triage->assess(text).urgent) return {text, m};
      }
    return {"", {}};
  }

  json api(const std::string& method, const std::string& path, const json& body = json::object()) {
    auto c = bot_.client();
    httplib::Headers h{{"Authorization", "Bearer test-token"}};
    auto r = method == "GET" ? c.Get(path.c_str(), h) : c.Post(path.c_str(), h, body.dump(), "application/json");
    REQUIRE(r);
    CHECK(r->status < 300);
    return json::parse(r->body);
  }

 private:
  static std::string session_for(const std::string& lang) {
    std::string s = "feedfacefeedface";
    for (char c : lang) s += "0123456789abcdef"[static_cast<unsigned char>(c) % 16];
    return s + "00000000000000";
  }

  testing::RunningBot& bot_;
  std::string lang_;
  testing::WebChatUser user_;
  std::shared_ptr<const Knowledge> kb_;
};

void run_transcript(const std::string& lang) {
  Config config;
  config.api_token = "test-token";
  testing::RunningBot bot(config);
  Transcript tr(bot, lang);
  const auto& kb = tr.kb();

  // Welcome, language list; the person picks their language by number.
  auto menu = tr.choose_language();
  REQUIRE(menu.size() == 2);
  CHECK(menu[0]["text"] == tr.t("language_set"));
  CHECK(menu[1]["text"] == tr.t("main_menu"));
  CHECK(menu[1]["choices"][0]["label"] == tr.sent(kb.content->menu[0].label.at(lang)));

  // A question → the short answer with related topics and "did this help?".
  std::string question = tr.confident_question("age-assessment");
  REQUIRE_MESSAGE(!question.empty(), "no confident example question for age-assessment in " << lang);
  auto answer = tr.say(question);
  REQUIRE(answer.size() == 1);
  tr.expect_answer(answer[0], "age-assessment");
  CHECK(answer[0]["lang"] == lang);

  // MORE → the body; the related topics again, and the question not answered yet.
  auto more = tr.say(tr.word("more"));
  REQUIRE(more.size() == 1);
  CHECK(more[0]["text"] == tr.sent(tr.article("age-assessment").body + "\n\n" +
                                   kb.locales->text(lang, "related_intro")));
  const std::size_t related_count = kb.content->find("age-assessment")->related.size();
  REQUIRE(more[0]["choices"].size() == related_count + 2);
  CHECK(more[0]["choices"][related_count]["id"] == "feedback:yes:age-assessment");

  // "Yes, it helped" by its number → thanks, counted once in this language.
  auto helped = tr.say(std::to_string(related_count + 1));
  REQUIRE(helped.size() == 1);
  CHECK(helped[0]["text"] == tr.sent(kb.locales->text(lang, "feedback_thanks") + "\n" +
                                     kb.locales->text(lang, "menu_hint")));
  bot.app().workers().wait_idle();
  auto usage = bot.app().store().article_usage_since("2000-01-01");
  REQUIRE(usage.size() == 1);
  CHECK(usage[0].article == "age-assessment");
  CHECK(usage[0].lang == lang);
  CHECK(usage[0].helpful == 1);
  CHECK(usage[0].not_helpful == 0);

  // A related topic by number.
  const std::string related = kb.content->find("age-assessment")->related[0];
  auto rel = tr.say("1");
  REQUIRE(rel.size() == 1);
  tr.expect_answer(rel[0], related);

  // An ambiguous question → "did you mean" with the candidates.
  auto [ambiguous, match] = tr.close_call();
  REQUIRE_MESSAGE(!ambiguous.empty(), "no close call found in " << lang);
  auto dym = tr.say(ambiguous, 2);
  REQUIRE(dym.size() == 2);
  CHECK(dym[0]["text"] == tr.sent(kb.locales->text(lang, "did_you_mean") + "\n"));
  CHECK(dym[0]["choices"][0]["id"] == "article:" + match.article);
  CHECK(dym[0]["choices"][0]["label"] == tr.sent(tr.article(match.article).title));
  CHECK(dym[1]["text"] == tr.t("did_you_mean_hint"));

  // Thanks, with a word more, in the person's language → thanked back, not an article about brothers.
  std::string thanks;
  for (const auto& w : kb.locales->find(lang)->small_talk.at("thanks").front()) thanks += w + " ";
  auto welcome_back = tr.say(thanks + (lang == "en" ? "bro" : "123"));
  REQUIRE(welcome_back.size() == 1);
  CHECK(welcome_back[0]["text"] == tr.t("small_talk_thanks"));

  // Nonsense → not understood; twice → the caseworker is offered first.
  auto miss = tr.say("zzqx vvbrt kkplm");
  REQUIRE(miss.size() == 1);
  CHECK(miss[0]["text"] == tr.t("no_match"));
  CHECK(miss[0]["choices"][0]["id"] == "menu:main");
  auto miss2 = tr.say("qqwv xxzk bbnm");
  REQUIRE(miss2.size() == 1);
  CHECK(miss2[0]["text"] == tr.t("no_match_again"));
  CHECK(miss2[0]["choices"][0]["id"] == "cmd:human");

  // HUMAN → a ticket; the person is told their place in the queue.
  auto human = tr.say(tr.word("human"));
  REQUIRE(human.size() == 1);
  CHECK(human[0]["text"] == tr.sent(kb.locales->plural(lang, "handoff_opened", "position", 0)));
  auto tickets = tr.api("GET", "/api/v1/tickets")["tickets"];
  REQUIRE(tickets.size() == 1);
  CHECK(tickets[0]["lang"] == lang);
  CHECK(tickets[0]["channel"] == "webchat");

  // While handed off the bot stays quiet; the caseworker's reply reaches the person on their channel.
  std::string id = std::to_string(tickets[0]["id"].get<int64_t>());
  tr.api("POST", "/api/v1/tickets/" + id + "/reply", {{"text", "Ciao, sono Giulia. Come posso aiutarti?"}});
  auto reply = tr.say("grazie");  // the person writes; only the caseworker's message arrives
  REQUIRE(reply.size() == 1);
  CHECK(reply[0]["text"] == tr.sent("Ciao, sono Giulia. Come posso aiutarti?"));
  bot.app().workers().wait_idle();
  int64_t outbox_after_reply = bot.app().store().count("outbox");

  // The caseworker closes → the bot says so and is back.
  tr.api("POST", "/api/v1/tickets/" + id + "/close", {{"outcome", "age assessment"}});
  auto back = tr.say(tr.word("menu"), 2);
  REQUIRE(back.size() == 2);
  CHECK(back[0]["text"] == tr.t("handoff_ended"));
  CHECK(back[1]["text"] == tr.t("main_menu"));
  CHECK(bot.app().store().count("outbox") == outbox_after_reply + 2);  // "grazie" got no bot reply

  // STOP → silence until START.
  auto stop = tr.say(tr.word("stop"));
  REQUIRE(stop.size() == 1);
  CHECK(stop[0]["text"] == tr.t("stopped"));
  int64_t outbox_stopped = bot.app().store().count("outbox");
  REQUIRE(tr.send_only(tr.word("help")) == 202);
  bot.app().workers().wait_idle();
  CHECK(bot.app().store().count("outbox") == outbox_stopped);
  auto start = tr.say(tr.word("start"));
  REQUIRE(start.size() == 1);
  CHECK(start[0]["text"] == tr.t("started"));

  // DELETE → confirm → everything about the person is gone.
  auto del = tr.say(tr.word("delete"));
  REQUIRE(del.size() == 1);
  CHECK(del[0]["text"] == tr.t("delete_confirm"));
  REQUIRE(del[0]["choices"].size() == 2);
  auto done = tr.say(tr.word("yes"));
  REQUIRE(done.size() == 1);
  CHECK(done[0]["text"] == tr.t("delete_done"));
  bot.app().workers().wait_idle();
  auto& store = bot.app().store();
  CHECK(store.count("conversations") == 0);
  CHECK(store.count("messages") == 0);
  CHECK(store.open_tickets().empty());
}

// The queue's length is read from the store only when someone is handed over: each person asking for a human
// is told how many people wait before them.
TEST_CASE("people handed over are told how many wait before them") {
  Config config;
  testing::RunningBot bot(config);
  int waiting = 0;
  for (const std::string lang : {"en", "fr", "uk"}) {
    Transcript tr(bot, lang);
    REQUIRE(tr.choose_language().size() == 2);
    auto human = tr.say(tr.word("human"));
    REQUIRE(human.size() == 1);
    CHECK(human[0]["text"] == tr.sent(tr.kb().locales->plural(lang, "handoff_opened", "position", waiting++)));
  }
  CHECK(bot.app().store().waiting_tickets() == 3);
}

TEST_CASE("golden transcript: English") { run_transcript("en"); }
TEST_CASE("golden transcript: French") { run_transcript("fr"); }
TEST_CASE("golden transcript: Arabic") { run_transcript("ar"); }
TEST_CASE("golden transcript: Dari") { run_transcript("fa"); }
TEST_CASE("golden transcript: Pashto") { run_transcript("ps"); }
TEST_CASE("golden transcript: Ukrainian") { run_transcript("uk"); }

}  // namespace
}  // namespace approdo
