#include "adapters/whatsapp/whatsapp.h"

#include <httplib.h>
#include <sodium.h>

#include <utility>

#include "bot/core/untrusted_json.h"
#include "bot/delivery/plain_text.h"
#include "bot/text/sms.h"
#include "bot/text/utf8.h"

namespace approdo::whatsapp {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxTextChars = 4096;
constexpr std::size_t kMaxButtonTitle = 20, kMaxRowTitle = 24, kMaxButtons = 3, kMaxRows = 10;
constexpr int kOutsideWindow = 131047;  // "Re-engagement message": more than 24 h since the person wrote

WebhookResult refuse(int status, const std::string& why) {
  WebhookResult r;
  r.status = status;
  r.content_type = "application/json";
  r.body = json{{"error", why}}.dump();
  r.error = why;
  return r;
}

std::string str(const json& o, const char* key) {
  auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : "";
}

void parse_message(const json& m, std::vector<InboundMessage>& out) {
  InboundMessage in;
  in.channel = "whatsapp";
  in.provider_id = str(m, "id");
  in.address = str(m, "from");
  if (in.provider_id.empty() || in.address.empty()) return;
  if (m.contains("context") && m["context"].is_object()) in.reply_to = str(m["context"], "id");
  std::string type = str(m, "type");
  if (type == "text" && m.contains("text") && m["text"].is_object()) {
    in.text = str(m["text"], "body");
  } else if (type == "interactive" && m.contains("interactive") && m["interactive"].is_object()) {
    const json& i = m["interactive"];
    for (const char* k : {"button_reply", "list_reply"})
      if (i.contains(k) && i[k].is_object()) in.text = str(i[k], "id");
    in.kind = InboundMessage::Kind::kChoice;
  } else if (type == "button" && m.contains("button") && m["button"].is_object()) {
    in.text = str(m["button"], "text");  // a template quick reply: its payload is the template's, not ours
  } else if (type == "image" || type == "audio" || type == "video" || type == "document" || type == "sticker" ||
             type == "location" || type == "contacts" || type == "voice") {
    in.kind = InboundMessage::Kind::kMedia;
    in.media = type == "audio" ? "voice" : type;  // WhatsApp voice notes arrive as audio
    if (m.contains(type) && m[type].is_object()) in.text = str(m[type], "caption");
  } else {
    return;  // reactions, unsupported, system messages: nothing to answer
  }
  if (in.text.empty() && in.kind != InboundMessage::Kind::kMedia) return;
  out.push_back(std::move(in));
}

void parse_status(const json& s, std::vector<InboundMessage>& out) {
  InboundMessage in;
  in.channel = "whatsapp";
  in.kind = InboundMessage::Kind::kStatus;
  in.status_of = str(s, "id");
  in.status = str(s, "status");
  in.provider_id = "status:" + in.status_of + ":" + in.status;
  if (in.status_of.empty() || in.status.empty()) return;
  if (s.contains("errors") && s["errors"].is_array() && !s["errors"].empty() && s["errors"][0].is_object()) {
    const json& e = s["errors"][0];
    in.status_error = (e.contains("code") && e["code"].is_number_integer() ? std::to_string(e["code"].get<int>()) : "") +
                      " " + str(e, "title");
  }
  out.push_back(std::move(in));
}

}  // namespace

std::string signature(std::string_view app_secret, std::string_view body) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(app_secret.data()), app_secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[2 * sizeof mac + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return std::string("sha256=") + hex;
}

WebhookResult parse_notification(std::string_view body) {
  std::string error;
  json n = parse_untrusted_json(body, &error);
  if (n.is_discarded()) return refuse(400, error);
  if (!n.is_object() || str(n, "object") != "whatsapp_business_account" || !n.contains("entry") ||
      !n["entry"].is_array())
    return refuse(400, "not a WhatsApp Business Account notification");
  WebhookResult r;
  r.body = "{}";
  r.content_type = "application/json";
  for (const auto& entry : n["entry"]) {
    if (!entry.is_object() || !entry.contains("changes") || !entry["changes"].is_array()) continue;
    for (const auto& change : entry["changes"]) {
      if (!change.is_object() || str(change, "field") != "messages" || !change.contains("value")) continue;
      const json& v = change["value"];
      if (!v.is_object()) continue;
      if (v.contains("messages") && v["messages"].is_array())
        for (const auto& m : v["messages"])
          if (m.is_object()) parse_message(m, r.messages);
      if (v.contains("statuses") && v["statuses"].is_array())
        for (const auto& s : v["statuses"])
          if (s.is_object()) parse_status(s, r.messages);
    }
  }
  return r;
}

namespace {

// api_base carries the Graph API version as a path ("https://graph.facebook.com/v21.0"), but httplib::Client
// takes only scheme://host[:port] (given more, it cannot connect at all): the path goes before each request.
std::pair<std::string, std::string> origin_and_path(const std::string& base) {
  auto scheme = base.find("://");
  auto slash = base.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (slash == std::string::npos) return {base, ""};
  std::string path = base.substr(slash);
  while (!path.empty() && path.back() == '/') path.pop_back();
  return {base.substr(0, slash), path};
}

}  // namespace

