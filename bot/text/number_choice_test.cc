#include "bot/text/number_choice.h"

#include <doctest/doctest.h>

namespace approdo::text {
namespace {

TEST_CASE("menu choices in any script") {
  struct Case {
    const char* in;
    std::optional<int> out;
  };
  const Case cases[] = {
      {"2", 2},     {" 2. ", 2},   {"2)", 2},     {"۲", 2},      {"٢", 2},       {"١٢", 12},
      {"(3)", 3},   {"0", 0},      {"100", 100},  {"1000", {}},  {"1 2", {}},    {"2a", {}},
      {"", {}},     {"  ", {}},    {"hi", {}},    {"2 please", {}}, {"-5", 5},   {"\u200F۳\u200F", 3},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    CHECK(read_choice_number(c.in) == c.out);
  }
}

}  // namespace
}  // namespace approdo::text
