#include "bot/delivery/plain_text.h"

namespace approdo::delivery {

std::string text_with_numbered_choices(const OutboundMessage& message) {
  std::string out = message.text;
  for (std::size_t i = 0; i < message.choices.size(); ++i)
    out += "\n" + std::to_string(i + 1) + ") " + message.choices[i].label;
  return out;
}

}  // namespace approdo::delivery
