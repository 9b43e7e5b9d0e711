#include "bot/report/table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>

#include "bot/text/utf8.h"

namespace approdo::report {

std::size_t Table::column(const std::string& id) const {
  for (std::size_t i = 0; i < columns.size(); ++i)
    if (columns[i].id == id) return i;
  throw std::out_of_range("report table '" + this->id + "' has no column '" + id + "'");
}

const Table* Report::table(const std::string& id) const {
  for (const auto& t : tables)
    if (t.id == id) return &t;
  return nullptr;
}

namespace {

bool is_count(const Column& c) { return c.kind == ColumnKind::kCount; }

// Hides the smallest visible count among `cells` when exactly one of them is hidden and their total is
// shown: otherwise total minus the others gives the hidden one back.
void hide_complement(std::vector<Cell*> cells, bool total_visible) {
  if (!total_visible) return;
  int hidden = 0;
  Cell* smallest = nullptr;
  for (Cell* c : cells) {
    if (c->suppressed) {
      ++hidden;
    } else if (c->value && (!smallest || *c->value < *smallest->value)) {
      smallest = c;
    }
  }
  if (hidden == 1 && smallest) smallest->suppressed = true;
}

}  // namespace

void suppress_small_cells(Report& report, int threshold) {
  report.suppressed_below = threshold;
  if (threshold <= 0) return;
  for (auto& t : report.tables) {
    for (auto& row : t.rows)
      for (std::size_t i = 0; i < t.columns.size(); ++i)
        if ((is_count(t.columns[i]) && row[i].value && *row[i].value < threshold) ||
            (row[i].base >= 0 && row[i].base < threshold))
          row[i].suppressed = true;
    // Complementary cells, until nothing changes (hiding one may expose another group).
    for (bool changed = true; changed;) {
      changed = false;
      auto hidden_count = [&] {
        int n = 0;
        for (auto& row : t.rows)
          for (auto& c : row) n += c.suppressed;
        return n;
      };
      int before = hidden_count();
      for (auto& row : t.rows)
        for (const auto& g : t.row_groups) {
          std::vector<Cell*> parts;
          for (int p : g.parts) parts.push_back(&row[p]);
          hide_complement(parts, !row[g.total].suppressed);
        }
      if (t.total_row >= 0)
        for (std::size_t i = 0; i < t.columns.size(); ++i) {
          if (!is_count(t.columns[i])) continue;
          std::vector<Cell*> parts;
          for (std::size_t r = 0; r < t.rows.size(); ++r)
            if (static_cast<int>(r) != t.total_row) parts.push_back(&t.rows[r][i]);
          hide_complement(parts, !t.rows[t.total_row][i].suppressed);
        }
      changed = hidden_count() != before;
    }
  }
}

namespace {

std::string number_text(const Column& c, const Cell& cell, int threshold) {
  if (cell.suppressed) return "<" + std::to_string(threshold);
  if (!cell.value) return "";
  char buf[32];
  if (c.kind == ColumnKind::kCount) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(std::llround(*cell.value)));
  } else {
    std::snprintf(buf, sizeof buf, "%.1f", *cell.value);
  }
  return buf;
}

std::string cell_text(const Column& c, const Cell& cell, int threshold) {
  return c.kind == ColumnKind::kText ? cell.text : number_text(c, cell, threshold);
}

// RFC 4180 quoting, and an apostrophe before what a spreadsheet would evaluate as a formula.
std::string csv_field(std::string s) {
  if (!s.empty() && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r'))
    s = "'" + s;
  if (s.find_first_of(",\"\r\n'") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

void csv_table(std::string& out, const Table& t, int threshold) {
  for (std::size_t i = 0; i < t.columns.size(); ++i) out += (i ? "," : "") + csv_field(t.columns[i].id);
  out += "\r\n";
  for (const auto& row : t.rows) {
    for (std::size_t i = 0; i < t.columns.size(); ++i)
      out += (i ? "," : "") + csv_field(text::one_line(cell_text(t.columns[i], row[i], threshold)));
    out += "\r\n";
  }
}

const char* kind_name(ColumnKind k) {
  switch (k) {
    case ColumnKind::kText: return "text";
    case ColumnKind::kCount: return "count";
    case ColumnKind::kMinutes: return "minutes";
    case ColumnKind::kPercent: return "percent";
  }
  return "text";
}

}  // namespace

std::string render_text(const Report& report) {
  std::string out = report.title + " (" + report.since + " to " + report.until + ")";
  if (report.suppressed_below > 0)
    out += "\ncounts under " + std::to_string(report.suppressed_below) + " are shown as <" +
           std::to_string(report.suppressed_below);
  out += "\n";
  for (const auto& t : report.tables) {
    out += "\n" + t.title + "\n";
    std::vector<std::vector<std::string>> cells{{}};
    for (const auto& c : t.columns) cells[0].push_back(c.title);
    for (const auto& row : t.rows) {
      cells.emplace_back();
      for (std::size_t i = 0; i < t.columns.size(); ++i)
        cells.back().push_back(text::one_line(cell_text(t.columns[i], row[i], report.suppressed_below)));
    }
    std::vector<std::size_t> width(t.columns.size(), 0);
    for (const auto& r : cells)
      for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], text::count_code_points(r[i]));
    if (t.rows.empty()) {
      out += "  (none)\n";
      continue;
    }
    for (const auto& r : cells) {
      std::string line = " ";
      for (std::size_t i = 0; i < r.size(); ++i) {
        std::string pad(width[i] - text::count_code_points(r[i]), ' ');
        line += " " + (t.columns[i].kind == ColumnKind::kText ? r[i] + pad : pad + r[i]);
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      out += line + "\n";
    }
  }
  return out;
}

std::string render_csv(const Report& report, const std::string& only_table) {
  std::string out;
  for (const auto& t : report.tables) {
    if (!only_table.empty()) {
      if (t.id == only_table) csv_table(out, t, report.suppressed_below);
      continue;
    }
    out += "# " + t.id + ": " + t.title + "\r\n";
    csv_table(out, t, report.suppressed_below);
    out += "\r\n";
  }
  return out;
}

nlohmann::json as_json(const Report& report) {
  nlohmann::json tables = nlohmann::json::array();
  for (const auto& t : report.tables) {
    nlohmann::json columns = nlohmann::json::array(), rows = nlohmann::json::array();
    for (const auto& c : t.columns) columns.push_back({{"id", c.id}, {"title", c.title}, {"kind", kind_name(c.kind)}});
    for (const auto& row : t.rows) {
      nlohmann::json r = nlohmann::json::object();
      for (std::size_t i = 0; i < t.columns.size(); ++i) {
        const Cell& cell = row[i];
        if (t.columns[i].kind == ColumnKind::kText)
          r[t.columns[i].id] = cell.text;
        else if (cell.suppressed || !cell.value)
          r[t.columns[i].id] = nullptr;
        else if (t.columns[i].kind == ColumnKind::kCount)
          r[t.columns[i].id] = std::llround(*cell.value);
        else
          r[t.columns[i].id] = std::round(*cell.value * 10) / 10;
      }
      rows.push_back(std::move(r));
    }
    tables.push_back({{"id", t.id}, {"title", t.title}, {"columns", columns}, {"rows", rows}});
  }
  return {{"report", report.id},         {"title", report.title},   {"since", report.since},
          {"until", report.until},       {"suppressed_below", report.suppressed_below},
          {"tables", std::move(tables)}};
}

std::string render_json(const Report& report) {
  // Invalid UTF-8 cannot reach a report (stored text is scrubbed), but a dump must never throw over it.
  return as_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace approdo::report
