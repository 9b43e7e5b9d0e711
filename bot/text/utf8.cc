#include "bot/text/utf8.h"

#include <optional>

namespace approdo::text {
namespace {

// Length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlongs, no surrogates, at most U+10FFFF),
// or 0 when it is not valid.
std::size_t valid_sequence(std::string_view s, std::size_t i, char32_t* cp) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  unsigned char c = b(0);
  if (c < 0x80) {
    *cp = c;
    return 1;
  }
  std::size_t n;
  char32_t v, min;
  if ((c & 0xE0) == 0xC0) {
    n = 2, v = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, v = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, v = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b(k) & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return n;
}

bool is_dropped_control(char32_t c) {
  if (c == '\n' || c == '\t') return false;
  // Bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069) can make text display as something it
  // is not (a caseworker reading a reversed number); the marks LRM/RLM/ALM stay, RTL writing needs them.
  bool bidi_control = (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || bidi_control;
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  char32_t cp;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = valid_sequence(s, i, &cp);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

namespace {

// Copies valid UTF-8 through, each invalid byte as U+FFFD, and each code point for which `replace` gives a
// replacement ("" drops it) as that replacement.
template <class Replace>
std::string rewrite_utf8(std::string_view s, Replace replace) {
  std::string out;
  out.reserve(s.size());
  char32_t cp;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = valid_sequence(s, i, &cp);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
      continue;
    }
    if (std::optional<std::string_view> r = replace(cp))
      out.append(*r);
    else
      out.append(s.substr(i, n));
    i += n;
  }
  return out;
}

}  // namespace

std::string scrub_utf8(std::string_view s) {
  return rewrite_utf8(s, [](char32_t cp) -> std::optional<std::string_view> {
    if (is_dropped_control(cp)) return "";
    return std::nullopt;
  });
}

std::string one_line(std::string_view s) {
  return rewrite_utf8(s, [](char32_t cp) -> std::optional<std::string_view> {
    bool breaks_line = cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029;
    if (breaks_line) return " ";
    return std::nullopt;
  });
}

std::string_view truncate_utf8(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return s;
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

std::size_t count_code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace approdo::text
