// Matcher: ranks the knowledge base's articles for one message. Built once per content version (see
// ContentHolder), then read-only: match() may be called from many threads at once; per-call scratch space is
// thread_local and reused, so a call allocates nothing in proportion to the size of the knowledge base.
//
// Scoring, per article (all its languages together, so a Dari question containing "questura" meets the
// Italian word wherever the article uses it):
//   - BM25F over title, keywords, example questions, short answer and body, normalised by what the message
//     could score at best (so an off-topic word lowers confidence);
//   - the best cosine between the message and one of the article's example questions (TF-IDF);
//   - words not in the vocabulary are looked up by character trigrams (typos: "negativ", "comission");
//   - two neighbouring words of the message that a title, keyword or question also has side by side add a
//     bonus (a field of their own in the BM25F), so word order counts where the content shows it.
// The two scores are blended; thresholds on the blend, on the margin to the runner-up and on the evidence (how
// much of the message the best article has, however the message is worded) give the three outcomes. The
// thresholds were chosen on data (bench/match), not guessed.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "bot/kb/content.h"

namespace approdo {

struct MatchResult {
  enum class Outcome { kConfident, kCloseCall, kNoMatch };
  Outcome outcome = Outcome::kNoMatch;
  std::string article;                    // best article id ("" when nothing scored)
  double score = 0.0;                     // 0..1
  double evidence = 0.0;                  // the idf of the message's words (and pairs, at half) the best
                                          // article has, in units of the idf of a word that article alone has
  std::vector<std::string> alternatives;  // next candidates, best first (close call: the ones to offer)
};

struct MatcherTuning {
  double confident = 0.36;     // blended score for a confident answer (bench/match: no wrong answers at 0.36)
  double margin = 0.08;        // and at least this much (relative) above the runner-up (0.12 before the
                               // evidence gate below; with it, 0.08 answers 0.7 pts more at once, none the worse)
  double close_call = 0.12;    // below this: no match (bench/match: offering the top candidates helps more than it costs)
  double question_weight = 0.25;  // share of the example-question cosine in the blend (bench/match grid)
  // And the best article has at least this much of the message (MatchResult::evidence): more than one word no
  // other article has. A short message whose one known word is common ("hours", "today") stays a close call.
  // bench/match grid on probes (pairs counted at half their idf): 1.2 against none, on the fresh sets
  // none→confident 11.7% → 8.3% and right answers given at once 76.9% → 84.2% with the pairs.
  double min_evidence = 1.2;
  // Weight of two neighbouring words found together in a title, keyword or question, as in the content
  // ("turn 18", "permesso di soggiorno"). bench/match on fresh probes: top-1 92.5% → 93.8% at 0.25, less at 0.5.
  double phrase_weight = 0.25;
};

class Matcher {
 public:
  explicit Matcher(const Content& content, MatcherTuning tuning = {});
  ~Matcher();

  // `lang` is the message's language ("" if unknown): it picks the stemmer for the message.
  MatchResult match(const std::string& text, const std::string& lang) const;

  size_t vocabulary_size() const;

 private:
  struct Index;
  std::unique_ptr<Index> index_;
  MatcherTuning tuning_;
  std::vector<std::string> article_ids_;
};

}  // namespace approdo
