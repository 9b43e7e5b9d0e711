// ConversationState: what the bot remembers between two messages of one conversation — the language, where
// the person is in the menus, the numbered list last offered (so "2" means something), the article "more"
// refers to, how many questions in a row it did not understand, and which articles it already asked "did this
// help?" about (so it asks once, and counts one answer). Saved as JSON in the store with every
// turn. A plain value; owned by the one worker processing the conversation.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "bot/core/message.h"

namespace approdo::dialogue {

// An article the person was asked "did this help?" about, and whether they answered.
struct FeedbackAsked {
  std::string article;
  bool answered = false;
};

// How many asked articles a conversation remembers (the oldest is forgotten first, and may be asked about
// again): more than one conversation usually reads, and a bound on the state saved with every turn.
inline constexpr std::size_t kFeedbackMemory = 16;

enum class Stage {
  kNew,             // never talked to us (or erased)
  kChooseLanguage,  // was shown the language list
  kReady,           // normal conversation
  kConfirmDelete,   // was asked "delete everything? YES/NO"
};

struct ConversationState {
  Stage stage = Stage::kNew;
  std::string lang;                 // "" until known
  std::vector<Choice> choices;      // the numbered list last offered; choice n is choices[n-1]
  std::string article;              // last article answered (MORE, BACK)
  bool more_sent = false;           // its body was already sent
  std::string category;             // last category menu shown (BACK)
  std::string pending_question;     // first question asked before a language was chosen
  int misses = 0;                   // questions not understood in a row
  std::vector<FeedbackAsked> feedback;  // oldest first, at most kFeedbackMemory
};

std::string to_json(const ConversationState& s);
// Unknown or damaged JSON gives a fresh state (the person is greeted again rather than stuck).
ConversationState state_from_json(const std::string& json);

}  // namespace approdo::dialogue
