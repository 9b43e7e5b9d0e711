// Language identification for en, fr, ar, fa, ps, uk, it on short informal messages: script first, then
// letters that only one language uses (Pashto ټ ډ ړ ږ ښ ګ ڼ ې ۍ; Persian پ چ ژ گ; Arabic ة ى and the
// article ال), then function words and character n-gram profiles. Any thread (immutable tables).
#pragma once

#include <string>
#include <string_view>

namespace approdo::text {

struct LanguageGuess {
  std::string lang;         // "en", "fr", ..., or "" when the text has no letters (digits, emoji)
  double confidence = 0.0;  // 0..1: how clearly the text is in `lang` rather than the runner-up
};

// `utf8` is the raw (unfolded) message, valid UTF-8.
LanguageGuess identify_language(std::string_view utf8);

}  // namespace approdo::text
