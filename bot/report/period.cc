#include "bot/report/period.h"

#include <charconv>
#include <ctime>

namespace approdo::report {
namespace {

constexpr int64_t kDayMs = 24LL * 3600 * 1000;
constexpr int64_t kMaxDays = 3660;

std::string format_utc(int64_t ms, const char* format) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

bool read_number(const std::string& s, std::size_t from, std::size_t to, int64_t* out) {
  if (from >= to) return false;
  auto [end, ec] = std::from_chars(s.data() + from, s.data() + to, *out);
  return ec == std::errc() && end == s.data() + to;
}

}  // namespace

std::string utc_day(int64_t ms) { return format_utc(ms, "%Y-%m-%d"); }
std::string utc_month(int64_t ms) { return format_utc(ms, "%Y-%m"); }

std::optional<Period> parse_period(const std::string& since, int64_t now_ms, std::string* error) {
  Period p;
  p.until_ms = now_ms;
  int64_t n = 0;
  if (!since.empty() && (since.back() == 'd' || since.back() == 'w') && read_number(since, 0, since.size() - 1, &n)) {
    int64_t days = since.back() == 'w' ? n * 7 : n;
    if (days < 1 || days > kMaxDays) {
      *error = "--since " + since + ": between 1 day and 10 years";
      return std::nullopt;
    }
    // "30d" is today and the 29 days before it: whole UTC days, so the figures do not move within a day.
    int64_t today_start = now_ms - now_ms % kDayMs;
    p.since_ms = today_start - (days - 1) * kDayMs;
  } else {
    int64_t y = 0, m = 0, d = 0;
    if (since.size() != 10 || since[4] != '-' || since[7] != '-' || !read_number(since, 0, 4, &y) ||
        !read_number(since, 5, 7, &m) || !read_number(since, 8, 10, &d) || m < 1 || m > 12 || d < 1 || d > 31) {
      *error = "--since '" + since + "': write a number of days or weeks (30d, 12w) or a date (2026-01-31)";
      return std::nullopt;
    }
    std::tm tm{};
    tm.tm_year = static_cast<int>(y - 1900);
    tm.tm_mon = static_cast<int>(m - 1);
    tm.tm_mday = static_cast<int>(d);
    p.since_ms = static_cast<int64_t>(timegm(&tm)) * 1000;
    if (utc_day(p.since_ms) != since) {
      *error = "--since " + since + ": there is no such day";
      return std::nullopt;
    }
    if (p.since_ms > now_ms || (now_ms - p.since_ms) / kDayMs > kMaxDays) {
      *error = "--since " + since + ": a day in the last 10 years";
      return std::nullopt;
    }
  }
  p.since_day = utc_day(p.since_ms);
  p.until_day = utc_day(p.until_ms);
  return p;
}

}  // namespace approdo::report
