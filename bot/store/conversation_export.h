// ConversationExport: everything kept about one conversation, as an access request hands it over. Each
// store backend reads its rows into one; to_json() gives the same document whichever backend read it.
// Only bot/store/ includes this. Plain data; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bot/store/store.h"

namespace approdo::store {

struct ExportedMessage {
  StoredInbound in;
  bool answered = false;
};

struct ExportedReply {
  int64_t id = 0;
  std::string payload, status, delivery;  // payload: the reply's JSON (see row_codec.h)
  int64_t created_at = 0;
};

struct ConversationExport {
  std::optional<ConversationRecord> conversation;
  std::string address;  // opened from its sealed copy
  std::vector<ExportedMessage> messages;
  std::vector<ExportedReply> replies;
  std::vector<TicketView> tickets;
};

// The JSON text of an export, or nullopt when nothing is kept about the conversation.
std::optional<std::string> to_json(const ConversationExport& e);

}  // namespace approdo::store
