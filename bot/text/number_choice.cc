#include "bot/text/number_choice.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace approdo::text {
namespace {

bool is_decoration(UChar32 c) {
  return u_isUWhiteSpace(c) || c == '.' || c == ')' || c == '(' || c == '-' || c == ':' || c == ',' || c == '#' ||
         c == 0x060C /* Arabic comma */ || c == 0x06D4 /* Arabic full stop */ || c == 0x200E || c == 0x200F;
}

}  // namespace

std::optional<int> read_choice_number(std::string_view utf8) {
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(utf8);
  int value = 0, digits = 0;
  bool seen_digits = false, after_digits = false;
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (u_charType(c) == U_DECIMAL_DIGIT_NUMBER) {
      if (after_digits) return std::nullopt;  // "1 2": two numbers
      value = value * 10 + u_charDigitValue(c);
      seen_digits = true;
      if (++digits > 3) return std::nullopt;
      continue;
    }
    if (!is_decoration(c)) return std::nullopt;
    if (seen_digits) after_digits = true;
  }
  if (!seen_digits) return std::nullopt;
  return value;
}

}  // namespace approdo::text
