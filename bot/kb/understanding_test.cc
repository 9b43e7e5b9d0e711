#include "bot/kb/understanding.h"

#include <doctest/doctest.h>

#include "bot/dialogue/dialogue.h"
#include "tests/test_support.h"

namespace approdo {
namespace {

const Knowledge& starter_kb() {
  static const KnowledgeLoad load = load_knowledge(testing::source_dir() + "/content", testing::source_dir() + "/locales");
  REQUIRE(load.knowledge);
  return *load.knowledge;
}

// The articles the dialogue sends, in order ("article:<id>" sources).
std::vector<std::string> articles_sent(const std::string& text) {
  InboundMessage m;
  m.channel = "webchat";
  m.text = text;
  dialogue::ConversationState s;
  s.lang = "en";
  s.stage = dialogue::Stage::kReady;
  dialogue::Turn turn = dialogue::respond(starter_kb(), s, "bot", m, {});
  std::vector<std::string> out;
  for (const auto& r : turn.replies)
    if (r.source.rfind("article:", 0) == 0) out.push_back(r.source.substr(8));
  return out;
}

TEST_CASE("urgent: after the emergency numbers, the article of what the message is about") {
  const Knowledge& kb = starter_kb();
  // Danger (a knife) whose words are, with confidence, about violence at home: the violence article follows.
  // (Not a partner: "my husband" with a knife is violence for the triage itself.)
  const std::string at_home = "he threatens me with a knife, domestic violence at home, where can women get help";
  Understanding u = understand(kb, at_home, "en");
  REQUIRE(u.triage.urgent);
  CHECK(u.triage.category == "danger");
  CHECK(u.match.outcome == MatchResult::Outcome::kConfident);
  CHECK(u.article() == "gender-based-violence");
  CHECK(articles_sent(at_home) == std::vector<std::string>{"emergency-numbers", "gender-based-violence"});

  // Danger with no confident topic: the emergency numbers alone.
  const std::string knife = "someone threatens me with a knife";
  CHECK(understand(kb, knife, "en").article() == "emergency-numbers");
  CHECK(articles_sent(knife) == std::vector<std::string>{"emergency-numbers"});
  // A partner with a knife: violence, whatever else the message says.
  Understanding partner = understand(kb, "my husband threatens me with a knife", "en");
  CHECK(partner.triage.category == "violence");
  CHECK(partner.article() == "gender-based-violence");

  // A category with its own article keeps it, whatever the match.
  Understanding hit = understand(kb, "my boyfriend locks me in the flat and hits me", "en");
  REQUIRE(hit.triage.urgent);
  CHECK(hit.article() == "gender-based-violence");
}

TEST_CASE("urgent_article keeps the triage's article unless the numbers alone would be sent") {
  const Knowledge& kb = starter_kb();
  TriageResult danger{true, "danger", "emergency-numbers"};
  auto matched = [](MatchResult::Outcome outcome, std::string article, double score) {
    MatchResult m;
    m.outcome = outcome;
    m.article = std::move(article);
    m.score = score;
    return m;
  };
  MatchResult about_school = matched(MatchResult::Outcome::kConfident, "school-education", 0.8);
  MatchResult about_violence = matched(MatchResult::Outcome::kConfident, "gender-based-violence", 0.8);
  MatchResult unsure_violence = matched(MatchResult::Outcome::kCloseCall, "gender-based-violence", 0.2);
  CHECK(urgent_article(kb, danger, about_school) == "emergency-numbers");  // not a safety article
  CHECK(urgent_article(kb, danger, about_violence) == "gender-based-violence");
  CHECK(urgent_article(kb, danger, unsure_violence) == "emergency-numbers");
  TriageResult trafficking{true, "trafficking", "trafficking-exploitation"};
  CHECK(urgent_article(kb, trafficking, about_violence) == "trafficking-exploitation");
}

}  // namespace
}  // namespace approdo
