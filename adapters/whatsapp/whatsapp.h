// WhatsApp Cloud API channel (Meta). The GET subscription handshake answers hub.challenge when
// hub.verify_token matches; every POST is verified with X-Hub-Signature-256 (HMAC-SHA256 of the raw body with
// the app secret) before it is parsed. Inbound: text, button and list replies, media, delivery statuses.
// Outbound: POST {api_base}/{phone_number_id}/messages — reply buttons (≤3 short choices), a list (≤10), or
// numbered text; a message outside the 24-hour customer-service window (error 131047) is held for a caseworker.
//
// Thread-safety: handle() and send() from any thread (each send on a keep-alive connection of its own).
#pragma once

#include <memory>
#include <string_view>

#include "bot/app/config.h"
#include "bot/core/channel.h"
#include "bot/delivery/client_pool.h"

namespace approdo::whatsapp {

// Parses a webhook body (already verified). 400 for what is not a WhatsApp notification.
WebhookResult parse_notification(std::string_view body);
// "sha256=<hex>" for `body` under `app_secret`.
std::string signature(std::string_view app_secret, std::string_view body);

class WhatsAppChannel : public Channel {
 public:
  explicit WhatsAppChannel(WhatsAppConfig config);
  ~WhatsAppChannel() override;

  std::string name() const override { return "whatsapp"; }
  WebhookResult handle(const HttpRequest& request) override;
  SendResult send(const std::string& address, const OutboundMessage& message) override;

 private:
  WhatsAppConfig config_;
  std::string api_path_;  // the path part of api_base (the Graph API version), before every request path
  delivery::ClientPool clients_;
};

}  // namespace approdo::whatsapp
