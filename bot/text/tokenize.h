// Word segmentation with ICU's BreakIterator. Keeps words with letters or digits; drops punctuation and
// spaces. Any thread (each call uses its own iterator clone).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace approdo::text {

// Splits folded text (see normalize.h) into words, in order.
std::vector<std::string> words(std::string_view folded);

}  // namespace approdo::text
