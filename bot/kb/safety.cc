#include "bot/kb/safety.h"

#include <algorithm>

#include "bot/text/normalize.h"
#include "bot/text/tokenize.h"
#include "bot/text/utf8.h"

namespace approdo {
namespace {
constexpr size_t kMaxGap = 2;
constexpr size_t kMaxTriageBytes = 8000;

// Arabic writes "and" (و) joined to the next word: "وقفلوا علي الباب" is "and they locked me in". Pashto's
// perfective verbs start with the same letter ("ووهلم"). A message word may therefore meet a phrase word
// with or without it; the phrase lists the bare form. Only when at least two letters remain, so a short word
// that merely starts with و is left alone.
constexpr std::string_view kWaw = "\xD9\x88";

std::string without_joined_and(const std::string& word) {
  if (word.size() < kWaw.size() || word.compare(0, kWaw.size(), kWaw) != 0) return {};
  std::string rest = word.substr(kWaw.size());
  return text::count_code_points(rest) >= 2 ? rest : std::string{};
}

bool word_matches(const std::string& phrase_word, bool prefix, const std::string& word) {
  return prefix ? word.rfind(phrase_word, 0) == 0 : word == phrase_word;
}
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

bool SafetyTriage::matches_at(const Phrase& p, const MessageWords& words, size_t start) const {
  size_t i = start + 1;
  for (size_t k = 1; k < p.words.size(); ++k) {
    bool found = false;
    for (size_t gap = 0; gap <= kMaxGap && i < words.size(); ++gap, ++i) {
      if (words.matches(p.words[k], i)) {
        found = true;
        ++i;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

bool SafetyTriage::MessageWords::matches(const Word& w, size_t i) const {
  return word_matches(w.text, w.prefix, as_written[i]) || (!bare[i].empty() && word_matches(w.text, w.prefix, bare[i]));
}

bool SafetyTriage::is_category_article(const std::string& article_id) const {
  return article_id != kEmergencyArticle &&
         std::any_of(categories_.begin(), categories_.end(),
                     [&](const SafetyCategory& c) { return c.article == article_id; });
}

TriageResult SafetyTriage::assess(const std::string& raw) const {
  TriageResult r;
  MessageWords words;
  words.as_written = text::words(text::fold(text::truncate_utf8(raw, kMaxTriageBytes)));
  for (const auto& w : words.as_written) words.bare.push_back(without_joined_and(w));
  for (size_t i = 0; i < words.size(); ++i) {
    auto check = [&](uint32_t id) {
      const Phrase& p = phrases_[id];
      if (!words.matches(p.words[0], i)) return false;
      if (!matches_at(p, words, i)) return false;
      r.urgent = true;
      r.category = categories_[p.category].id;
      r.article = categories_[p.category].article;
      return r.article != kEmergencyArticle;  // specific: done; generic: a specific one may still follow
    };
    for (const std::string* w : {&words.as_written[i], &words.bare[i]}) {
      if (w->empty()) continue;
      if (auto it = by_first_word_.find(*w); it != by_first_word_.end())
        for (uint32_t id : it->second)
          if (check(id)) return r;
    }
    for (uint32_t id : prefix_first_)
      if (check(id)) return r;
  }
  return r;
}

}  // namespace approdo
