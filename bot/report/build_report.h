// build_report: one report by name ("gaps", "articles", "cases") from the store and the knowledge base in
// use, for `approdo report` and the console's /api/v1/reports. Reads only anonymous rows (see the Store's
// report queries). Any thread (the Store is thread-safe; Content is immutable).
#pragma once

#include <optional>
#include <string>

#include "bot/kb/content.h"
#include "bot/report/period.h"
#include "bot/report/table.h"
#include "bot/store/store.h"

namespace approdo::report {

inline constexpr int kSmallCellThreshold = 5;  // in what leaves the help desk, counts under 5 are hidden

// The report names, in the order `approdo report --help` lists them.
inline constexpr const char* kReportNames[] = {"gaps", "articles", "cases"};

// nullopt for an unknown name. `sla_minutes`: the config's handoff.first_response_minutes.
std::optional<Report> build_report(const std::string& name, Store& store, const Content& content,
                                   const Period& period, int sla_minutes, int64_t now_ms);

}  // namespace approdo::report
