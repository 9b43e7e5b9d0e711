#include "bot/report/build_report.h"

#include "bot/report/article_report.h"
#include "bot/report/case_report.h"
#include "bot/report/gap_report.h"

namespace approdo::report {

std::optional<Report> build_report(const std::string& name, Store& store, const Content& content,
                                   const Period& period, int sla_minutes, int64_t now_ms) {
  if (name == "gaps") return gap_report(store.unmatched_since(period.since_ms), period);
  if (name == "articles") return article_report(store.article_usage_since(period.since_day), content, period);
  if (name == "cases") return case_report(store.cases_opened_since(period.since_ms), period, sla_minutes, now_ms);
  return std::nullopt;
}

}  // namespace approdo::report
