// Word segmentation as ICU's word BreakIterator does it (UAX #29). Keeps words with letters or digits; drops
// punctuation and spaces. Any thread (each thread keeps its own iterator).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace approdo::text {

// Splits folded text (see normalize.h) into words, in order. Text in the common scripts is split without the
// BreakIterator (it is most of the cost of indexing), with the same result as words_by_icu.
std::vector<std::string> words(std::string_view folded);

// The reference segmentation: ICU's word BreakIterator, every word segment (letters, numbers, kana, ideographs).
std::vector<std::string> words_by_icu(std::string_view folded);

}  // namespace approdo::text
