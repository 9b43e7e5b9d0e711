// Channel: what every messaging channel adapter implements (adapters/<name>/), and the plain request and
// reply types it works with, so that adapters never see the HTTP library and bot/ never sees a provider's
// JSON. Adapters are registered in one place (bot/app/channels.cc).
//
// Thread-safety: handle() is called from the HTTP pool, many at once; send() from the channel's sender
// threads (several at once, unless the channel's RetryPolicy keeps it to one: see bot/app/channels.cc).
// Implementations keep no mutable state besides what they guard themselves.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bot/core/message.h"

namespace approdo {

// An incoming HTTP request as the adapter needs it. Header names are lower case.
struct HttpRequest {
  std::string method, path, body;
  std::string target;  // path and query string exactly as requested (signatures are computed over it)
  std::map<std::string, std::string> headers;
  std::map<std::string, std::string> query;   // also the form fields of an x-www-form-urlencoded body
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

// What a webhook produced: the HTTP answer for the provider and the messages to record. The server records
// `messages` before it sends the answer; when recording fails it answers 503 instead, so the provider retries.
struct WebhookResult {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
  std::vector<InboundMessage> messages;
  std::string error;  // why the request was refused (for the log; never personal data)
};

struct SendResult {
  enum class Outcome {
    kSent,       // accepted by the provider
    kRetry,      // temporary (network, 5xx, 429): try again after `retry_after_ms` (0 = use backoff)
    kPermanent,  // will never work (bad address, blocked, 4xx)
    kHeld,       // not sendable now by the provider's rules (WhatsApp 24-hour window): for a caseworker
  };
  Outcome outcome = Outcome::kSent;
  std::string provider_message_id;  // kSent: the provider's id of the (last) message sent
  int64_t retry_after_ms = 0;
  std::string error;  // provider error code/title, no personal data
};

class Channel {
 public:
  virtual ~Channel() = default;
  virtual std::string name() const = 0;
  // Verifies (signature, secret token) and parses one webhook request.
  virtual WebhookResult handle(const HttpRequest& request) = 0;
  // Renders and sends one reply to `address`, split to the channel's size limits.
  virtual SendResult send(const std::string& address, const OutboundMessage& message) = 0;
};

}  // namespace approdo
