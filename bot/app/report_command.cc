#include "bot/app/report_command.h"

#include <cstdio>

#include "bot/app/open_store.h"
#include "bot/kb/loader.h"
#include "bot/report/build_report.h"

namespace approdo {

ReportCommand::ReportCommand(CLI::App& report) : report_(&report) {
  report.add_option("REPORT", name_, "gaps (questions not answered), articles (reading, feedback, translations)"
                                     " or cases (the help desk's cases per month)")
      ->required()
      ->check(CLI::IsMember({"gaps", "articles", "cases"}));
  report.add_option("--since", since_, "the period: 30d, 12w or a date 2026-01-31 (default 30d)");
  report.add_option("--format", format_, "text, csv or json (default text)")
      ->check(CLI::IsMember({"text", "csv", "json"}));
  report.add_option("--table", table_, "only this table (csv: a plain single-table file)");
  auto* exact = report.add_flag("--exact", exact_, "cases: show counts under 5 (for the help desk only)");
  report.add_flag("--suppress", suppress_, "hide counts under 5 (always on for cases unless --exact)")
      ->excludes(exact);
}

int ReportCommand::run(const Config& config) {
  std::string error;
  auto period = report::parse_period(since_, now_ms(), &error);
  if (!period) {
    std::fprintf(stderr, "approdo: %s\n", error.c_str());
    return 2;
  }
  try {
    auto admin = open_for_admin(config);
    if (!admin) return 2;
    ContentLoad content = load_content(config.content_dir);
    if (has_errors(content.problems))
      std::fprintf(stderr, "approdo: the knowledge base in %s has errors (approdo lint): titles and translations"
                           " are read from what could be loaded\n", config.content_dir.c_str());
    auto r = report::build_report(name_, *admin->store, *content.content, *period, config.first_response_minutes,
                                  now_ms());
    if (!r) return 2;  // CLI11 checked the name
    if (!table_.empty() && !r->table(table_)) {
      std::string names;
      for (const auto& t : r->tables) names += (names.empty() ? "" : ", ") + t.id;
      std::fprintf(stderr, "approdo: the %s report has no table '%s' (it has: %s)\n", name_.c_str(), table_.c_str(),
                   names.c_str());
      return 2;
    }
    if (suppress_ || (name_ == "cases" && !exact_)) report::suppress_small_cells(*r, report::kSmallCellThreshold);
    if (!table_.empty()) std::erase_if(r->tables, [&](const report::Table& t) { return t.id != table_; });
    std::string out = format_ == "csv"    ? report::render_csv(*r, table_)
                      : format_ == "json" ? report::render_json(*r)
                                          : report::render_text(*r);
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "approdo: report: %s\n", e.what());
    return 3;
  }
}

}  // namespace approdo
