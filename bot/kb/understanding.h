// Understanding: what the bot makes of one free-text message before any conversation state — safety triage
// first, then small talk, then the matcher — and which article the person is given first. `approdo match` and
// bench/match report through it, so what they measure is what the bot does; the dialogue (bot/dialogue/) runs
// the same steps, interleaved with commands and menus. Pure function of the knowledge; any thread.
#pragma once

#include <string>

#include "bot/kb/knowledge.h"

namespace approdo {

struct Understanding {
  std::string lang;  // the language the message was read in
  TriageResult triage;
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
