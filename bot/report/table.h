// Report tables: what every report is made of — named tables of counts and labels — and the three forms they
// leave in (text for a terminal, CSV for spreadsheets, JSON for the console and other programs). Reports hold
// counts only; the one personal-looking thing they may hold is an anonymised question (the gap report).
//
// Small-cell suppression: a table meant to leave the help desk hides every count under the threshold (a
// count of 3 children from one country in one month can name them), and hides one more cell of a group whose
// total is shown when exactly one was hidden, so the hidden one cannot be worked out by subtraction.
//
// Plain values; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace approdo::report {

enum class ColumnKind { kText, kCount, kMinutes, kPercent };

struct Column {
  std::string id, title;
  ColumnKind kind = ColumnKind::kCount;
};

struct Cell {
  std::string text;             // kText columns
  std::optional<double> value;  // number columns; nullopt: no value (e.g. a median of nothing)
  bool suppressed = false;      // hidden small count
  int64_t base = -1;            // a statistic (median, share): how many cases it was computed from

  static Cell label(std::string s) { return Cell{std::move(s), std::nullopt, false, -1}; }
  static Cell number(double v) { return Cell{"", v, false, -1}; }
  // A median or share of `base` cases; none when there were none.
  static Cell statistic(std::optional<double> v, int64_t base) { return Cell{"", v, false, base}; }
};

struct Table {
  std::string id, title;
  std::vector<Column> columns;
  std::vector<std::vector<Cell>> rows;  // each row has columns.size() cells

  // Column groups whose cells add up to a published total (for complementary suppression): each group is a
  // list of column indexes of one row that sum to the column `total` of the same row.
  struct RowGroup {
    int total = -1;
    std::vector<int> parts;
  };
  std::vector<RowGroup> row_groups;
  // Columns whose cells of all rows add up to a total row (the row named by `total_row`, -1: none).
  int total_row = -1;

  std::size_t column(const std::string& id) const;  // index of the column; throws std::out_of_range
};

struct Report {
  std::string id, title;
  std::string since, until;  // "YYYY-MM-DD" (UTC), inclusive
  int suppressed_below = 0;  // 0: exact counts
  std::vector<Table> tables;
  const Table* table(const std::string& id) const;
};

// Hides count cells under `threshold`, and statistics computed from fewer than `threshold` cases, then the
// complementary cells.
void suppress_small_cells(Report& report, int threshold);

std::string render_text(const Report& report);
// One block per table: a "# id: title" line, the header, the rows, a blank line. `only_table` ("" = all)
// gives a plain single-table CSV. A cell a spreadsheet would run as a formula (=, +, -, @ first) is quoted
// with a leading apostrophe: the gap report holds people's words.
std::string render_csv(const Report& report, const std::string& only_table = "");
// {"report","title","since","until","suppressed_below","tables":[{"id","title","columns":[…],"rows":[{…}]}]}
// A suppressed cell is null.
nlohmann::json as_json(const Report& report);
std::string render_json(const Report& report);

}  // namespace approdo::report
