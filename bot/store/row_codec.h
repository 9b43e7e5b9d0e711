// How records become column values and back, the same for every store backend (only the SQL differs):
// message kinds as words, a reply as its JSON payload, the day article views are counted under.
// Only bot/store/ includes this. Pure functions; any thread.
#pragma once

#include <string>

#include "bot/core/message.h"

namespace approdo::store {

const char* kind_name(InboundMessage::Kind k);
InboundMessage::Kind kind_from(const std::string& s);
std::string payload_json(const OutboundMessage& m);
OutboundMessage payload_from(const std::string& s);  // a damaged payload gives an empty message
std::string today();  // UTC, YYYY-MM-DD

}  // namespace approdo::store
