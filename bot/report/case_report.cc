#include "bot/report/case_report.h"

#include <algorithm>
#include <map>
#include <set>

#include "bot/core/language.h"
#include "bot/handoff/case_outcome.h"
#include "bot/store/row_codec.h"

namespace approdo::report {
namespace {

// Nearest-rank percentile of sorted values.
std::optional<double> percentile(std::vector<double> v, double p) {
  if (v.empty()) return std::nullopt;
  std::sort(v.begin(), v.end());
  std::size_t rank = static_cast<std::size_t>(p * static_cast<double>(v.size()) + 0.999999);
  return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

// The months of the period, oldest first.
std::vector<std::string> months_of(const Period& p) {
  std::vector<std::string> out;
  for (int64_t t = p.since_ms;; t += 24LL * 3600 * 1000) {
    std::string m = utc_month(std::min(t, p.until_ms));
    if (out.empty() || out.back() != m) out.push_back(m);
    if (t >= p.until_ms) break;
  }
  return out;
}

// A table with one row per month and a total row, and one count column per value of a dimension: `known`
// values first (all of them, so tables of two periods line up), then any other value seen.
Table month_table(const std::string& id, const std::string& title, const std::vector<std::string>& months,
                  std::vector<std::string> known, const std::vector<std::pair<std::string, std::string>>& seen,
                  bool parts_add_up) {
  for (const auto& [month, value] : seen)
    if (std::find(known.begin(), known.end(), value) == known.end()) known.push_back(value);
  Table t{id, title, {{"month", "Month", ColumnKind::kText}}, {}, {}, -1};
  for (const auto& v : known) t.columns.push_back({v, v, ColumnKind::kCount});
  if (parts_add_up) t.columns.push_back({"all", "All", ColumnKind::kCount});
  std::map<std::pair<std::string, std::string>, int64_t> n;
  for (const auto& s : seen) ++n[s];
  for (const auto& month : months) {
    std::vector<Cell> row{Cell::label(month)};
    int64_t all = 0;
    for (const auto& v : known) {
      int64_t c = n.count({month, v}) ? n[{month, v}] : 0;
      all += c;
      row.push_back(Cell::number(static_cast<double>(c)));
    }
    if (parts_add_up) row.push_back(Cell::number(static_cast<double>(all)));
    t.rows.push_back(std::move(row));
  }
  std::vector<Cell> total{Cell::label("total")};
  for (std::size_t i = 1; i < t.columns.size(); ++i) {
    double sum = 0;
    for (const auto& r : t.rows) sum += *r[i].value;
    total.push_back(Cell::number(sum));
  }
  t.rows.push_back(std::move(total));
  t.total_row = static_cast<int>(t.rows.size()) - 1;
  if (parts_add_up) {
    Table::RowGroup g{static_cast<int>(t.columns.size()) - 1, {}};
    for (int i = 1; i + 1 < static_cast<int>(t.columns.size()); ++i) g.parts.push_back(i);
    t.row_groups.push_back(std::move(g));
  }
  return t;
}

Table by_month(const std::vector<CaseRecord>& cases, const std::vector<std::string>& months, int64_t sla_ms,
               int64_t now_ms) {
  Table t{"by_month",
          "Cases per month",
          {{"month", "Month", ColumnKind::kText},
           {"opened", "Opened", ColumnKind::kCount},
           {"normal", "Normal", ColumnKind::kCount},
           {"urgent", "Urgent", ColumnKind::kCount},
           {"closed", "Closed", ColumnKind::kCount},
           {"open", "Still open", ColumnKind::kCount},
           {"safety_triage", "Opened by the safety triage", ColumnKind::kCount},
           {"answered", "Answered by a caseworker", ColumnKind::kCount},
           {"first_response_median", "Minutes to first response (median)", ColumnKind::kMinutes},
           {"first_response_p90", "Minutes to first response (90%)", ColumnKind::kMinutes},
           {"sla_breaches", "Not answered in time", ColumnKind::kCount}},
          {},
          {{1, {2, 3}}, {1, {4, 5}}},
          -1};
  std::vector<std::string> row_months = months;
  row_months.push_back("total");
  for (const auto& month : row_months) {
    int64_t opened = 0, urgent = 0, closed = 0, triage = 0, breaches = 0;
    std::vector<double> waits;
    for (const auto& c : cases) {
      if (month != "total" && utc_month(c.opened_at) != month) continue;
      ++opened;
      urgent += c.priority == "urgent";
      closed += c.closed_at != 0;
      triage += c.reason == "urgent";
      if (c.first_response_at) waits.push_back(static_cast<double>(c.first_response_at - c.opened_at) / 60000.0);
      int64_t until = c.first_response_at ? c.first_response_at : c.closed_at ? c.closed_at : now_ms;
      breaches += until - c.opened_at > sla_ms;
    }
    auto n = [](int64_t v) { return Cell::number(static_cast<double>(v)); };
    auto answered = static_cast<int64_t>(waits.size());
    t.rows.push_back({Cell::label(month), n(opened), n(opened - urgent), n(urgent), n(closed), n(opened - closed),
                      n(triage), n(answered), Cell::statistic(percentile(waits, 0.5), answered),
                      Cell::statistic(percentile(waits, 0.9), answered), n(breaches)});
  }
  t.total_row = static_cast<int>(t.rows.size()) - 1;
  return t;
}

}  // namespace

Report case_report(const std::vector<CaseRecord>& cases, const Period& period, int sla_minutes, int64_t now_ms) {
  Report r{"cases", "Cases of the help desk", period.since_day, period.until_day, 0, {}};
  auto months = months_of(period);
  r.tables.push_back(by_month(cases, months, int64_t{sla_minutes} * 60 * 1000, now_ms));

  std::vector<std::pair<std::string, std::string>> outcome, language, channel, referral, triage;
  for (const auto& c : cases) {
    std::string m = utc_month(c.opened_at);
    outcome.emplace_back(m, c.closed_at ? (c.outcome.empty() ? "other" : c.outcome) : "open");
    language.emplace_back(m, c.lang.empty() ? "unknown" : c.lang);
    channel.emplace_back(m, c.channel);
    for (const auto& k : store::split_list(c.referrals)) referral.emplace_back(m, k);
    if (c.reason == "urgent") triage.emplace_back(m, c.category.empty() ? "other" : c.category);
  }
  auto outcomes = handoff::outcome_categories();
  outcomes.push_back("open");
  r.tables.push_back(month_table("by_outcome", "Cases per outcome", months, outcomes, outcome, true));
  std::vector<std::string> languages(kKnownLanguages.begin(), kKnownLanguages.end());
  r.tables.push_back(month_table("by_language", "Cases per language", months, languages, language, true));
  r.tables.push_back(month_table("by_channel", "Cases per channel", months, {"telegram", "whatsapp", "twilio", "webchat"},
                                 channel, true));
  r.tables.push_back(month_table("by_referral", "Referrals made", months, handoff::referral_kinds(), referral, false));
  r.tables.push_back(
      month_table("triage_by_category", "Opened by the safety triage, per danger", months, {}, triage, false));
  return r;
}

}  // namespace approdo::report
