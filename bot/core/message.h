// The value types that cross the boundary between channel adapters and the bot. An adapter turns a
// provider's webhook into InboundMessages and renders OutboundMessages for its provider; nothing else of a
// channel leaks into bot/. Plain values; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace approdo {

// What a person (or the provider, about a person) sent us.
struct InboundMessage {
  enum class Kind {
    kText,      // free text typed by the person
    kChoice,    // a button / list / callback choice: `text` holds the choice id
    kMedia,     // photo, voice, sticker, document, location... without text: `media` names it
    kBlocked,   // the person blocked the bot or unsubscribed: stop sending
    kUnblocked, // the person allowed the bot again
    kStatus,    // delivery status of something we sent: `status_of` + `status`
  };
  std::string channel;      // "telegram", "whatsapp", "twilio", "webchat"
  std::string provider_id;  // the provider's id of this event; (channel, provider_id) is unique
  std::string address;      // where to reply (chat id, phone number, web session). Personal data.
  Kind kind = Kind::kText;
  std::string text;         // kText: the text; kChoice: the choice id; kMedia: the caption, if any
  std::string media;        // kMedia: "photo", "voice", "audio", "video", "sticker", "document", "location"
  std::string status_of;    // kStatus: the provider id of our outbound message
  std::string status;       // kStatus: "sent", "delivered", "read", "failed"
  std::string status_error; // kStatus failed: the provider's error code/title (no personal data)
  std::string reply_to;     // provider id of the message this one replies to, if any
  std::string start_payload; // Telegram /start deep-link payload
  std::string ack_token;     // Telegram callback_query id: the adapter acknowledges the button press with it
};

// One choice offered to the person: rendered as a button where the channel has them, as "1) label"
// where it does not. The person's answer comes back as the number or as `id` (button payload).
struct Choice {
  std::string id;     // stable payload: "article:age-assessment", "lang:fa", "menu:minors", "cmd:human"
  std::string label;  // shown to the person, in their language
};

// One reply of the bot (or a caseworker) to a person.
struct OutboundMessage {
  std::string text;
  std::vector<Choice> choices;
  std::string lang;    // language of the text (for bidi marks and SMS encoding)
  std::string source;  // what produced it: "article:<id>", "locale:<key>", "caseworker:<user>", ...
};

}  // namespace approdo
