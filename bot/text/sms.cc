#include "bot/text/sms.h"

#include <unicode/unistr.h>

#include <functional>

#include "bot/text/utf8.h"

namespace approdo::text {
namespace {

// GSM 03.38 default alphabet (non-ASCII-letter part) and its extension table (each costs two septets).
constexpr char16_t kGsmBasicExtra[] = u"@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà";
constexpr char16_t kGsmExtension[] = u"^{}\\[~]|€\f";

bool in(const char16_t* set, UChar32 c) {
  for (const char16_t* p = set; *p; ++p)
    if (*p == c) return true;
  return false;
}

// Septets for a GSM-7 character, or 0 when it is not in the GSM alphabet.
int gsm_septets(UChar32 c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || in(kGsmBasicExtra, c)) return 1;
  if (in(kGsmExtension, c)) return 2;
  return 0;
}

bool is_sentence_end(UChar32 c) {
  return c == '.' || c == '!' || c == '?' || c == 0x061F /* ؟ */ || c == 0x06D4 /* ۔ */ || c == 0x0964 ||
         c == 0x3002 || c == ':' || c == ';';
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \n\t\r"), e = s.find_last_not_of(" \n\t\r");
  return b == std::string_view::npos ? std::string() : std::string(s.substr(b, e - b + 1));
}

// Cuts `text` into trimmed parts for which `fits` holds, preferring a paragraph break, then a sentence end,
// then a space, and only then any code point boundary.
std::vector<std::string> split_with(std::string_view text, const std::function<bool(std::string_view)>& fits) {
  std::vector<std::string> parts;
  std::string rest = trim(text);
  while (!rest.empty()) {
    if (fits(rest)) {
      parts.push_back(rest);
      break;
    }
    // The longest prefix that fits, on code point boundaries. `fits` only grows false as a prefix grows
    // (more text never takes fewer segments), so a binary search finds it: growing the prefix one code
    // point at a time measured the text once per code point, and a long SMS reply cost a millisecond.
    std::vector<std::size_t> ends;  // the byte offset after each code point
    for (std::size_t i = 0; i < rest.size();) {
      std::size_t next = i + 1;
      while (next < rest.size() && (static_cast<unsigned char>(rest[next]) & 0xC0) == 0x80) ++next;
      ends.push_back(next);
      i = next;
    }
    std::size_t fitting = 0, too_long = ends.size();  // code points: the whole of `rest` does not fit
    while (fitting + 1 < too_long) {
      std::size_t mid = fitting + (too_long - fitting) / 2;
      if (fits(std::string_view(rest).substr(0, ends[mid - 1]))) fitting = mid;
      else too_long = mid;
    }
    std::size_t limit = fitting == 0 ? 0 : ends[fitting - 1];
    if (limit == 0) {  // not even one code point fits: emit it anyway rather than loop forever
      limit = 1;
      while (limit < rest.size() && (static_cast<unsigned char>(rest[limit]) & 0xC0) == 0x80) ++limit;
    }
    std::string_view window = std::string_view(rest).substr(0, limit);
    std::size_t cut = std::string_view::npos;
    if (auto p = window.rfind("\n\n"); p != std::string_view::npos && p > 0) cut = p;
    if (cut == std::string_view::npos) {
      icu::UnicodeString u = icu::UnicodeString::fromUTF8(window);
      std::size_t byte = 0, best = std::string_view::npos;
      for (int32_t i = 0; i < u.length();) {
        UChar32 c = u.char32At(i);
        i += U16_LENGTH(c);
        byte += U8_LENGTH(c);
        bool followed_by_space = byte < rest.size() && (rest[byte] == ' ' || rest[byte] == '\n');
        if (is_sentence_end(c) && followed_by_space) best = byte;
      }
      cut = best;
    }
    if (cut == std::string_view::npos) {
      if (auto p = window.find_last_of(" \n"); p != std::string_view::npos && p > 0) cut = p;
    }
    if (cut == std::string_view::npos || cut == 0) cut = limit;
    parts.push_back(trim(window.substr(0, cut)));
    rest = trim(std::string_view(rest).substr(cut));
  }
  return parts;
}

}  // namespace

SmsInfo sms_info(std::string_view utf8) {
  SmsInfo info;
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(utf8);
  std::size_t septets = 0;
  bool gsm = true;
  for (int32_t i = 0; i < u.length();) {
    UChar32 c = u.char32At(i);
    i += U16_LENGTH(c);
    int n = gsm_septets(c);
    if (n == 0) {
      gsm = false;
      break;
    }
    septets += n;
  }
  if (gsm) {
    info.encoding = SmsEncoding::kGsm7;
    info.units = septets;
    info.segments = septets == 0 ? 0 : septets <= 160 ? 1 : (septets + 152) / 153;
  } else {
    info.encoding = SmsEncoding::kUcs2;
    info.units = static_cast<std::size_t>(u.length());
    info.segments = info.units <= 70 ? 1 : (info.units + 66) / 67;
  }
  return info;
}

std::vector<std::string> split_text(std::string_view utf8, std::size_t max_code_points) {
  return split_with(utf8, [&](std::string_view s) { return count_code_points(s) <= max_code_points; });
}

std::vector<std::string> split_for_sms(std::string_view utf8, std::size_t max_segments) {
  return split_with(utf8, [&](std::string_view s) { return sms_info(s).segments <= max_segments; });
}

}  // namespace approdo::text
