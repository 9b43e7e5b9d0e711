#include "bot/text/tokenize.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <memory>
#include <optional>

namespace approdo::text {
namespace {

// Creating a word BreakIterator costs far more than segmenting a message, so each thread keeps one.
icu::BreakIterator* thread_word_iterator() {
  thread_local std::unique_ptr<icu::BreakIterator> it = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> b(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) b.reset();
    return b;
  }();
  return it.get();
}

enum class Kind { kWord, kMark, kSpace, kJoiner, kSeparator, kOther };

// A character's part in word segmentation, from its Unicode Word_Break property. kOther: leave the text to
// ICU (scripts segmented by dictionary or special rules, '_' and others that join anything, and '@', which
// ICU's rules join into handles and e-mail addresses).
Kind kind_of(UChar32 c) {
  if (c < 0x80) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return Kind::kWord;
    if (c == ' ') return Kind::kSpace;
    if (c == '@') return Kind::kOther;
  }
  switch (u_getIntPropertyValue(c, UCHAR_WORD_BREAK)) {
    case U_WB_ALETTER: {
      UErrorCode status = U_ZERO_ERROR;
      UScriptCode script = uscript_getScript(c, &status);
      bool plain = script == USCRIPT_LATIN || script == USCRIPT_CYRILLIC || script == USCRIPT_ARABIC ||
                   script == USCRIPT_GREEK;
      return plain ? Kind::kWord : Kind::kOther;
    }
    case U_WB_NUMERIC:
      return Kind::kWord;
    case U_WB_EXTEND:
      return Kind::kMark;
    case U_WB_MIDLETTER: case U_WB_MIDNUM: case U_WB_MIDNUMLET: case U_WB_SINGLE_QUOTE:
      return Kind::kJoiner;
    case U_WB_CR: case U_WB_LF: case U_WB_NEWLINE: case U_WB_WSEGSPACE:
      return Kind::kSpace;
    case U_WB_OTHER:
      // Letters without a Word_Break class (Thai, Han, Hiragana...) are segmented by ICU's dictionaries.
      return u_hasBinaryProperty(c, UCHAR_ALPHABETIC) || u_isdigit(c) ? Kind::kOther : Kind::kSeparator;
    default:
      return Kind::kOther;
  }
}

// The words of text whose segmentation needs no rules beyond "letters, digits and their marks, up to anything
// else": Latin, Greek, Cyrillic and Arabic letters, ASCII digits, spaces and punctuation that cannot join.
// nullopt when some character needs ICU's rules (another script, '_', a joiner between two word characters).
// Several times faster than the BreakIterator, and the same result (words_test checks it on all content).
std::optional<std::vector<std::string>> plain_words(std::string_view s) {
  std::vector<std::string> out;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int32_t len = static_cast<int32_t>(s.size());
  int32_t i = 0, word_start = -1;
  while (i < len) {
    int32_t at = i;
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c < 0) return std::nullopt;
    Kind k = kind_of(c);
    if (k == Kind::kOther) return std::nullopt;
    if (k == Kind::kMark) {
      if (word_start < 0) return std::nullopt;  // a mark on punctuation or space: ICU's Extend rule
      continue;
    }
    if (k == Kind::kWord) {
      if (word_start < 0) word_start = at;
      continue;
    }
    if (k == Kind::kJoiner && word_start >= 0 && i < len) {
      int32_t j = i;
      UChar32 next;
      U8_NEXT(p, j, len, next);
      Kind nk = next < 0 ? Kind::kOther : kind_of(next);
      if (nk == Kind::kWord || nk == Kind::kMark || nk == Kind::kOther) return std::nullopt;
    }
    if (word_start >= 0) out.emplace_back(s.substr(static_cast<std::size_t>(word_start),
                                                   static_cast<std::size_t>(at - word_start)));
    word_start = -1;
  }
  if (word_start >= 0) out.emplace_back(s.substr(static_cast<std::size_t>(word_start)));
  return out;
}

}  // namespace

std::vector<std::string> words(std::string_view folded) {
  if (auto plain = plain_words(folded)) return std::move(*plain);
  return words_by_icu(folded);
}

std::vector<std::string> words_by_icu(std::string_view folded) {
  std::vector<std::string> out;
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(folded);
  icu::BreakIterator* it = thread_word_iterator();
  if (!it) return out;
  it->setText(s);
  int32_t start = it->first();
  for (int32_t end = it->next(); end != icu::BreakIterator::DONE; start = end, end = it->next()) {
    if (it->getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;  // spaces and punctuation
    std::string w;
    s.tempSubStringBetween(start, end).toUTF8String(w);
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace approdo::text
