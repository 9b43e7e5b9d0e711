#include "bot/report/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "bot/text/utf8.h"

namespace approdo::report {
namespace {

// One horizontal bar per row, split into stacked segments (one per series).
struct BarRow {
  std::string label;
  std::vector<std::optional<double>> segments;  // nullopt: suppressed
};

struct Chart {
  std::string title;
  std::vector<std::string> series;
  std::vector<BarRow> rows;
  int suppressed_below = 0;
};

constexpr const char* kColors[] = {"#2f6f9f", "#d9822b", "#4b9a5a", "#a3485f", "#7a6bb0", "#8c8c8c"};

std::string escape_xml(const std::string& s) {
  std::string out;
  for (char c : text::one_line(s)) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string number(double v) {
  char buf[32];
  if (std::fabs(v - std::round(v)) < 1e-9)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string draw(const Chart& c) {
  const int width = 640, label_w = 170, value_w = 60, row_h = 26, bar_h = 18;
  const int legend_h = c.series.size() > 1 ? 22 : 0;
  const int top = 34 + legend_h;
  const int height = top + std::max<int>(1, static_cast<int>(c.rows.size())) * row_h + 12;
  const int bar_area = width - label_w - value_w;
  double max_total = 0;
  for (const auto& r : c.rows) {
    double total = 0;
    for (const auto& s : r.segments) total += s.value_or(0);
    max_total = std::max(max_total, total);
  }
  if (max_total <= 0) max_total = 1;

  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(width) + "\" height=\"" +
                    std::to_string(height) + "\" viewBox=\"0 0 " + std::to_string(width) + " " +
                    std::to_string(height) + "\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n";
  svg += "<title>" + escape_xml(c.title) + "</title>\n";
  svg += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  svg += "<text x=\"8\" y=\"20\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">" + escape_xml(c.title) +
         "</text>\n";
  if (legend_h) {
    int x = label_w;
    for (std::size_t i = 0; i < c.series.size(); ++i) {
      svg += "<rect x=\"" + std::to_string(x) + "\" y=\"30\" width=\"12\" height=\"12\" fill=\"" + kColors[i % 6] +
             "\"/><text x=\"" + std::to_string(x + 16) + "\" y=\"40\" fill=\"#222\">" + escape_xml(c.series[i]) +
             "</text>\n";
      x += 30 + 7 * static_cast<int>(text::count_code_points(c.series[i]));
    }
  }
  if (c.rows.empty())
    svg += "<text x=\"" + std::to_string(label_w) + "\" y=\"" + std::to_string(top + 16) +
           "\" fill=\"#666\">No data in this period</text>\n";
  for (std::size_t r = 0; r < c.rows.size(); ++r) {
    const BarRow& row = c.rows[r];
    int y = top + static_cast<int>(r) * row_h;
    svg += "<text x=\"" + std::to_string(label_w - 8) + "\" y=\"" + std::to_string(y + 13) +
           "\" text-anchor=\"end\" fill=\"#222\">" + escape_xml(row.label) + "</text>\n";
    double x = label_w, total = 0;
    bool hidden = false;
    for (std::size_t s = 0; s < row.segments.size(); ++s) {
      if (!row.segments[s]) {
        hidden = true;
        continue;
      }
      double v = *row.segments[s];
      total += v;
      double w = v / max_total * bar_area;
      if (v > 0) {
        char rect[160];
        std::snprintf(rect, sizeof rect, "<rect class=\"bar\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">",
                      x, y, std::max(w, 1.0), bar_h, kColors[s % 6]);
        svg += rect;
        svg += "<title>" + escape_xml(row.label + (c.series.size() > 1 ? ", " + c.series[s] : "") + ": " + number(v)) +
               "</title></rect>\n";
      }
      x += w;
    }
    std::string value = number(total);
    if (hidden) value = total > 0 ? value + "+" : "<" + std::to_string(c.suppressed_below);
    svg += "<text x=\"" + number(x + 6) + "\" y=\"" + std::to_string(y + 13) + "\" fill=\"#444\">" +
           escape_xml(value) + "</text>\n";
  }
  return svg + "</svg>\n";
}

std::optional<double> value_of(const Cell& c) {
  if (c.suppressed) return std::nullopt;
  return c.value.value_or(0);
}

// Rows of a table (without its total row) as bars of the given columns.
Chart rows_as_bars(const Report& rep, const Table& t, const std::string& title, const std::vector<std::string>& cols,
                   const std::vector<std::string>& names, const std::string& label_col, std::size_t max_rows) {
  Chart c{title, names, {}, rep.suppressed_below};
  std::size_t label = t.column(label_col);
  for (std::size_t r = 0; r < t.rows.size() && c.rows.size() < max_rows; ++r) {
    if (static_cast<int>(r) == t.total_row) continue;
    BarRow row{t.rows[r][label].text, {}};
    for (const auto& col : cols) row.segments.push_back(value_of(t.rows[r][t.column(col)]));
    c.rows.push_back(std::move(row));
  }
  return c;
}

// The total row of a month table as one bar per column (a period total per outcome, language, ...).
Chart totals_as_bars(const Report& rep, const Table& t, const std::string& title) {
  Chart c{title, {title}, {}, rep.suppressed_below};
  if (t.total_row < 0) return c;
  for (std::size_t i = 1; i < t.columns.size(); ++i) {
    if (t.columns[i].id == "all") continue;
    const Cell& cell = t.rows[t.total_row][i];
    if (!cell.suppressed && cell.value.value_or(0) == 0) continue;  // a list of zeros says nothing
    c.rows.push_back({t.columns[i].title, {value_of(cell)}});
  }
  return c;
}

}  // namespace

std::vector<ChartInfo> charts_of(const std::string& report_id) {
  if (report_id == "cases")
    return {{"cases-by-month", "Cases per month"},
            {"first-response-by-month", "Minutes to first response (median)"},
            {"cases-by-outcome", "Cases per outcome"},
            {"cases-by-language", "Cases per language"},
            {"cases-by-channel", "Cases per channel"},
            {"cases-by-referral", "Referrals made"}};
  if (report_id == "gaps") return {{"gaps-by-language", "Questions not answered, per language"}};
  if (report_id == "articles")
    return {{"article-views", "Most read articles"}, {"article-feedback", "Did the answer help?"}};
  return {};
}

std::optional<std::string> render_chart(const Report& report, const std::string& chart_id) {
  std::string title;
  for (const auto& c : charts_of(report.id))
    if (c.id == chart_id) title = c.title;
  if (title.empty()) return std::nullopt;
  auto table = [&](const char* id) -> const Table& {
    const Table* t = report.table(id);
    if (!t) throw std::logic_error(std::string("report without table ") + id);
    return *t;
  };
  const std::size_t all = static_cast<std::size_t>(-1);
  if (chart_id == "cases-by-month")
    return draw(rows_as_bars(report, table("by_month"), title, {"normal", "urgent"}, {"normal", "urgent"}, "month", all));
  if (chart_id == "first-response-by-month")
    return draw(rows_as_bars(report, table("by_month"), title, {"first_response_median"}, {"median"}, "month", all));
  if (chart_id == "cases-by-outcome") return draw(totals_as_bars(report, table("by_outcome"), title));
  if (chart_id == "cases-by-language") return draw(totals_as_bars(report, table("by_language"), title));
  if (chart_id == "cases-by-channel") return draw(totals_as_bars(report, table("by_channel"), title));
  if (chart_id == "cases-by-referral") return draw(totals_as_bars(report, table("by_referral"), title));
  if (chart_id == "gaps-by-language")
    return draw(rows_as_bars(report, table("by_language"), title, {"not_understood", "did_you_mean"},
                             {"not understood", "did you mean"}, "lang", all));
  if (chart_id == "article-views")
    return draw(rows_as_bars(report, table("by_article"), title, {"views"}, {"views"}, "article", 15));
  // article-feedback: the most read articles that people rated.
  Chart c = rows_as_bars(report, table("by_article"), title, {"helpful", "not_helpful"}, {"helped", "did not help"},
                         "article", all);
  std::erase_if(c.rows, [](const BarRow& r) {
    return r.segments[0].value_or(1) == 0 && r.segments[1].value_or(1) == 0;
  });
  if (c.rows.size() > 15) c.rows.resize(15);
  return draw(c);
}

}  // namespace approdo::report
