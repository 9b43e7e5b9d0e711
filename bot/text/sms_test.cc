#include "bot/text/sms.h"

#include <doctest/doctest.h>

#include "bot/text/utf8.h"

namespace approdo::text {
namespace {

TEST_CASE("SMS segments: GSM-7, its extension table, and UCS-2") {
  struct Case {
    std::string text;
    SmsEncoding encoding;
    std::size_t units, segments;
  };
  const Case cases[] = {
      {"", SmsEncoding::kGsm7, 0, 0},
      {std::string(160, 'a'), SmsEncoding::kGsm7, 160, 1},
      {std::string(161, 'a'), SmsEncoding::kGsm7, 161, 2},
      {std::string(306, 'a'), SmsEncoding::kGsm7, 306, 2},
      {std::string(307, 'a'), SmsEncoding::kGsm7, 307, 3},
      {"Call 112 @ £5 è é ù", SmsEncoding::kGsm7, 19, 1},
      {"€[]{}^~\\|", SmsEncoding::kGsm7, 18, 1},       // extension chars count 2
      {std::string(80, 'a') + std::string(40, '['), SmsEncoding::kGsm7, 160, 1},
      {"ça", SmsEncoding::kUcs2, 2, 1},                 // ç (lower case) is not in GSM-7
      {"Привіт", SmsEncoding::kUcs2, 6, 1},
      {"ok 😀", SmsEncoding::kUcs2, 5, 1},              // emoji = surrogate pair = 2 units
      {std::string("سلام ") + std::string(66, 'a'), SmsEncoding::kUcs2, 71, 2},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto info = sms_info(c.text);
    CHECK(info.encoding == c.encoding);
    CHECK(info.units == c.units);
    CHECK(info.segments == c.segments);
  }
}

TEST_CASE("splitting prefers paragraphs, then sentences, then spaces") {
  using V = std::vector<std::string>;
  CHECK(split_text("short", 10) == V{"short"});
  CHECK(split_text("", 10) == V{});
  CHECK(split_text("One two. Three four five.", 12) == V{"One two.", "Three four", "five."});
  CHECK(split_text("Para one.\n\nPara two is here.", 20) == V{"Para one.", "Para two is here."});
  CHECK(split_text("abcdefghij", 4) == V{"abcd", "efgh", "ij"});
  CHECK(split_text("چطور؟ کجا بروم", 8) == V{"چطور؟", "کجا بروم"});
  auto parts = split_text("ééééé", 2);
  CHECK(parts == V{"éé", "éé", "é"});
}

TEST_CASE("SMS splitting respects segments in either encoding") {
  std::string latin;
  for (int i = 0; i < 60; ++i) latin += "Word number " + std::to_string(i) + ". ";
  auto parts = split_for_sms(latin, 1);
  CHECK(parts.size() > 1);
  for (const auto& p : parts) CHECK(sms_info(p).segments == 1);
  std::string dari;
  for (int i = 0; i < 30; ++i) dari += "این یک جمله است. ";
  for (const auto& p : split_for_sms(dari, 2)) {
    CHECK(sms_info(p).segments <= 2);
    CHECK(is_valid_utf8(p));
  }
}

}  // namespace
}  // namespace approdo::text
