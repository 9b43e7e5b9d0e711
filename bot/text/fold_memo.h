// FoldMemo: text::fold() for many texts that share their words — the knowledge base when the matcher indexes
// it. Each piece of a text between ASCII spaces is folded once and remembered; the result is exactly what
// fold() gives for the whole text, because a space is a boundary for every step of folding (normalisation,
// whitespace, letter mapping). The one exception is a piece that starts with something folding attaches to
// the letter before the space (a combining mark, a format character, other whitespace, a character whose
// compatibility form starts with one of those, like ¨): a text with such a piece is folded whole, as before.
//
// Not thread-safe: one FoldMemo per thread. Memory grows with the distinct pieces met; emptied when large.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>

namespace approdo::text {

class FoldMemo {
 public:
  std::string fold(std::string_view utf8);

 private:
  static constexpr std::size_t kMaxPieces = 1 << 16;
  std::unordered_map<std::string, std::string> folded_;
};

}  // namespace approdo::text
