#include "bot/handoff/opening_hours.h"

#include <doctest/doctest.h>

namespace approdo::handoff {
namespace {

// 2026-11-23 is a Monday. Rome is UTC+1 in November and UTC+2 in July.
constexpr int64_t kMonday2026_11_23_0000Z = 1795392000000;
constexpr int64_t kHour = 3600 * 1000;

TEST_CASE("office hours in Italian time, winter and summer") {
  auto h = OpeningHours::parse("mon-fri 09:00-18:00", nullptr);
  REQUIRE(h);
  CHECK_FALSE(h->is_open(kMonday2026_11_23_0000Z + 7 * kHour));  // 08:00 in Rome
  CHECK(h->is_open(kMonday2026_11_23_0000Z + 8 * kHour));        // 09:00 in Rome
  CHECK(h->is_open(kMonday2026_11_23_0000Z + 16 * kHour));       // 17:00
  CHECK_FALSE(h->is_open(kMonday2026_11_23_0000Z + 17 * kHour)); // 18:00: closed
  CHECK_FALSE(h->is_open(kMonday2026_11_23_0000Z + 5 * 24 * kHour + 10 * kHour));  // Saturday
  // Monday 2026-07-13 07:30Z = 09:30 in Rome (summer time).
  CHECK(h->is_open(1783927800000));
}

TEST_CASE("several ranges, 24/7, and clear errors") {
  auto h = OpeningHours::parse("mon-fri 09:00-13:00, sat 10:00-12:00", nullptr);
  REQUIRE(h);
  CHECK(h->is_open(kMonday2026_11_23_0000Z + 5 * 24 * kHour + 10 * kHour));  // Saturday 11:00
  CHECK(OpeningHours::parse("24/7", nullptr)->is_open(kMonday2026_11_23_0000Z + 3 * kHour));
  for (const char* bad : {"", "mon-fri", "mon-fry 09:00-18:00", "mon 18:00-09:00", "mon 9-18"}) {
    std::string error;
    CAPTURE(bad);
    CHECK_FALSE(OpeningHours::parse(bad, &error));
    CHECK_FALSE(error.empty());
  }
}

}  // namespace
}  // namespace approdo::handoff
