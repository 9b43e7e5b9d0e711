#include "bot/kb/understanding.h"

#include "bot/text/langid.h"
#include "bot/text/normalize.h"

namespace approdo {

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
  u.small_talk = kb.locales->small_talk(text::fold(text), u.match.outcome == MatchResult::Outcome::kConfident);
  return u;
}

}  // namespace approdo
