// anonymise_question: what the gap report keeps of a question the bot could not answer.
#include <doctest/doctest.h>

#include "bot/dialogue/dialogue.h"

namespace approdo::dialogue {
namespace {

TEST_CASE("anonymise_question: numbers in any digits, phone numbers and e-mail addresses are not kept") {
  struct Case {
    const char* given;
    const char* kept;
  };
  const Case cases[] = {
      {"I am 16 years old", "I am # years old"},
      {"call me 333 123 4567 please", "call me # please"},
      {"born 16/04/2010.", "born #."},
      {"my number +39-333-1234567", "my number +#"},
      {"write to ali.k@example.org or @ali_k", "write to <email> or <email>"},
      {"من ۱۶ سالمه", "من # سالمه"},            // Persian digits (Dari)
      {"عمري ١٦ سنة", "عمري # سنة"},            // Arabic-Indic digits
      {"мені 16 років", "мені # років"},
      {"ｔｅｌ ０３３３１２３", "ｔｅｌ #"},      // fullwidth
      {"no numbers here", "no numbers here"},
      {"", ""},
      {"1", "#"},
      {"a - b", "a - b"},
  };
  for (const auto& c : cases) CHECK_MESSAGE(anonymise_question(c.given) == c.kept, c.given);
}

TEST_CASE("anonymise_question: broken UTF-8 is not read past its end") {
  std::string broken = "age \xD9";  // a cut Arabic letter
  CHECK(anonymise_question(broken) == broken);
  CHECK(anonymise_question("\xDB\xB1\xDB") == "#\xDB");  // ۱ then a cut one
}

}  // namespace
}  // namespace approdo::dialogue
