// Language: the languages Approdo speaks, as ISO 639-1 codes. A plain value type; any thread.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace approdo {

// Required languages of the knowledge base, in menu order. Italian is optional content.
inline constexpr std::array<std::string_view, 6> kRequiredLanguages = {"en", "fr", "ar", "fa", "ps", "uk"};
inline constexpr std::array<std::string_view, 7> kKnownLanguages = {"en", "fr", "ar", "fa", "ps", "uk", "it"};
inline constexpr std::string_view kFallbackLanguage = "en";

inline bool is_known_language(std::string_view code) {
  for (auto l : kKnownLanguages)
    if (l == code) return true;
  return false;
}

// Written right to left (Arabic script): replies get bidi isolation marks around numbers.
inline bool is_rtl_language(std::string_view code) { return code == "ar" || code == "fa" || code == "ps"; }

}  // namespace approdo
