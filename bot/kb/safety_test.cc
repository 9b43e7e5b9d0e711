#include "bot/kb/safety.h"

#include <doctest/doctest.h>

namespace approdo {
namespace {

SafetyTriage triage_of(std::map<std::string, std::vector<std::string>> phrases) {
  Content content;
  content.safety.push_back({"trafficking", "trafficking-exploitation", std::move(phrases)});
  return SafetyTriage(content);
}

TEST_CASE("phrases meet messages in order, with at most two words between, prefixes with '*'") {
  auto triage = triage_of({{"en", {"took my passport", "lock* me in"}}});
  CHECK(triage.assess("the boss took my passport").urgent);
  CHECK(triage.assess("he TOOK all of my passport").urgent);          // two words between
  CHECK(!triage.assess("he took it and then my old passport").urgent);  // three
  CHECK(triage.assess("they locked me in").urgent);
  CHECK(!triage.assess("my passport was took").urgent);  // out of order
  CHECK(triage.assess("they locked me in").category == "trafficking");
}

TEST_CASE("an Arabic 'and' joined to a word still meets the phrase's bare word") {
  auto triage = triage_of({{"ar", {"قفلوا علي الباب", "ما بيخلوني اطلع", "اخذوا جوازي"}}});
  CHECK(triage.assess("اخدوا جوازي وقفلوا علي الباب").urgent);  // و + the phrase's first word
  CHECK(triage.assess("بيشغلوني بالغصب وما بيخلوني اطلع").urgent);
  CHECK(triage.assess("واخذوا وجوازي").urgent);  // on every word of the phrase
  CHECK(!triage.assess("وقفلوا المحل بدري").urgent);  // the first word alone is not the phrase
  // Two letters left are enough ("وما" is "and not"); one is not a word of its own.
  CHECK(triage_of({{"ar", {"ما اكلت"}}}).assess("وما اكلت").urgent);
  CHECK(!triage_of({{"ar", {"ل صغير"}}}).assess("ول صغير").urgent);
}

}  // namespace
}  // namespace approdo
