// Folding text for matching: what two spellings of the same word have in common. Used on content when the
// index is built and on every incoming message. Pure functions; any thread (ICU singletons only).
#pragma once

#include <string>
#include <string_view>

namespace approdo::text {

// NFKC case folding; Latin diacritics removed (é→e, ç→c); Arabic script: tashkeel, tatweel and
// superscript alef removed, alef variants (أ إ آ ٱ) → ا, ى ي → ی, ك → ک, ة → ه, ؤ → و, ئ → ی, ۀ → ه;
// Pashto letters (ټ ډ ړ ږ ښ ګ ڼ ې ۍ) and Persian letters (پ چ ژ گ) are kept; digits of any script
// (Arabic-Indic ٠-٩, Persian ۰-۹, fullwidth) → ASCII; zero-width joiners/non-joiners, bidi controls and
// other format characters removed; apostrophe variants (’ ʼ ` ´) → '; runs of whitespace → one space.
// Input should be valid UTF-8 (invalid bytes are replaced with U+FFFD).
std::string fold(std::string_view utf8);

// True when the text is in Unicode NFC.
bool is_nfc(std::string_view utf8);

// True when the text contains a bidi control character (U+200E U+200F U+202A–U+202E U+2066–U+2069 U+061C).
bool has_bidi_controls(std::string_view utf8);

}  // namespace approdo::text
