#include "bot/store/row_codec.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>

#include "bot/store/store.h"

namespace approdo {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace store {

using nlohmann::json;

const char* kind_name(InboundMessage::Kind k) {
  switch (k) {
    case InboundMessage::Kind::kText: return "text";
    case InboundMessage::Kind::kChoice: return "choice";
    case InboundMessage::Kind::kMedia: return "media";
    case InboundMessage::Kind::kBlocked: return "blocked";
    case InboundMessage::Kind::kUnblocked: return "unblocked";
    case InboundMessage::Kind::kStatus: return "status";
  }
  return "text";
}

InboundMessage::Kind kind_from(const std::string& s) {
  if (s == "choice") return InboundMessage::Kind::kChoice;
  if (s == "media") return InboundMessage::Kind::kMedia;
  return InboundMessage::Kind::kText;
}

std::string payload_json(const OutboundMessage& m) {
  json choices = json::array();
  for (const auto& c : m.choices) choices.push_back({{"id", c.id}, {"label", c.label}});
  return json{{"text", m.text}, {"choices", choices}, {"lang", m.lang}, {"source", m.source}}.dump();
}

OutboundMessage payload_from(const std::string& s) {
  OutboundMessage m;
  json j = json::parse(s, nullptr, false);
  if (j.is_discarded()) return m;
  m.text = j.value("text", "");
  m.lang = j.value("lang", "");
  m.source = j.value("source", "");
  for (const auto& c : j.value("choices", json::array())) m.choices.push_back({c.value("id", ""), c.value("label", "")});
  return m;
}

std::string today() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

}  // namespace store
}  // namespace approdo
