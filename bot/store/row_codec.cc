#include "bot/store/row_codec.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <functional>
#include <map>
#include <sstream>

#include "bot/store/store.h"
#include "bot/text/utf8.h"

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

std::string hashed_id(const Keyring& keyring, const std::string& channel, const std::string& id) {
  return keyring.conversation_key(channel, "id:" + id);
}

std::string stored_text(const std::string& text) {
  return std::string(text::truncate_utf8(text::scrub_utf8(text), kMaxStoredTextBytes));
}

std::string join_list(const std::vector<std::string>& parts) {
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : ",") + p;
  return out;
}

std::vector<std::string> split_list(const std::string& joined) {
  std::vector<std::string> out;
  std::stringstream in(joined);
  for (std::string part; std::getline(in, part, ',');)
    if (!part.empty()) out.push_back(part);
  return out;
}

HistoryEntry inbound_entry(int64_t id, int64_t at, std::string kind, std::string text) {
  HistoryEntry e;
  e.direction = "in";
  e.id = id;
  e.at = at;
  e.kind = std::move(kind);
  e.text = std::move(text);
  return e;
}

HistoryEntry outbound_entry(int64_t id, int64_t at, const std::string& payload, std::string status,
                            std::string delivery, std::string error) {
  HistoryEntry e;
  e.direction = "out";
  e.id = id;
  e.at = at;
  auto j = json::parse(payload, nullptr, false);
  if (j.is_object()) {
    e.text = j.value("text", "");
    e.source = j.value("source", "");
  }
  e.status = std::move(status);
  e.delivery = std::move(delivery);
  e.error = std::move(error);
  return e;
}

void order_history(std::vector<HistoryEntry>& entries, int limit) {
  // A reply is saved in the same millisecond as the message it answers: the message comes first.
  std::sort(entries.begin(), entries.end(), [](const HistoryEntry& a, const HistoryEntry& b) {
    if (a.at != b.at) return a.at < b.at;
    if (a.direction != b.direction) return a.direction == "in";
    return a.id < b.id;
  });
  if (static_cast<int>(entries.size()) > limit) entries.erase(entries.begin(), entries.end() - limit);
}

CaseStats tally_closed(const std::vector<std::pair<std::string, std::string>>& outcome_and_referrals) {
  CaseStats s;
  std::map<std::string, int64_t> outcomes, referrals;
  for (const auto& [outcome, joined] : outcome_and_referrals) {
    ++s.closed;
    ++outcomes[outcome];
    for (const auto& r : split_list(joined)) ++referrals[r];
  }
  s.outcomes.assign(outcomes.begin(), outcomes.end());
  s.referrals.assign(referrals.begin(), referrals.end());
  return s;
}

std::string revision_of(const std::vector<int64_t>& counters, const std::string& open_tickets) {
  std::string rev;
  for (int64_t c : counters) rev += std::to_string(c) + ".";
  return rev + std::to_string(std::hash<std::string>{}(open_tickets));
}

std::optional<Rekeyed> rekeyed(const Keyring& current, const Keyring& next, const std::string& channel,
                               const std::string& sealed) {
  auto address = current.open(sealed);
  if (!address) return std::nullopt;
  return Rekeyed{next.conversation_key(channel, *address), next.seal(*address)};
}

}  // namespace store
}  // namespace approdo
