// `approdo report gaps|articles|cases [--since 30d] [--format text|csv|json]`: the editors' and the help
// desk's reports from the server's database, on the terminal or as a file for a spreadsheet. The cases report
// is the one meant to leave the help desk: its counts under 5 are hidden unless --exact is given (for the help
// desk's own use); --suppress hides them in the editors' reports too.
//
// Used by main() only, on the main thread.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "bot/app/config.h"

namespace approdo {

class ReportCommand {
 public:
  // Adds the options to `report` (created by the caller, which also gives it --config/--content).
  explicit ReportCommand(CLI::App& report);
  bool parsed() const { return report_->parsed(); }
  // Exit code: 0 printed, 2 bad usage or no database, 3 the database failed.
  int run(const Config& config);

 private:
  CLI::App* report_;
  std::string name_, since_ = "30d", format_ = "text", table_;
  bool exact_ = false, suppress_ = false;
};

}  // namespace approdo
