#include "bot/text/tokenize.h"

#include <unicode/brkiter.h>
#include <unicode/unistr.h>

#include <memory>

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

}  // namespace

std::vector<std::string> words(std::string_view folded) {
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
