// The dialogue engine: given one person's message, what they hear back. A pure decision — it reads the
// knowledge base, the conversation's state and a few facts about the help desk (queue length, opening hours)
// and returns the new state, the replies and what to record; the caller saves all of it in one transaction.
// It never sees a channel's JSON and never touches the store, so it is tested directly and through the
// whole pipeline alike.
//
// Order of work for every message, and why:
//   1. safety triage — a person in danger gets the emergency numbers before anything else, whatever state
//      the conversation is in (even stopped or handed off);
//   2. commands (menu, more, human, stop, delete, ...) in the conversation's language and in English;
//   3. the stage: a pending language choice or delete confirmation;
//   4. handed off to a caseworker: stay quiet, the caseworker reads the message in the console;
//   5. a number or button answering the last list; otherwise a free-text question for the matcher.
//
// Thread-safety: stateless; any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bot/core/message.h"
#include "bot/dialogue/state.h"
#include "bot/kb/knowledge.h"
#include "bot/store/store.h"

namespace approdo::dialogue {

// Facts about the help desk at the moment of the message.
struct DeskStatus {
  bool open_now = true;       // caseworkers are on duty
  // People already waiting in the queue (before this one). Asked only when a turn hands someone over: the
  // count is a read of the database, and most turns never tell it. Empty: nobody is waiting.
  std::function<int()> waiting_tickets;
  bool has_open_ticket = false;  // this conversation already has a ticket waiting or in progress
};

struct Turn {
  ConversationState state;
  std::string status;  // "bot", "handoff", "stopped"
  std::vector<OutboundMessage> replies;
  std::optional<TicketRequest> ticket;
  std::vector<UnmatchedQuestion> unmatched;
  std::vector<std::string> article_views;
  std::vector<ArticleFeedback> feedback;
  bool erase = false;
  // What was decided, for /metrics (counted by ConversationWorkers once the turn is saved).
  struct Decision {
    std::string match;   // a free-text question: "confident", "close_call", "no_match", "small_talk"; else ""
    std::string triage;  // safety triage opened an urgent ticket: its category ("violence"...); else ""
  } decision;
};

// The longest message text the engine reads (bytes); longer text is cut and the person is told.
inline constexpr std::size_t kMaxMessageBytes = 2000;

// `status` is the conversation's stored status ("bot", "handoff", "stopped"; "" for a new one).
Turn respond(const Knowledge& kb, ConversationState state, const std::string& status, const InboundMessage& msg,
             const DeskStatus& desk);

// What the bot says when a caseworker closes the ticket (the conversation returns to the bot).
OutboundMessage handoff_ended_message(const Knowledge& kb, const std::string& lang);

// The anonymised form of a question kept for the editors' gap report: digit runs, e-mail addresses and
// phone-like strings are replaced, so an age or a phone number typed in a question is not kept.
std::string anonymise_question(const std::string& text);

}  // namespace approdo::dialogue
