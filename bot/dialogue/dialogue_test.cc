#include "bot/dialogue/dialogue.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "bot/kb/knowledge.h"
#include "bot/text/bidi.h"
#include "bot/text/utf8.h"
#include "tests/test_support.h"

namespace approdo::dialogue {
namespace {

const Knowledge& starter_kb() {
  static const KnowledgeLoad load =
      load_knowledge(testing::source_dir() + "/content", testing::source_dir() + "/locales");
  REQUIRE(load.knowledge);
  return *load.knowledge;
}

// One conversation driven turn by turn, its state carried over as the worker carries it (through JSON).
class Chat {
 public:
  explicit Chat(std::string lang, const Knowledge& kb = starter_kb()) : kb_(kb) {
    state_.lang = std::move(lang);
    state_.stage = Stage::kReady;
  }

  const Turn& write(const std::string& text) { return step(InboundMessage::Kind::kText, text); }
  const Turn& tap(const std::string& choice_id) { return step(InboundMessage::Kind::kChoice, choice_id); }

  const ConversationState& state() const { return state_; }
  std::string t(const std::string& key) const { return kb_.locales->text(state_.lang, key); }

 private:
  const Turn& step(InboundMessage::Kind kind, const std::string& text) {
    InboundMessage m;
    m.channel = "webchat";
    m.kind = kind;
    m.text = text;
    last_ = respond(kb_, state_, status_, m, {});
    state_ = state_from_json(to_json(last_.state));
    status_ = last_.status;
    return last_;
  }

