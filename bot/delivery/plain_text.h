// Rendering a reply for channels without buttons (SMS, a terminal, a list too long for WhatsApp): the text,
// then the choices as "1) label" lines — the person answers with the number. Shared by every such channel so
// they all number the same way the dialogue reads the answer. Pure function; any thread.
#pragma once

#include <string>

#include "bot/core/message.h"

namespace approdo::delivery {

std::string text_with_numbered_choices(const OutboundMessage& message);

}  // namespace approdo::delivery
