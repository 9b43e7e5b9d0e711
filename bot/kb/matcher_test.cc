#include "bot/kb/matcher.h"

#include <doctest/doctest.h>

namespace approdo {
namespace {

Article article(std::string id, std::string title, std::vector<std::string> keywords,
                std::vector<std::string> questions, std::string body = "") {
  Article a;
  a.id = std::move(id);
  ArticleText& en = a.text["en"];
  en.title = std::move(title);
  en.keywords = std::move(keywords);
  en.questions = std::move(questions);
  en.short_text = en.title;
  en.body = std::move(body);
  return a;
}

// A small knowledge base where "hours" is in three articles (a keyword of one of them) and "turn" and "18" are
// in two, side by side in only one of them.
Content small_content() {
  Content c;
  c.articles.push_back(article("turning-18", "When you turn 18", {"turn 18", "adult"},
                               {"what changes when I turn 18"}, "From then on you are an adult."));
  c.articles.push_back(article("age-check", "Age check", {"age", "bones"},
                               {"they say I am 18 but I am not", "can the doctor turn my age into 18",
                                "an x-ray of my bones"},
                               "Ask for the age check."));
  c.articles.push_back(article("work", "Work", {"hours", "job"}, {"how many hours can I work"},
                               "A job has fixed hours."));
  c.articles.push_back(article("school", "Going to school", {"school", "enrol"}, {"can I go to school"},
                               "School hours are from 8."));
  c.articles.push_back(article("doctor", "Seeing a doctor", {"doctor", "tessera sanitaria"},
                               {"where is a doctor"}, "The doctor has opening hours."));
  return c;
}

TEST_CASE("matcher: the article that has the message's words side by side comes first") {
  Content c = small_content();
  MatcherTuning no_pairs;
  no_pairs.phrase_weight = 0;
  MatchResult with = Matcher(c).match("turn 18", "en");
  MatchResult without = Matcher(c, no_pairs).match("turn 18", "en");
  CHECK(with.article == "turning-18");
  CHECK(with.outcome == MatchResult::Outcome::kConfident);
  // The pair is a bonus: the same words apart score no more than they did.
  CHECK(with.score > without.score);
  CHECK(Matcher(c).match("18 turn", "en").score <= with.score);
}

TEST_CASE("matcher: a message whose only known word is common is not answered at once") {
  Content c = small_content();
  MatcherTuning no_gate;
  no_gate.min_evidence = 0;
  // Without the evidence gate "hours" alone looks like a confident answer: it is all the message says.
  MatchResult ungated = Matcher(c, no_gate).match("hours", "en");
  MatchResult gated = Matcher(c).match("hours", "en");
  CHECK(ungated.outcome == MatchResult::Outcome::kConfident);
  CHECK(gated.article == "work");
  CHECK(gated.evidence < 1.2);
  CHECK(gated.outcome == MatchResult::Outcome::kCloseCall);
  // Two words only one article has are evidence enough.
  MatchResult bones = Matcher(c).match("bones ray", "en");
  CHECK(bones.article == "age-check");
  CHECK(bones.evidence >= 1.2);
  CHECK(bones.outcome == MatchResult::Outcome::kConfident);
}

TEST_CASE("matcher: typos are looked up among words, gibberish matches nothing") {
  Content c = small_content();
  MatchResult typo = Matcher(c).match("tessera sanitria", "en");
  CHECK(typo.article == "doctor");
  MatchResult none = Matcher(c).match("xyzzy blorf quux", "en");
  CHECK(none.article.empty());
  CHECK(none.outcome == MatchResult::Outcome::kNoMatch);
  CHECK(Matcher(c).match("", "en").outcome == MatchResult::Outcome::kNoMatch);
}

}  // namespace
}  // namespace approdo
