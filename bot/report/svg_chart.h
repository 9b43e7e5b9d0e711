// Charts of the reports, drawn by the server as standalone SVG documents (no script, no external resource:
// the console shows them with <img>, and they can be saved or printed as they are). Every label is escaped;
// every bar carries its value in a <title> (a tooltip, and what a screen reader reads).
//
// Charts per report:
//   cases     cases-by-month (normal and urgent, stacked), first-response-by-month (median minutes),
//             cases-by-outcome, cases-by-language, cases-by-channel, cases-by-referral (period totals)
//   gaps      gaps-by-language (not understood and did-you-mean, stacked)
//   articles  article-views, article-feedback (helped and did not help, stacked; the 15 most read)
// Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bot/report/table.h"

namespace approdo::report {

struct ChartInfo {
  std::string id, title;
};

// The charts of a report ("cases", "gaps", "articles"), in the order a page shows them.
std::vector<ChartInfo> charts_of(const std::string& report_id);

// The SVG document of one chart of `report`, or nullopt when the report has no such chart. A suppressed
// value is drawn as no bar, labelled with "<N>".
std::optional<std::string> render_chart(const Report& report, const std::string& chart_id);

}  // namespace approdo::report
