// Telegram Bot API channel (https://core.telegram.org/bots/api). Webhook updates are verified with the secret
// token Telegram echoes in X-Telegram-Bot-Api-Secret-Token (set with setWebhook) and parsed into messages:
// text, button presses (callback_query), media, and the person blocking/unblocking the bot (my_chat_member).
// Replies go out with sendMessage: choices as an inline keyboard, long text split at 4096 characters.
//
// Thread-safety: handle() from any thread; send() from the channel's one sender thread (it owns the client).
#pragma once

#include <memory>
#include <string_view>

#include "bot/app/config.h"
#include "bot/core/channel.h"

namespace httplib {
class Client;
}

namespace approdo::telegram {

inline constexpr std::size_t kMaxMessageChars = 4096;

// Parses one Update (JSON). Invalid JSON or a body that is not an Update gives status 400; update kinds we do
// not use (edited messages, channel posts, polls...) give 200 with no messages, so Telegram does not retry.
WebhookResult parse_update(std::string_view body);

class TelegramChannel : public Channel {
 public:
  explicit TelegramChannel(TelegramConfig config);
  ~TelegramChannel() override;

  std::string name() const override { return "telegram"; }
  WebhookResult handle(const HttpRequest& request) override;
  SendResult send(const std::string& address, const OutboundMessage& message) override;

  // Sets the webhook at Telegram (setWebhook with our URL and secret token, updates we use only).
  // Returns "" on success, else Telegram's description of the problem.
  std::string set_webhook(const std::string& public_url);

 private:
  // Stops the button's loading spinner on the person's phone (answerCallbackQuery). Best effort.
  void acknowledge(const std::string& callback_query_id);

  TelegramConfig config_;
  std::unique_ptr<httplib::Client> client_;        // sender thread only
  std::unique_ptr<httplib::Client> ack_client_;    // HTTP threads: acknowledgements (serialised by httplib)
};

}  // namespace approdo::telegram
