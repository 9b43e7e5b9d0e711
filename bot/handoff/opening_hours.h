// OpeningHours: when caseworkers are on duty, from the config's `opening_hours` ("mon-fri 09:00-18:00",
// several ranges separated by ',', or "24/7"), in Italian time (Europe/Rome, with summer time). Immutable
// after parsing; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace approdo::handoff {

class OpeningHours {
 public:
  // nullopt (and `error` set) when the text is not in the format above.
  static std::optional<OpeningHours> parse(const std::string& text, std::string* error);
  static OpeningHours always();

  // Whether `unix_ms` falls inside the hours, in Europe/Rome local time.
  bool is_open(int64_t unix_ms) const;

 private:
  struct Range {
    int first_day = 0, last_day = 0;  // 0 = Monday .. 6 = Sunday
    int from_minute = 0, to_minute = 0;
  };
  std::vector<Range> ranges_;
  bool always_ = false;
};

}  // namespace approdo::handoff
