// Safety triage: does a message say the person may be in danger right now? A high-recall phrase detector over
// content/safety.yaml, in every language at once (a person in danger may write in any language, whatever
// they chose before). Runs before anything else on every message. Built per content version; read-only after,
// any thread.
//
// A phrase matches when all its words appear in the message in order, with at most two other words between
// consecutive ones; a word ending in '*' matches any word starting with it. Words are compared folded
// (case, accents, Arabic-script variants), so phrases and messages meet whatever the spelling.
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

 private:
  struct Word {
    std::string text;
    bool prefix;
  };
  struct Phrase {
    std::vector<Word> words;
    uint16_t category;
  };
  bool matches_at(const Phrase& p, const std::vector<std::string>& words, size_t start) const;

  std::vector<Phrase> phrases_;
  std::vector<SafetyCategory> categories_;
  std::unordered_map<std::string, std::vector<uint32_t>> by_first_word_;  // exact first words
  std::vector<uint32_t> prefix_first_;                                   // phrases whose first word is a prefix
};

}  // namespace approdo
