// SMS through Twilio Programmable Messaging. Inbound webhooks are form posts signed with X-Twilio-Signature
// (base64 HMAC-SHA1 of the public URL followed by every POST parameter, name and value, sorted by name, keyed
// with the auth token); they carry a message (MessageSid, From, Body, media) or a delivery status callback
// (MessageStatus, ErrorCode). We answer with an empty TwiML <Response/> and send replies through the REST API:
// POST {api_base}/2010-04-01/Accounts/{sid}/Messages.json, choices as numbered lines (SMS has no buttons),
// long text split at sentence boundaries into messages of at most four segments.
//
// Thread-safety: handle() and send() from any thread (each send on a keep-alive connection of its own).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "bot/app/config.h"
#include "bot/core/channel.h"
#include "bot/delivery/client_pool.h"

namespace approdo::twilio {

inline constexpr std::size_t kMaxSegmentsPerMessage = 4;

// application/x-www-form-urlencoded → name/value pairs, in order ('+' is a space, %XX decoded).
std::multimap<std::string, std::string> parse_form(std::string_view body);
// Percent-encodes one value of an x-www-form-urlencoded body (space as '+').
std::string form_encode(std::string_view s);
// base64(HMAC-SHA1(auth_token, url + sorted name+value pairs)).
std::string signature(std::string_view auth_token, std::string_view url,
                      const std::multimap<std::string, std::string>& params);
// Parses a verified form post into messages.
WebhookResult parse_webhook(std::string_view body);

class TwilioChannel : public Channel {
 public:
  // `public_url` is how Twilio reaches us (e.g. https://bot.example.org): signatures are computed on it.
  TwilioChannel(TwilioConfig config, std::string public_url);
  ~TwilioChannel() override;

  std::string name() const override { return "twilio"; }
  WebhookResult handle(const HttpRequest& request) override;
  SendResult send(const std::string& address, const OutboundMessage& message) override;

 private:
  TwilioConfig config_;
  std::string public_url_;
  delivery::ClientPool clients_;
};

}  // namespace approdo::twilio
