// Safety triage: does a message say the person may be in danger right now? A high-recall phrase detector over
// content/safety.yaml, in every language at once (a person in danger may write in any language, whatever
// they chose before). Runs before anything else on every message. Built per content version; read-only after,
// any thread.
//
// A phrase matches when all its words appear in the message in order, with at most two other words between
// consecutive ones; a word ending in '*' matches any word starting with it. A phrase "A|B + C|D" is a pair:
// one of A, B and one of C, D anywhere near each other, in either order ("my brother" … "not back").
//
// Words are compared by a triage key, so that a phrase word meets its spoken and written variants without
// listing each: folded (case, accents, Arabic-script variants), then for Arabic script the Pashto letters
// typed on a Persian keyboard (ړ → ر, ې → ی), the dialect tense prefixes (بيقتلني, هيقتلني, كيقتلني meet
// يقتلني), Dari and colloquial Persian verb endings (میزنه meets میزند, کدن meets کردن), the joined Arabic
// "and" (وقفلوا), the negation around a verb (مارجعش meets ما رجع) and a Persian می written apart. A danger
// word of five letters or more also meets a message word one edit from it ("sucide", "bleding", "خودکسی";
// see one_edit_index.h), unless the knowledge base uses that word (it is then spelt right: "ville" is not
// "viole"). A shorter danger word (four or five letters) meets a message word of three to five letters one
// edit from it ("kil", "pils", "hurtt") only inside a phrase of two words or more whose other words are all
// spelt exactly ("hurtt myself", "took my pils"): alone, a short word is one edit from too many others. The
// background and present markers stay exact, so a typo never makes a message background.
//
// A message that tells of the past or of elsewhere ("in Libya they locked us in", "if I go back they will
// kill me") is background, not an emergency — unless the same clause says it is still so ("now", "still",
// "here"; a clause ends at a comma or a "but"). Self-harm is background only when long past ("two years ago
// I wanted to die, but now I am fine"), never when elsewhere or hypothetical. A sentence that asks about the
// topic for a stated study purpose ("what are a woman's rights if her husband hits her, it is for a school
// project") is background too, self-harm included, unless its clause says now; "where can I read about it" is
// not such a purpose (a person in danger writes it too). So is a question what the danger word means, right
// next to it ("what is trafficking", "خودکشی چیه"). Nor is a danger word inside an idiom: Pashto
// چیغې وهي (shouts) and Persian زنگ میزنه (phones) are not وهي, میزنه (hits).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "bot/kb/content.h"
#include "bot/kb/one_edit_index.h"

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

  // A folded word's triage key (see above); `whole` is false for a phrase word ending in '*', which only
  // gets the changes at its start. Exposed for tests.
  static std::string key(const std::string& folded_word, bool whole = true);

  struct MessageWords;

 private:
  struct Word {
    std::string text;  // a triage key
    bool prefix;
  };
  // What a phrase is for: a danger phrase of a category, one side of a pair, a marker of the past, of
  // elsewhere (another country, a hypothetical), of a topic asked about for study (a school project, research) or of
  // the present, an idiom whose words are not the danger they look like, or a question what a word means.
  enum class Kind : uint8_t { kDanger, kPairSide, kPast, kElsewhere, kAbout, kPresent, kIdiom, kDefinition };
  struct Phrase {
    std::vector<Word> words;
    Kind kind = Kind::kDanger;
    uint16_t category = 0;
    uint32_t pair = 0;  // kPairSide: which pair, and which side (0 or 1)
    uint8_t side = 0;
  };
  void add(const std::string& text, Kind kind, uint16_t category, uint32_t pair = 0, uint8_t side = 0);
  // Where the phrase's last word is when it matches from `start`; npos when it does not.
  size_t match_end(const Phrase& p, const MessageWords& words, size_t start) const;
  // The same with every word spelt exactly but one, which may be a short word's typo.
  size_t match_end_short_typo(const Phrase& p, const MessageWords& words, size_t start) const;
  // Both walk the message the same way: where the phrase's last word is when each of its words meets
  // (`meets(word, i)`) a message word in order from `start`, with at most `max_gap` others between, all in
  // `start`'s clause when `in_clause`; npos when not.
  template <typename Meets>
  static size_t walk(const Phrase& p, const MessageWords& words, size_t start, size_t max_gap, bool in_clause,
                     Meets&& meets);

  std::vector<Phrase> phrases_;
  std::vector<uint16_t> pair_category_;
  std::vector<SafetyCategory> categories_;
  std::unordered_map<std::string, std::vector<uint32_t>> by_first_word_;  // exact first words
  // Phrases whose first word is a prefix, by that word's first letter (UTF-8 bytes).
  std::unordered_map<std::string, std::vector<uint32_t>> prefix_first_;
  OneEditIndex typos_;  // the words of danger phrases and pair sides
  // The whole words of four or five letters of danger phrases and pair sides of two words or more, for
  // message words of three to five letters (see above).
  OneEditIndex short_typos_{4, 5, 3, 5};
};

}  // namespace approdo
