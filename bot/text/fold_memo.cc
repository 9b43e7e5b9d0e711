#include "bot/text/fold_memo.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include "bot/text/normalize.h"
#include "bot/text/utf8.h"

namespace approdo::text {
namespace {

// A character that fold() always keeps and starts a piece with, so nothing before the space changes it:
// a letter (except tatweel, which folding drops), a number, punctuation or a symbol.
bool starts_cleanly(UChar32 c) {
  if (c == 0x0640) return false;
  switch (u_charType(c)) {
    case U_UPPERCASE_LETTER: case U_LOWERCASE_LETTER: case U_TITLECASE_LETTER: case U_MODIFIER_LETTER:
    case U_OTHER_LETTER: case U_DECIMAL_DIGIT_NUMBER: case U_LETTER_NUMBER: case U_OTHER_NUMBER:
    case U_DASH_PUNCTUATION: case U_START_PUNCTUATION: case U_END_PUNCTUATION: case U_CONNECTOR_PUNCTUATION:
    case U_OTHER_PUNCTUATION: case U_INITIAL_PUNCTUATION: case U_FINAL_PUNCTUATION: case U_MATH_SYMBOL:
    case U_CURRENCY_SYMBOL: case U_MODIFIER_SYMBOL: case U_OTHER_SYMBOL:
      return true;
    default:
      return false;
  }
}

// Whether `piece` (non-empty, valid UTF-8) can be folded on its own: its first character, and the first
// character of what case folding makes of it, start cleanly.
bool foldable_alone(std::string_view piece) {
  UChar32 c;
  int32_t i = 0;
  U8_NEXT(piece.data(), i, static_cast<int32_t>(piece.size()), c);
  if (c < 0x80) return c > 0x20 && c != 0x7F;  // ASCII: everything but controls (space never occurs here)
  if (!starts_cleanly(c)) return false;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) return false;
  icu::UnicodeString mapped;
  return !casefold->getDecomposition(c, mapped) || (mapped.length() > 0 && starts_cleanly(mapped.char32At(0)));
}

}  // namespace

std::string FoldMemo::fold(std::string_view utf8) {
  if (!is_valid_utf8(utf8)) return text::fold(utf8);
  std::string out;
  out.reserve(utf8.size());
  for (std::size_t begin = 0; begin < utf8.size();) {
    std::size_t end = utf8.find(' ', begin);
    if (end == std::string_view::npos) end = utf8.size();
    std::string_view piece = utf8.substr(begin, end - begin);
    begin = end + 1;
    if (piece.empty()) continue;
    auto it = folded_.find(std::string(piece));
    if (it == folded_.end()) {
      if (!foldable_alone(piece)) return text::fold(utf8);
      if (folded_.size() >= kMaxPieces) folded_.clear();
      it = folded_.emplace(piece, text::fold(piece)).first;
    }
    if (it->second.empty()) continue;
    if (!out.empty()) out += ' ';
    out += it->second;
  }
  return out;
}

}  // namespace approdo::text
