// Period: the time window a report covers, from what people type after --since ("30d", "12w", "2026-01-01")
// up to now, with the UTC day and month labels the reports group by. Plain values and functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace approdo::report {

struct Period {
  int64_t since_ms = 0, until_ms = 0;
  std::string since_day, until_day;  // "YYYY-MM-DD", UTC, inclusive
};

// `since`: "<N>d" (days), "<N>w" (weeks) or a date "YYYY-MM-DD" (from its start, UTC); the window ends at
// `now_ms`. nullopt with `error` set when it cannot be read, is in the future, or reaches back over 10 years.
std::optional<Period> parse_period(const std::string& since, int64_t now_ms, std::string* error);

std::string utc_day(int64_t ms);    // "YYYY-MM-DD"
std::string utc_month(int64_t ms);  // "YYYY-MM"

}  // namespace approdo::report
