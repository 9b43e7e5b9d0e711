#include "bot/kb/understanding.h"

#include "bot/text/langid.h"
#include "bot/text/normalize.h"

namespace approdo {

std::string urgent_article(const Knowledge& kb, const TriageResult& triage, const MatchResult& match) {
  if (triage.article == kEmergencyArticle && match.outcome == MatchResult::Outcome::kConfident &&
      kb.triage->is_category_article(match.article))
    return match.article;
  return triage.article;
}

std::string Understanding::article() const {
  if (triage.urgent) return triage.article;
  if (small_talk != SmallTalk::kNone || match.outcome == MatchResult::Outcome::kNoMatch) return "";
  return match.article;
}

bool Understanding::answers_at_once() const {
  return triage.urgent || (small_talk == SmallTalk::kNone && match.outcome == MatchResult::Outcome::kConfident);
}

Understanding understand(const Knowledge& kb, const std::string& text, const std::string& lang) {
  Understanding u;
  u.lang = lang.empty() || lang == "auto" ? text::identify_language(text).lang : lang;
  u.triage = kb.triage->assess(text);
  u.match = kb.matcher->match(text, u.lang);
  if (u.triage.urgent) u.triage.article = urgent_article(kb, u.triage, u.match);
  u.small_talk = kb.locales->small_talk(text::fold(text), u.match.outcome == MatchResult::Outcome::kConfident);
  return u;
}

}  // namespace approdo