WhatsAppChannel::WhatsAppChannel(WhatsAppConfig config)
    : config_(std::move(config)),
      api_path_(origin_and_path(config_.api_base).second),
      clients_(origin_and_path(config_.api_base).first, config_.timeout_ms,
               [this](httplib::Client& c) { c.set_bearer_token_auth(config_.access_token); }) {}

WhatsAppChannel::~WhatsAppChannel() = default;

WebhookResult WhatsAppChannel::handle(const HttpRequest& request) {
  if (request.method == "GET") {  // Meta's subscription handshake
    auto q = [&](const char* k) {
      auto it = request.query.find(k);
      return it == request.query.end() ? std::string() : it->second;
    };
    const std::string given = q("hub.verify_token");
    bool ok = q("hub.mode") == "subscribe" && !config_.verify_token.empty() &&
              given.size() == config_.verify_token.size() &&
              sodium_memcmp(given.data(), config_.verify_token.data(), given.size()) == 0;
    if (!ok) return refuse(403, "verify token mismatch");
    WebhookResult r;
    r.body = q("hub.challenge");
    return r;
  }
  if (config_.app_secret.empty()) return refuse(403, "no app_secret configured");
  const std::string given = request.header("x-hub-signature-256");
  const std::string want = signature(config_.app_secret, request.body);
  if (given.size() != want.size() || sodium_memcmp(given.data(), want.data(), want.size()) != 0)
    return refuse(401, "invalid request signature");
  return parse_notification(request.body);
}

namespace {

bool labels_fit(const std::vector<Choice>& choices, std::size_t max_chars) {
  for (const auto& c : choices)
    if (text::count_code_points(c.label) > max_chars || c.id.size() > 200) return false;
  return true;
}

// The message body for one part: interactive buttons or list when the choices fit, else numbered text.
json message_body(const std::string& to, const std::string& text, const std::vector<Choice>& choices,
                  const std::string& list_button) {
  json body{{"messaging_product", "whatsapp"}, {"recipient_type", "individual"}, {"to", to}};
  if (!choices.empty() && choices.size() <= kMaxButtons && labels_fit(choices, kMaxButtonTitle) &&
      text::count_code_points(text) <= 1024) {
    json buttons = json::array();
    for (const auto& c : choices) buttons.push_back({{"type", "reply"}, {"reply", {{"id", c.id}, {"title", c.label}}}});
    body["type"] = "interactive";
    body["interactive"] = {{"type", "button"}, {"body", {{"text", text}}}, {"action", {{"buttons", buttons}}}};
    return body;
  }
  if (!choices.empty() && choices.size() <= kMaxRows && labels_fit(choices, kMaxRowTitle) &&
      text::count_code_points(text) <= 1024) {
    json rows = json::array();
    for (const auto& c : choices) rows.push_back({{"id", c.id}, {"title", c.label}});
    body["type"] = "interactive";
    body["interactive"] = {{"type", "list"},
                           {"body", {{"text", text}}},
                           {"action", {{"button", list_button}, {"sections", json::array({{{"rows", rows}}})}}}};
    return body;
  }
  OutboundMessage plain{text, choices, "", ""};
  body["type"] = "text";
  body["text"] = {{"preview_url", false}, {"body", delivery::text_with_numbered_choices(plain)}};
  return body;
}

}  // namespace

SendResult WhatsAppChannel::send(const std::string& address, const OutboundMessage& message) {
  std::vector<std::string> parts = text::split_text(message.text, kMaxTextChars - 600);  // room for numbered choices
  if (parts.empty()) parts.push_back(".");
  SendResult result;
  const std::string path = api_path_ + "/" + config_.phone_number_id + "/messages";
  auto client = clients_.take();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    bool last = i + 1 == parts.size();
    json body = message_body(address, parts[i], last ? message.choices : std::vector<Choice>{}, "☰");
    auto res = client->Post(path.c_str(), body.dump(), "application/json");
    if (!res) {
      result.outcome = SendResult::Outcome::kRetry;
      result.error = "network: " + httplib::to_string(res.error());
      return result;
    }
    json reply = json::parse(res->body, nullptr, false);
    if (res->status == 200 && reply.is_object() && reply.contains("messages") && reply["messages"].is_array() &&
        !reply["messages"].empty()) {
      result.provider_message_id = str(reply["messages"][0], "id");
      continue;
    }
    int code = 0;
    std::string message_text;
    if (reply.is_object() && reply.contains("error") && reply["error"].is_object()) {
      const json& e = reply["error"];
      if (e.contains("code") && e["code"].is_number_integer()) code = e["code"].get<int>();
      message_text = str(e, "message");
    }
    result.error = std::to_string(res->status) + " " + std::to_string(code) + " " + message_text;
    if (code == kOutsideWindow) result.outcome = SendResult::Outcome::kHeld;
    else if (res->status == 429 || res->status >= 500 || code == 130429 || code == 131056 || code == 80007)
      result.outcome = SendResult::Outcome::kRetry;
    else
      result.outcome = SendResult::Outcome::kPermanent;
    return result;
  }
  result.outcome = SendResult::Outcome::kSent;
  return result;
}

}  // namespace approdo::whatsapp
