#include "bot/text/bidi.h"

#include <doctest/doctest.h>

namespace approdo::text {
namespace {

TEST_CASE("numbers and Latin runs in right-to-left text are isolated with LRM") {
  struct Case {
    const char* in;
    const char* out;
  };
  const Case cases[] = {
      {"زنگ بزنید به 800 290 290 یا 112.", "زنگ بزنید به \u200E800 290 290\u200E یا \u200E112\u200E."},
      {"اتصل بـ +39 06 1234", "اتصل بـ \u200E+39 06 1234\u200E"},
      {"سایت www.interno.gov.it را ببینید", "سایت \u200Ewww.interno.gov.it\u200E را ببینید"},
      {"ساعت 9:00 تا 18:00", "ساعت \u200E9:00\u200E تا \u200E18:00\u200E"},
      {"only latin 112", "only latin 112"},  // nothing right-to-left: unchanged
      {"", ""},
      {"سلام", "سلام"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.in);
    CHECK(isolate_ltr_runs(c.in) == c.out);
  }
}

TEST_CASE("isolating twice gives the same text") {
  std::string once = isolate_ltr_runs("شماره 1522 است");
  CHECK(isolate_ltr_runs(once) == once);
}

}  // namespace
}  // namespace approdo::text
