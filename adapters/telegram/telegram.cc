#include "adapters/telegram/telegram.h"

#include <httplib.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "bot/core/untrusted_json.h"
#include "bot/text/sms.h"

namespace approdo::telegram {
namespace {

using nlohmann::json;

// o[key] for a const object without undefined behaviour: nlohmann's const operator[] on a missing key is UB.
const json& field(const json& o, const char* key) {
  static const json kNull;
  if (!o.is_object()) return kNull;
  auto it = o.find(key);
  return it == o.end() ? kNull : *it;
}

std::string id_string(const json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_string()) return v.get<std::string>();
  return "";
}

const char* media_kind(const json& m) {
  for (const char* k : {"photo", "voice", "audio", "video", "video_note", "sticker", "document", "location",
                        "contact", "animation"})
    if (m.contains(k)) return k;
  return nullptr;
}

WebhookResult bad_request(const std::string& why) {
  WebhookResult r;
  r.status = 400;
  r.body = json{{"error", why}}.dump();
  r.content_type = "application/json";
  r.error = why;
  return r;
}

}  // namespace

WebhookResult parse_update(std::string_view body) {
  std::string error;
  json u = parse_untrusted_json(body, &error);
  if (u.is_discarded() && error != "malformed JSON") return bad_request(error);
  if (!u.is_object() || !u.contains("update_id") || !u["update_id"].is_number_integer())
    return bad_request("not a Telegram Update (no integer update_id)");
  WebhookResult r;
  r.body = "{}";
  r.content_type = "application/json";
  const std::string update_id = std::to_string(u["update_id"].get<int64_t>());
  try {
    if (u.contains("message") && u["message"].is_object()) {
      const json& m = u["message"];
      if (!m.contains("chat") || !m["chat"].is_object()) return bad_request("message without chat");
      if (m["chat"].value("type", "") != "private") return r;  // groups and channels are not for this service
      InboundMessage in;
      in.channel = "telegram";
      in.provider_id = "u" + update_id;
      in.address = id_string(field(field(m, "chat"), "id"));
      if (in.address.empty()) return bad_request("chat without id");
      if (m.contains("text") && m["text"].is_string()) {
        in.text = m["text"].get<std::string>();
        if (in.text.rfind("/start ", 0) == 0) {
          in.start_payload = in.text.substr(7);
          in.text = "/start";
        }
      } else if (const char* kind = media_kind(m)) {
        in.kind = InboundMessage::Kind::kMedia;
        in.media = kind;
        if (m.contains("caption") && m["caption"].is_string()) in.text = m["caption"].get<std::string>();
      } else {
        return r;  // service messages (new members, pinned...) carry nothing for us
      }
      r.messages.push_back(std::move(in));
    } else if (u.contains("callback_query") && u["callback_query"].is_object()) {
      const json& q = u["callback_query"];
      if (!q.contains("message") || !q["message"].is_object()) return r;
      InboundMessage in;
      in.channel = "telegram";
      in.provider_id = "u" + update_id;
      in.address = id_string(field(field(field(q, "message"), "chat"), "id"));
      in.kind = InboundMessage::Kind::kChoice;
      in.text = q.value("data", "");
      in.ack_token = q.value("id", "");
      if (in.address.empty() || in.text.empty()) return r;
      r.messages.push_back(std::move(in));
    } else if (u.contains("my_chat_member") && u["my_chat_member"].is_object()) {
      const json& c = u["my_chat_member"];
      const json& status_value = field(field(c, "new_chat_member"), "status");
      std::string status = status_value.is_string() ? status_value.get<std::string>() : "";
      InboundMessage in;
      in.channel = "telegram";
      in.provider_id = "u" + update_id;
      in.address = id_string(field(field(c, "chat"), "id"));
      if (in.address.empty()) return r;
      if (status == "kicked") in.kind = InboundMessage::Kind::kBlocked;
      else if (status == "member") in.kind = InboundMessage::Kind::kUnblocked;
      else return r;
      r.messages.push_back(std::move(in));
    }
  } catch (const json::exception& e) {
    return bad_request(std::string("malformed Update: ") + e.what());
  }
  return r;
}

TelegramChannel::TelegramChannel(TelegramConfig config)
    : config_(std::move(config)),
      client_(std::make_unique<httplib::Client>(config_.api_base)),
      ack_client_(std::make_unique<httplib::Client>(config_.api_base)) {
  for (auto* c : {client_.get(), ack_client_.get()}) {
    c->set_tcp_nodelay(true);
    c->set_connection_timeout(5, 0);
    c->set_read_timeout(std::chrono::milliseconds(config_.timeout_ms));
    c->set_write_timeout(std::chrono::milliseconds(config_.timeout_ms));
    c->set_keep_alive(true);
  }
  ack_client_->set_connection_timeout(2, 0);  // never hold a webhook long for a spinner
  ack_client_->set_read_timeout(2, 0);
}