  const Knowledge& kb_;
  ConversationState state_;
  std::string status_ = "bot";
  Turn last_;
};

std::vector<std::string> ids(const std::vector<Choice>& choices) {
  std::vector<std::string> out;
  for (const auto& c : choices) out.push_back(c.id);
  return out;
}

std::vector<std::string> related_ids(const std::string& article) {
  std::vector<std::string> out;
  for (const auto& r : starter_kb().content->find(article)->related) out.push_back("article:" + r);
  return out;
}

// The related articles, then "did this help?" about `article`.
std::vector<std::string> with_feedback(std::vector<std::string> choices, const std::string& article) {
  choices.push_back("feedback:yes:" + article);
  choices.push_back("feedback:no:" + article);
  return choices;
}

bool offers_feedback(const Turn& turn) {
  for (const auto& r : turn.replies)
    for (const auto& c : r.choices)
      if (c.id.starts_with("feedback:")) return true;
  for (const auto& c : turn.state.choices)
    if (c.id.starts_with("feedback:")) return true;
  return false;
}

bool same(const std::vector<ArticleFeedback>& got, const std::vector<ArticleFeedback>& want) {
  if (got.size() != want.size()) return false;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (got[i].article != want[i].article || got[i].helpful != want[i].helpful) return false;
  return true;
}

TEST_CASE("did this help?: two entries after the related articles, asked once per article") {
  Chat chat("en");
  const Turn& first = chat.tap("article:age-assessment");
  REQUIRE(first.replies.size() == 1);
  const auto& choices = first.replies[0].choices;
  CHECK(ids(choices) == with_feedback(related_ids("age-assessment"), "age-assessment"));
  CHECK(choices[choices.size() - 2].label == chat.t("feedback_yes"));
  CHECK(choices.back().label == chat.t("feedback_no"));
  CHECK(ids(chat.state().choices) == ids(choices));  // "5" and "6" mean yes and no
  CHECK(first.feedback.empty());                       // offered, not yet answered

  // The same article again, by button or by question: the related articles only.
  CHECK(ids(chat.tap("article:age-assessment").replies[0].choices) == related_ids("age-assessment"));
  CHECK(ids(chat.write("they say I am an adult but I am 16, how is my age assessed?").replies.back().choices) ==
        related_ids("age-assessment"));
  CHECK(chat.state().feedback.size() == 1);

  // Another article is asked about in its turn.
  CHECK(ids(chat.tap("article:tax-code").replies[0].choices) == with_feedback(related_ids("tax-code"), "tax-code"));
}

TEST_CASE("did this help?: never after urgent or safety answers, nor on 'did you mean'") {
  Chat danger("en");
  const Turn& urgent = danger.write("my husband threatens me with a knife, domestic violence, where can women get help");
  REQUIRE(urgent.ticket);
  CHECK(urgent.ticket->priority == "urgent");
  CHECK(urgent.replies.size() == 3);  // the numbers, the violence article, the caseworker is coming
  CHECK_FALSE(offers_feedback(urgent));
  CHECK(danger.state().feedback.empty());

  // Safety articles reached calmly (from the menu) are not rated either.
  for (const char* id : {"emergency-numbers", "gender-based-violence", "trafficking-exploitation",
                         "mental-health-support", "family-tracing"}) {
    Chat calm("en");
    CAPTURE(id);
    const Turn& turn = calm.tap(std::string("article:") + id);
    REQUIRE(turn.replies.size() == 1);
    CHECK(turn.replies[0].source == std::string("article:") + id);
    CHECK_FALSE(offers_feedback(turn));
  }

  // Unsure which article was meant: the candidates only; picking one is an answer, and is asked about.
  const std::string unsure = "documents";
  REQUIRE(starter_kb().matcher->match(unsure, "en").outcome == MatchResult::Outcome::kCloseCall);
  Chat chat("en");
  const Turn& dym = chat.write(unsure);
  REQUIRE(dym.replies.size() == 2);
  CHECK(dym.replies[0].source == "locale:did_you_mean");
  CHECK_FALSE(offers_feedback(dym));
  const std::string first = dym.replies[0].choices[0].id;
  CHECK(offers_feedback(chat.write("1")));
  CHECK(chat.state().feedback.at(0).article == first.substr(8));
}

TEST_CASE("did this help?: a tap is counted once, whether a number, a button or an old button") {
  Chat chat("en");
  chat.tap("article:age-assessment");
  const std::size_t yes = related_ids("age-assessment").size() + 1;

  const Turn& tapped = chat.write(std::to_string(yes));  // SMS: the number of the entry
  CHECK(same(tapped.feedback, {{"age-assessment", true}}));
  REQUIRE(tapped.replies.size() == 1);
  CHECK(tapped.replies[0].text == chat.t("feedback_thanks") + "\n" + chat.t("menu_hint"));
  CHECK(ids(chat.state().choices) == related_ids("age-assessment"));  // 1..n still mean the related articles
  CHECK(chat.state().feedback.at(0).answered);

  // The buttons stay on the person's screen: tapping again is answered, never counted again.
  CHECK(chat.tap("feedback:yes:age-assessment").feedback.empty());
  const Turn& changed_mind = chat.tap("feedback:no:age-assessment");
  CHECK(changed_mind.feedback.empty());
  CHECK(changed_mind.replies.at(0).source == "locale:feedback_sorry");
  // ...and its number means nothing any more.
  CHECK(chat.write(std::to_string(yes)).replies.at(0).source == "locale:choice_invalid");

  // A button of an older list, after another article was answered: counted, once.
  chat.tap("article:tax-code");
  chat.tap("article:school-education");
  CHECK(same(chat.tap("feedback:no:tax-code").feedback, {{"tax-code", false}}));
  CHECK(chat.tap("feedback:no:tax-code").feedback.empty());
  // A tap about an article the person was never asked about (a made-up button) is not counted.
  CHECK(chat.tap("feedback:yes:turning-18").feedback.empty());
  CHECK(chat.tap("feedback:yes:no-such-article").feedback.empty());
}

TEST_CASE("did this help?: no → other words, the topics or a person") {
  Chat chat("en");
  chat.tap("article:tax-code");
  const Turn& no = chat.write(std::to_string(related_ids("tax-code").size() + 2));
  CHECK(same(no.feedback, {{"tax-code", false}}));
  REQUIRE(no.replies.size() == 1);
  CHECK(no.replies[0].text == chat.t("feedback_sorry"));
  CHECK(ids(no.replies[0].choices) == std::vector<std::string>{"menu:main", "cmd:human"});
  CHECK(chat.write("2").ticket);  // a person, by number
}

TEST_CASE("did this help?: MORE keeps an open question in its list; an answered one is gone") {
  Chat chat("en");
  chat.tap("article:age-assessment");
  const Turn& more = chat.write("more");
  CHECK(ids(more.replies.at(0).choices) == with_feedback(related_ids("age-assessment"), "age-assessment"));
  CHECK(chat.state().feedback.size() == 1);  // the same question, not asked anew

  chat.tap("article:tax-code");
  chat.tap("feedback:yes:tax-code");
  CHECK(ids(chat.write("more").replies.at(0).choices) == related_ids("tax-code"));
}

TEST_CASE("did this help?: the articles asked about are remembered, at most kFeedbackMemory") {
  Chat chat("en");
  std::vector<std::string> asked;
  for (const auto& a : starter_kb().content->articles) {
    if (!offers_feedback(chat.tap("article:" + a.id))) continue;
    asked.push_back(a.id);
  }
  REQUIRE(asked.size() > kFeedbackMemory);  // the bound is reached
  REQUIRE(chat.state().feedback.size() == kFeedbackMemory);
  CHECK(chat.state().feedback.front().article == asked[asked.size() - kFeedbackMemory]);
  CHECK(chat.state().feedback.back().article == asked.back());
  // The oldest was forgotten: it may be asked about again; the newest may not.
  CHECK(offers_feedback(chat.tap("article:" + asked.front())));
  CHECK_FALSE(offers_feedback(chat.tap("article:" + asked.back())));
}

TEST_CASE("did this help?: right-to-left labels are isolated like every label") {
  // The Arabic buttons with a Latin word in them, as an editor may write: the word must not be reordered.
  testing::ScratchDir locales;
  for (const auto& f : std::filesystem::directory_iterator(testing::source_dir() + "/locales"))
    std::filesystem::copy_file(f.path(), locales.path() / f.path().filename());
  std::string ar = [&] {
    std::ifstream in(locales.file("ar.yaml"));
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }();
  const std::string yes_line = "  feedback_yes: \"نعم، ساعدني\"";
  auto pos = ar.find(yes_line);
  REQUIRE(pos != std::string::npos);
  ar.replace(pos, yes_line.size(), "  feedback_yes: \"نعم، Approdo ساعدني\"");
  locales.write("ar.yaml", ar);
  KnowledgeLoad load = load_knowledge(testing::source_dir() + "/content", locales.path().string());
  REQUIRE(load.knowledge);

  Chat chat("ar", *load.knowledge);
  const Turn& turn = chat.tap("article:tax-code");
  const Choice& yes = turn.replies.at(0).choices.at(turn.replies[0].choices.size() - 2);
  CHECK(yes.id == "feedback:yes:tax-code");
  CHECK(yes.label == text::isolate_ltr_runs("نعم، Approdo ساعدني"));
  CHECK(yes.label != "نعم، Approdo ساعدني");  // the marks are there
  CHECK(turn.replies[0].choices.back().label == text::isolate_ltr_runs(chat.t("feedback_no")));
}

TEST_CASE("did this help?: every language's buttons fit WhatsApp's 20-character reply buttons") {
  for (const auto& entry : starter_kb().locales->all()) {
    const std::string& code = entry.first;  // a plain name CAPTURE can take (clang: no structured bindings)
    CAPTURE(code);
    for (const char* key : {"feedback_yes", "feedback_no"}) {
      CAPTURE(key);
      CHECK(text::count_code_points(entry.second.messages.at(key)) <= 20);
    }
  }
}

}  // namespace
}  // namespace approdo::dialogue
