#include "bot/handoff/opening_hours.h"

#include <unicode/calendar.h>
#include <unicode/timezone.h>

#include <array>
#include <memory>
#include <sstream>

namespace approdo::handoff {
namespace {

constexpr std::array<const char*, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int day_index(const std::string& d) {
  for (int i = 0; i < 7; ++i)
    if (d == kDays[i]) return i;
  return -1;
}

// "09:00" → 540; -1 when malformed. "24:00" is allowed as the end of the day.
int minute_of_day(const std::string& t) {
  if (t.size() != 5 || t[2] != ':') return -1;
  for (int i : {0, 1, 3, 4})
    if (t[i] < '0' || t[i] > '9') return -1;
  int h = (t[0] - '0') * 10 + (t[1] - '0'), m = (t[3] - '0') * 10 + (t[4] - '0');
  if (m > 59 || h > 24 || (h == 24 && m != 0)) return -1;
  return h * 60 + m;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

OpeningHours OpeningHours::always() {
  OpeningHours h;
  h.always_ = true;
  return h;
}

std::optional<OpeningHours> OpeningHours::parse(const std::string& text, std::string* error) {
  if (trim(text) == "24/7") return always();
  OpeningHours h;
  std::stringstream all(text);
  std::string part;
  while (std::getline(all, part, ',')) {
    part = trim(part);
    auto space = part.find(' ');
    auto fail = [&](const std::string& why) {
      if (error) *error = "'" + part + "': " + why + " (expected e.g. \"mon-fri 09:00-18:00\" or \"24/7\")";
      return std::nullopt;
    };
    if (space == std::string::npos) return fail("missing hours");
    std::string days = part.substr(0, space), hours = trim(part.substr(space + 1));
    Range r;
    auto dash = days.find('-');
    r.first_day = day_index(days.substr(0, dash));
    r.last_day = dash == std::string::npos ? r.first_day : day_index(days.substr(dash + 1));
    if (r.first_day < 0 || r.last_day < 0) return fail("unknown day");
    auto hdash = hours.find('-');
    if (hdash == std::string::npos) return fail("hours need a start and an end");
    r.from_minute = minute_of_day(hours.substr(0, hdash));
    r.to_minute = minute_of_day(hours.substr(hdash + 1));
    if (r.from_minute < 0 || r.to_minute < 0 || r.to_minute <= r.from_minute) return fail("bad time");
    h.ranges_.push_back(r);
  }
  if (h.ranges_.empty()) {
    if (error) *error = "empty opening hours";
    return std::nullopt;
  }
  return h;
}

bool OpeningHours::is_open(int64_t unix_ms) const {
  if (always_) return true;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Calendar> cal(
      icu::Calendar::createInstance(icu::TimeZone::createTimeZone("Europe/Rome"), status));
  if (U_FAILURE(status)) return true;  // without a calendar, do not tell people we are closed
  cal->setTime(static_cast<UDate>(unix_ms), status);
  int dow = cal->get(UCAL_DAY_OF_WEEK, status);  // 1 = Sunday
  int minute = cal->get(UCAL_HOUR_OF_DAY, status) * 60 + cal->get(UCAL_MINUTE, status);
  if (U_FAILURE(status)) return true;
  int day = (dow + 5) % 7;  // Monday = 0
  for (const auto& r : ranges_) {
    bool day_in = r.first_day <= r.last_day ? (day >= r.first_day && day <= r.last_day)
                                            : (day >= r.first_day || day <= r.last_day);
    if (day_in && minute >= r.from_minute && minute < r.to_minute) return true;
  }
  return false;
}

}  // namespace approdo::handoff
