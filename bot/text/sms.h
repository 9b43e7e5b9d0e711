// SMS segment arithmetic (GSM 03.38 7-bit: 160 per single message, 153 per part; UCS-2: 70 / 67) and
// splitting long text at sentence boundaries to a channel's size. Pure functions; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace approdo::text {

enum class SmsEncoding { kGsm7, kUcs2 };

struct SmsInfo {
  SmsEncoding encoding = SmsEncoding::kGsm7;
  std::size_t units = 0;     // GSM-7 septets (extension chars count 2) or UTF-16 code units
  std::size_t segments = 0;  // parts needed to send it (0 for empty text)
};

SmsInfo sms_info(std::string_view utf8);

// Splits text into parts of at most `max_code_points` code points each, cutting at a paragraph break if
// one fits, else at a sentence end (. ! ? ؟ । and the like), else at a space, else anywhere on a code point
// boundary. Parts are trimmed; joining them with spaces gives the text back modulo whitespace.
std::vector<std::string> split_text(std::string_view utf8, std::size_t max_code_points);

// Splits text into messages of at most `max_segments` SMS segments each, with the same cutting preference.
std::vector<std::string> split_for_sms(std::string_view utf8, std::size_t max_segments);

}  // namespace approdo::text
