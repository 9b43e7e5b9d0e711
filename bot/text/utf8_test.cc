#include "bot/text/utf8.h"

#include <doctest/doctest.h>

namespace approdo::text {
namespace {

TEST_CASE("UTF-8 validity follows RFC 3629") {
  struct Case {
    std::string bytes;
    bool valid;
  };
  const Case cases[] = {
      {"", true},
      {"hello", true},
      {"کجا بروم؟", true},
      {"\xF0\x9F\x98\x80", true},       // emoji
      {"\xC0\xAF", false},              // overlong '/'
      {"\xE0\x80\xAF", false},          // overlong
      {"\xED\xA0\x80", false},          // surrogate
      {"\xF4\x90\x80\x80", false},      // above U+10FFFF
      {"\xE2\x82", false},              // truncated
      {"\x80", false},                  // lone continuation
      {"\xFF", false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.bytes);
    CHECK(is_valid_utf8(c.bytes) == c.valid);
  }
}

TEST_CASE("scrubbing replaces invalid bytes and drops control characters") {
  CHECK(scrub_utf8("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
  CHECK(scrub_utf8(std::string("a\0b", 3)) == "ab");
  CHECK(scrub_utf8("line1\nline2\tx\x1B[31m") == "line1\nline2\tx[31m");
  CHECK(scrub_utf8("\xC2\x85" "x") == "x");  // C1 control NEL
  CHECK(is_valid_utf8(scrub_utf8("\xE2\x82\xF0\x9F")));
  // RIGHT-TO-LEFT OVERRIDE and FIRST STRONG ISOLATE go; LEFT-TO-RIGHT MARK (needed in RTL text) stays.
  CHECK(scrub_utf8("call \xE2\x80\xAE" "123\xE2\x81\xA8" "x\xE2\x80\x8E") == "call 123x\xE2\x80\x8E");
}

TEST_CASE("truncation never cuts a code point") {
  std::string s = "aé漢😀";  // 1 + 2 + 3 + 4 bytes
  CHECK(truncate_utf8(s, 100) == s);
  CHECK(truncate_utf8(s, 2) == "a");
  CHECK(truncate_utf8(s, 3) == "aé");
  CHECK(truncate_utf8(s, 5) == "aé");
  CHECK(truncate_utf8(s, 6) == "aé漢");
  CHECK(truncate_utf8(s, 9) == "aé漢");
  CHECK(truncate_utf8(s, 0) == "");
  CHECK(count_code_points(s) == 4);
  CHECK(count_code_points("") == 0);
}

}  // namespace
}  // namespace approdo::text
