#include "bot/text/stem.h"

#include <doctest/doctest.h>

#include "bot/text/normalize.h"

namespace approdo::text {
namespace {

// Two forms of a word that should meet after stemming, per language.
TEST_CASE("inflected forms meet at one stem") {
  struct Case {
    const char* lang;
    const char* a;
    const char* b;
  };
  const Case cases[] = {
      {"en", "documents", "document"}, {"en", "papers", "paper"},      {"en", "appealing", "appeal"},
      {"fr", "documents", "document"}, {"fr", "avocats", "avocat"},   {"it", "documenti", "documento"},
      {"ar", "الوثائق", "وثائق"},      {"ar", "المدرسة", "مدرسة"},      {"fa", "مدرکها", "مدرک"},
      {"fa", "می‌خواهم", "خواهم"},      {"fa", "بچه‌ها", "بچه"},          {"ps", "اسنادونه", "اسناد"},
      {"uk", "документи", "документ"}, {"uk", "документів", "документ"}, {"uk", "школою", "школа"},
      // A possessive after teh marbuta, written ت.
      {"ar", "مشكلتي", "مشكلة"},       {"ar", "اقامتك", "الاقامة"},      {"ar", "خصوصيتي", "خصوصية"},
      {"ar", "بطاقتها", "بطاقة"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.lang);
    CAPTURE(c.a);
    Stemmer s(c.lang);
    CHECK(s.stem(fold(c.a)) == s.stem(fold(c.b)));
  }
}

TEST_CASE("short words and unknown languages are left alone") {
  Stemmer fa("fa");
  CHECK(fa.stem("من") == "من");
  Stemmer ar("ar");
  CHECK(ar.stem(fold("بيتي")) != ar.stem(fold("بي")));  // "my house": too short to lose تي
  Stemmer none("xx");
  CHECK(none.stem("questura") == "questura");
  CHECK(none.stem("") == "");
}

}  // namespace
}  // namespace approdo::text
