#include "bot/kb/safety.h"

#include "bot/text/normalize.h"
#include "bot/text/tokenize.h"
#include "bot/text/utf8.h"

namespace approdo {
namespace {
constexpr size_t kMaxGap = 2;
constexpr size_t kMaxTriageBytes = 8000;
}  // namespace

SafetyTriage::SafetyTriage(const Content& content) : categories_(content.safety) {
  for (size_t c = 0; c < categories_.size(); ++c) {
    for (const auto& [lang, list] : categories_[c].phrases) {
      for (const auto& phrase : list) {
        Phrase p;
        p.category = static_cast<uint16_t>(c);
        // Keep '*' through folding: split on spaces first, fold each word.
        std::string folded = text::fold(phrase);
        for (auto& w : text::words(folded)) p.words.push_back({w, false});
        // Re-attach prefix marks: a word is a prefix if the phrase had "word*".
        size_t wi = 0;
        for (size_t pos = 0; pos < folded.size() && wi < p.words.size(); ++wi) {
          size_t at = folded.find(p.words[wi].text, pos);
          if (at == std::string::npos) break;
          pos = at + p.words[wi].text.size();
          if (pos < folded.size() && folded[pos] == '*') p.words[wi].prefix = true;
        }
        if (p.words.empty()) continue;
        auto id = static_cast<uint32_t>(phrases_.size());
        if (p.words[0].prefix)
          prefix_first_.push_back(id);
        else
          by_first_word_[p.words[0].text].push_back(id);
        phrases_.push_back(std::move(p));
      }
    }
  }
}

bool SafetyTriage::matches_at(const Phrase& p, const std::vector<std::string>& words, size_t start) const {
  size_t i = start + 1;
  for (size_t k = 1; k < p.words.size(); ++k) {
    bool found = false;
    for (size_t gap = 0; gap <= kMaxGap && i < words.size(); ++gap, ++i) {
      const Word& w = p.words[k];
      if (w.prefix ? words[i].rfind(w.text, 0) == 0 : words[i] == w.text) {
        found = true;
        ++i;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

TriageResult SafetyTriage::assess(const std::string& raw) const {
  TriageResult r;
  std::string folded = text::fold(text::truncate_utf8(raw, kMaxTriageBytes));
  std::vector<std::string> words = text::words(folded);
  for (size_t i = 0; i < words.size(); ++i) {
    auto check = [&](uint32_t id) {
      const Phrase& p = phrases_[id];
      const Word& first = p.words[0];
      if (first.prefix ? words[i].rfind(first.text, 0) != 0 : words[i] != first.text) return false;
      if (!matches_at(p, words, i)) return false;
      r.urgent = true;
      r.category = categories_[p.category].id;
      r.article = categories_[p.category].article;
      return r.article != kEmergencyArticle;  // specific: done; generic: a specific one may still follow
    };
    if (auto it = by_first_word_.find(words[i]); it != by_first_word_.end())
      for (uint32_t id : it->second)
        if (check(id)) return r;
    for (uint32_t id : prefix_first_)
      if (check(id)) return r;
  }
  return r;
}

}  // namespace approdo
