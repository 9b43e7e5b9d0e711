// Understanding: what the bot makes of one free-text message before any conversation state — safety triage
// first, then small talk, then the matcher — and which article the person is given first. `approdo match` and
// bench/match report through it, so what they measure is what the bot does; the dialogue (bot/dialogue/) runs
// the same steps, interleaved with commands and menus. Pure function of the knowledge; any thread.
#pragma once

#include <string>

#include "bot/kb/knowledge.h"

namespace approdo {

// The article a person in danger gets after the emergency numbers: the triage category's own; or, when the
// category has only the numbers (danger), the matcher's confident answer if that is a category's article — "he
// threatens me with a knife" read as danger is about violence, and the violence article is what helps next.
std::string urgent_article(const Knowledge& kb, const TriageResult& triage, const MatchResult& match);

struct Understanding {
  std::string lang;  // the language the message was read in
  TriageResult triage;  // its article is urgent_article()
  SmallTalk small_talk = SmallTalk::kNone;  // wins over the match (see Locales::small_talk)
  MatchResult match;

  // The article the person is given first: the triage's when urgent (after the emergency numbers); the best
  // match when confident (answered) or a close call (offered first); "" otherwise.
  std::string article() const;
  // Whether the bot answers at once (urgent, or a confident match) rather than asking back.
  bool answers_at_once() const;
};

// `lang` "" or "auto": identified from the text.
Understanding understand(const Knowledge& kb, const std::string& text, const std::string& lang);

}  // namespace approdo