void TelegramChannel::acknowledge(const std::string& callback_query_id) {
  if (callback_query_id.empty()) return;
  const std::string path = "/bot" + config_.bot_token + "/answerCallbackQuery";
  ack_client_->Post(path.c_str(), json{{"callback_query_id", callback_query_id}}.dump(), "application/json");
}

std::string TelegramChannel::set_webhook(const std::string& public_url) {
  std::string url = public_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  json body{{"url", url + "/webhooks/telegram"},
            {"secret_token", config_.secret_token},
            {"allowed_updates", json::array({"message", "callback_query", "my_chat_member"})},
            {"drop_pending_updates", false}};
  const std::string path = "/bot" + config_.bot_token + "/setWebhook";
  auto res = client_->Post(path.c_str(), body.dump(), "application/json");
  if (!res) return "cannot reach Telegram: " + httplib::to_string(res.error());
  auto reply = json::parse(res->body, nullptr, false);
  if (res->status == 200 && reply.is_object() && reply.value("ok", false)) return "";
  return reply.is_object() ? reply.value("description", "HTTP " + std::to_string(res->status))
                           : "HTTP " + std::to_string(res->status);
}

TelegramChannel::~TelegramChannel() = default;

WebhookResult TelegramChannel::handle(const HttpRequest& request) {
  WebhookResult refused;
  refused.content_type = "application/json";
  if (request.method != "POST") {
    refused.status = 405;
    refused.error = "Telegram webhooks are POST";
    return refused;
  }
  const std::string given = request.header("x-telegram-bot-api-secret-token");
  const std::string& want = config_.secret_token;
  // Without a configured secret anyone could post updates in a person's name: refuse rather than trust.
  if (want.empty() || given.size() != want.size() ||
      sodium_memcmp(given.data(), want.data(), want.size()) != 0) {
    refused.status = want.empty() ? 403 : 401;
    refused.error = want.empty() ? "no secret_token configured" : "wrong secret token";
    refused.body = R"({"error":"unauthorised"})";
    return refused;
  }
  WebhookResult r = parse_update(request.body);
  for (const auto& m : r.messages) acknowledge(m.ack_token);
  return r;
}

SendResult TelegramChannel::send(const std::string& address, const OutboundMessage& message) {
  std::vector<std::string> parts = text::split_text(message.text, kMaxMessageChars);
  if (parts.empty()) parts.push_back(".");
  SendResult result;
  const std::string path = "/bot" + config_.bot_token + "/sendMessage";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    json body{{"chat_id", address}, {"text", parts[i]}};
    if (i + 1 == parts.size() && !message.choices.empty()) {
      json rows = json::array();
      for (const auto& c : message.choices) rows.push_back(json::array({{{"text", c.label}, {"callback_data", c.id}}}));
      body["reply_markup"] = {{"inline_keyboard", rows}};
    }
    auto res = client_->Post(path.c_str(), body.dump(), "application/json");
    if (!res) {
      result.outcome = SendResult::Outcome::kRetry;
      result.error = "network: " + httplib::to_string(res.error());
      return result;
    }
    json reply = json::parse(res->body, nullptr, false);
    if (res->status == 200 && reply.is_object() && reply.value("ok", false)) {
      if (reply.contains("result") && reply["result"].is_object())
        result.provider_message_id = id_string(reply["result"].value("message_id", json()));
      continue;
    }
    std::string description = reply.is_object() ? reply.value("description", "") : "";
    result.error = std::to_string(res->status) + " " + description;
    if (res->status == 429) {
      result.outcome = SendResult::Outcome::kRetry;
      if (reply.is_object() && reply.contains("parameters") && reply["parameters"].is_object())
        result.retry_after_ms = reply["parameters"].value("retry_after", 1) * 1000LL;
    } else if (res->status >= 500) {
      result.outcome = SendResult::Outcome::kRetry;
    } else {
      result.outcome = SendResult::Outcome::kPermanent;  // 400 bad chat, 403 blocked by the user, 401 bad token
    }
    // Parts already sent stay sent; a retry starts again from the first part (rare: split replies are long).
    return result;
  }
  result.outcome = SendResult::Outcome::kSent;
  return result;
}

}  // namespace approdo::telegram
