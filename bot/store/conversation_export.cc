#include "bot/store/conversation_export.h"

#include <nlohmann/json.hpp>

#include "bot/store/row_codec.h"

namespace approdo::store {

using nlohmann::json;

namespace {

json text_or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }
json time_or_null(int64_t t) { return t == 0 ? json(nullptr) : json(t); }

}  // namespace

std::optional<std::string> to_json(const ConversationExport& e) {
  json out;
  if (const auto& c = e.conversation) {
    out["conversation"] = {{"key", c->key},
                           {"channel", c->channel},
                           {"address", e.address},
                           {"state", json::parse(c->state_json, nullptr, false)},
                           {"lang", c->lang},
                           {"status", c->status},
                           {"blocked", c->blocked},
                           {"created_at", c->created_at},
                           {"updated_at", c->updated_at}};
  }
  json messages = json::array();
  for (const auto& m : e.messages)
    messages.push_back({{"id", m.in.id},
                        {"channel", m.in.msg.channel},
                        {"kind", kind_name(m.in.msg.kind)},
                        {"text", m.in.msg.text},
                        {"media", m.in.msg.media},
                        {"received_at", m.in.received_at},
                        {"answered", m.answered}});
  json replies = json::array();
  for (const auto& r : e.replies)
    replies.push_back({{"id", r.id},
                       {"message", json::parse(r.payload, nullptr, false)},
                       {"status", r.status},
                       {"delivery", r.delivery},
                       {"created_at", r.created_at}});
  json tickets = json::array();
  for (const auto& t : e.tickets)
    tickets.push_back({{"id", t.id},
                       {"status", t.status},
                       {"priority", t.priority},
                       {"reason", t.reason},
                       {"lang", t.lang},
                       {"channel", t.channel},
                       {"category", t.category},
                       {"summary", t.summary},
                       {"assigned_to", text_or_null(t.assigned_to)},
                       {"opened_at", t.opened_at},
                       {"first_response_at", time_or_null(t.first_response_at)},
                       {"closed_at", time_or_null(t.closed_at)},
                       {"outcome", text_or_null(t.outcome)}});
  if (!out.contains("conversation") && messages.empty() && tickets.empty()) return std::nullopt;
  out["messages"] = messages;
  out["replies"] = replies;
  out["tickets"] = tickets;
  return out.dump(2, ' ', false, json::error_handler_t::replace);
}

}  // namespace approdo::store
