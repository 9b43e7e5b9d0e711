#include "adapters/webchat/webchat.h"

#include <nlohmann/json.hpp>

#include "bot/core/language.h"
#include "bot/core/untrusted_json.h"
#include "bot/text/utf8.h"

namespace approdo::webchat {
namespace {

bool valid_client_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

}  // namespace

bool valid_session(std::string_view session) {
  if (session.size() < 16 || session.size() > 64) return false;
  for (char c : session)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

ParsedPost parse_post(std::string_view body) {
  ParsedPost out;
  std::string error;
  auto j = parse_untrusted_json(body, &error);
  if (j.is_discarded() && error != "malformed JSON") {
    out.error = error;
    return out;
  }
  if (!j.is_object()) {
    out.error = "body must be a JSON object";
    return out;
  }
  auto str = [&](const char* key) -> std::string {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : "";
  };
  std::string session = str("session"), id = str("id"), text = str("text"), choice = str("choice");
  if (!valid_session(session)) {
    out.error = "'session' must be 16-64 lower-case hex digits";
  } else if (!valid_client_id(id)) {
    out.error = "'id' must be 1-64 letters, digits, '-' or '_'";
  } else if (text.empty() == choice.empty()) {
    out.error = "exactly one of 'text' and 'choice' is required";
  } else if (choice.size() > 200) {
    out.error = "'choice' too long (at most 200 bytes)";
  }
  if (!out.error.empty()) return out;
  out.message.channel = "webchat";
  out.message.provider_id = session + ":" + id;
  out.message.address = session;
  out.message.kind = choice.empty() ? InboundMessage::Kind::kText : InboundMessage::Kind::kChoice;
  out.message.text = choice.empty() ? std::string(text::truncate_utf8(text, kMaxTextBytes)) : choice;
  return out;
}

std::string render_poll(const std::vector<OutboxRow>& rows) {
  nlohmann::json messages = nlohmann::json::array();
  for (const auto& r : rows) {
    nlohmann::json choices = nlohmann::json::array();
    for (const auto& c : r.msg.choices) choices.push_back({{"id", c.id}, {"label", c.label}});
    messages.push_back({{"id", r.id},
                        {"text", r.msg.text},
                        {"choices", choices},
                        {"lang", r.msg.lang},
                        {"dir", is_rtl_language(r.msg.lang) ? "rtl" : "ltr"}});
  }
  return nlohmann::json{{"messages", messages}}.dump();
}

}  // namespace approdo::webchat
