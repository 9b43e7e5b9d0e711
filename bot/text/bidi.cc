#include "bot/text/bidi.h"

#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace approdo::text {
namespace {

constexpr UChar32 kLrm = 0x200E;

bool is_ltr_strong(UChar32 c) {
  if (u_charType(c) == U_DECIMAL_DIGIT_NUMBER) return true;
  UCharDirection d = u_charDirection(c);
  return d == U_LEFT_TO_RIGHT || d == U_EUROPEAN_NUMBER;
}

bool is_rtl(UChar32 c) {
  UCharDirection d = u_charDirection(c);
  return d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC || d == U_ARABIC_NUMBER;
}

// Characters that stay inside a left-to-right run when more of it follows: "800 290 290", "+39 06-1234",
// "www.interno.gov.it/x", "9:00".
bool joins_run(UChar32 c) {
  return c == ' ' || c == '+' || c == '-' || c == '.' || c == '/' || c == ':' || c == '_' || c == '@' || c == '?' ||
         c == '=' || c == '&' || c == '%' || c == '#' || c == ',' || c == '(' || c == ')';
}

}  // namespace

std::string isolate_ltr_runs(std::string_view utf8) {
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(utf8);
  // Marks already present (from an earlier pass) are dropped, so the function can be applied twice.
  icu::UnicodeString text;
  bool has_rtl = false;
  for (int32_t i = 0; i < in.length();) {
    UChar32 c = in.char32At(i);
    i += U16_LENGTH(c);
    if (c == kLrm) continue;
    has_rtl |= is_rtl(c);
    text.append(c);
  }
  if (!has_rtl) return std::string(utf8);

  icu::UnicodeString out;
  int32_t i = 0;
  while (i < text.length()) {
    UChar32 c = text.char32At(i);
    bool starts_run = is_ltr_strong(c) || (c == '+' && i + 1 < text.length() &&
                                           u_charType(text.char32At(i + 1)) == U_DECIMAL_DIGIT_NUMBER);
    if (!starts_run) {
      out.append(c);
      i += U16_LENGTH(c);
      continue;
    }
    // A run: strong LTR characters, and joiners between two of them.
    int32_t end = i + U16_LENGTH(c), j = end;
    while (j < text.length()) {
      UChar32 d = text.char32At(j);
      if (is_ltr_strong(d)) {
        j += U16_LENGTH(d);
        end = j;
      } else if (joins_run(d)) {
        j += U16_LENGTH(d);
      } else {
        break;
      }
    }
    out.append(kLrm);
    out.append(text, i, end - i);
    out.append(kLrm);
    i = end;
  }
  std::string result;
  out.toUTF8String(result);
  return result;
}

}  // namespace approdo::text
