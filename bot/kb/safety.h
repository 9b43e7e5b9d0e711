// Safety triage: does a message say the person may be in danger right now? A high-recall phrase detector over
// content/safety.yaml, in every language at once (a person in danger may write in any language, whatever
// they chose before). Runs before anything else on every message. Built per content version; read-only after,
// any thread.
//
// A phrase matches when all its words appear in the message in order, with at most two other words between
// consecutive ones; a word ending in '*' matches any word starting with it. Words are compared folded
// (case, accents, Arabic-script variants), so phrases and messages meet whatever the spelling, and a message
// word with a joined Arabic "and" (وقفلوا) also meets the phrase's bare word (قفلوا).
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "bot/kb/content.h"

namespace approdo {

// The article every urgent reply starts with: the emergency numbers.
inline constexpr const char* kEmergencyArticle = "emergency-numbers";

struct TriageResult {
  bool urgent = false;
  std::string category;  // "danger", "violence", "trafficking", "self-harm", "missing-child"
  std::string article;   // what to send after the emergency numbers
};

// When a message matches phrases of several categories ("he locks me in and threatens me with a knife"), a
// category with its own article (violence) wins over one whose article is the emergency numbers (danger):
// the numbers are sent first anyway, so the specific article is what adds help.

class SafetyTriage {
 public:
  explicit SafetyTriage(const Content& content);
  TriageResult assess(const std::string& text) const;
  size_t phrase_count() const { return phrases_.size(); }
  // Whether `article_id` is a category's own article (violence, trafficking...), not the emergency numbers.
  bool is_category_article(const std::string& article_id) const;

 private:
  struct Word {
    std::string text;
    bool prefix;
  };
  struct Phrase {
    std::vector<Word> words;
    uint16_t category;
  };
  // A message's folded words, and each one without a joined Arabic "and" (empty when it has none).
  struct MessageWords {
    std::vector<std::string> as_written, bare;
    size_t size() const { return as_written.size(); }
    bool matches(const Word& w, size_t i) const;
  };
  bool matches_at(const Phrase& p, const MessageWords& words, size_t start) const;

  std::vector<Phrase> phrases_;
  std::vector<SafetyCategory> categories_;
  std::unordered_map<std::string, std::vector<uint32_t>> by_first_word_;  // exact first words
  std::vector<uint32_t> prefix_first_;                                   // phrases whose first word is a prefix
};

}  // namespace approdo
