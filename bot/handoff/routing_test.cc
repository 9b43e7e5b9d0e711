#include "bot/handoff/routing.h"

#include <doctest/doctest.h>

namespace approdo::handoff {

TEST_CASE("routing: a waiting ticket goes first to speakers of its language, then to everyone") {
  RoutingPolicy policy{/*offer_all_after_ms=*/600, /*first_response_ms=*/1000};
  TicketView t;
  t.status = "waiting";
  t.lang = "ps";
  t.opened_at = 1000;
  CHECK(offered_to(t, {"ps", "fa"}, policy, 1001));
  CHECK_FALSE(offered_to(t, {"en", "it"}, policy, 1599));
  CHECK(offered_to(t, {"en", "it"}, policy, 1600));
  CHECK(offered_to(t, {}, policy, 1001));  // no languages listed: sees everything
  t.status = "assigned";
  CHECK(offered_to(t, {"en"}, policy, 1001));  // the team sees who works on what
}

TEST_CASE("routing: time to first response and overdue tickets") {
  RoutingPolicy policy{/*offer_all_after_ms=*/600, /*first_response_ms=*/1000};
  TicketView t;
  t.status = "waiting";
  t.opened_at = 5000;
  CHECK(waited_ms(t, 5999) == 999);
  CHECK_FALSE(overdue(t, policy, 5999));
  CHECK(overdue(t, policy, 6000));
  t.first_response_at = 5500;  // answered: the wait stops counting and it is never overdue
  CHECK(waited_ms(t, 9000) == 500);
  CHECK_FALSE(overdue(t, policy, 9000));
}

}  // namespace approdo::handoff
