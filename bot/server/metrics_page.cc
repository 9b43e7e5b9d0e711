#include "bot/server/metrics_page.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

namespace approdo::server {
namespace {

constexpr const char* kPriorities[] = {"urgent", "normal"};
constexpr int64_t kFirstResponseWindowMs = 24 * 3600 * 1000;
struct Quantile {
  double q;
  const char* label;
};
constexpr Quantile kQuantiles[] = {{0.5, "0.5"}, {0.9, "0.9"}, {1.0, "1"}};

void knowledge_gauges(PrometheusText& out, const KnowledgeHolder::ReloadStatus& status) {
  out.family("approdo_knowledge_version", "Version of the knowledge base in use (1 at start, +1 per reload).",
             "gauge");
  out.sample({}, status.version);
  out.family("approdo_knowledge_reload_ok", "1 when the last reload of the knowledge base succeeded.", "gauge");
  out.sample({}, status.ok ? 1 : 0);
  out.family("approdo_knowledge_loaded_timestamp_seconds",
             "When the knowledge base in use was loaded (Unix time): the last successful reload.", "gauge");
  out.sample({}, static_cast<double>(status.loaded_at_ms) / 1000.0);
  out.family("approdo_knowledge_errors", "Errors of the last refused knowledge base edit (0 when it loaded).",
             "gauge");
  out.sample({}, status.ok ? 0.0 : static_cast<double>(status.errors.size()));
  if (status.ok) return;
  // Each error of the refused edit as a label, so a dashboard shows editors what to fix.
  out.family("approdo_knowledge_error", "One error of the last refused knowledge base edit.", "gauge");
  std::vector<std::string> seen;  // one series per distinct problem: a repeated line would break the scrape
  for (const auto& e : status.errors) {
    if (std::find(seen.begin(), seen.end(), e) != seen.end()) continue;
    seen.push_back(e);
    out.sample({{"problem", e}}, 1);
  }
}

// Nearest rank: the smallest value with at least q of the values at or below it.
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

void queue_gauges(PrometheusText& out, Store& store, int64_t now_ms) {
  std::map<std::string, int64_t> waiting, oldest_opened;
  for (const auto& t : store.open_tickets()) {
    if (t.status != "waiting") continue;
    ++waiting[t.priority];
    auto [it, fresh] = oldest_opened.try_emplace(t.priority, t.opened_at);
    if (!fresh) it->second = std::min(it->second, t.opened_at);
  }
  out.family("approdo_tickets_waiting",
             "Tickets waiting for a caseworker (not yet picked up), by priority. From the store: all instances.",
             "gauge");
  for (const char* p : kPriorities) out.sample({{"priority", p}}, waiting[p]);
  out.family("approdo_ticket_oldest_wait_seconds",
             "How long the oldest waiting ticket has waited, by priority (0: none waiting). All instances.", "gauge");
  for (const char* p : kPriorities) {
    auto it = oldest_opened.find(p);
    out.sample({{"priority", p}}, it == oldest_opened.end() ? 0.0 : static_cast<double>(now_ms - it->second) / 1000.0);
  }

  std::map<std::string, std::vector<double>> response_seconds;
  for (const auto& c : store.cases_opened_since(now_ms - kFirstResponseWindowMs))
    if (c.first_response_at > 0)
      response_seconds[c.priority].push_back(static_cast<double>(c.first_response_at - c.opened_at) / 1000.0);
  out.family("approdo_ticket_first_response_seconds",
             "Time from a ticket's opening to a caseworker's first reply, over the tickets opened in the last 24 "
             "hours that have one, by priority and quantile (NaN: none). All instances.",
             "gauge");
  for (const char* p : kPriorities) {
    auto& seconds = response_seconds[p];
    std::sort(seconds.begin(), seconds.end());
    for (const auto& q : kQuantiles) out.sample({{"priority", p}, {"quantile", q.label}}, quantile(seconds, q.q));
  }
  out.family("approdo_tickets_answered_24h",
             "Tickets opened in the last 24 hours that a caseworker has answered, by priority. All instances.",
             "gauge");
  for (const char* p : kPriorities) out.sample({{"priority", p}}, static_cast<double>(response_seconds[p].size()));
}

void outbox_gauges(PrometheusText& out, Store& store) {
  struct Gauge {
    const char* name;
    const char* help;
    const char* status;
  };
  static constexpr Gauge kGauges[] = {
      {"approdo_outbox_dead",
       "Replies that could not be delivered (dead letters, shown to caseworkers). All instances.", "dead"},
      {"approdo_outbox_held", "Replies held by a provider rule (WhatsApp 24-hour window). All instances.", "held"},
      {"approdo_outbox_pending", "Replies waiting to be sent. All instances.", "pending"},
  };
  for (const auto& g : kGauges) {
    out.family(g.name, g.help, "gauge");
    out.sample({}, static_cast<double>(store.outbox_with_status(g.status)));
  }
}

}  // namespace

std::string metrics_page(const Metrics& metrics, Store& store, const KnowledgeHolder::ReloadStatus& knowledge,
                         int64_t now_ms) {
  PrometheusText out;
  metrics.render(out);
  knowledge_gauges(out, knowledge);
  queue_gauges(out, store, now_ms);
  outbox_gauges(out, store);
  return out.text();
}

}  // namespace approdo::server
