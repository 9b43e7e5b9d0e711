#include "bot/access/login_throttle.h"

#include <doctest/doctest.h>

namespace approdo::access {

TEST_CASE("login throttle: an account is locked after its limit of failures until the window moves") {
  LoginThrottle t({/*per_account=*/3, /*per_address=*/100, /*window_ms=*/1000});
  for (int i = 0; i < 3; ++i) {
    CHECK(t.wait_ms("giulia", "10.0.0.1", 100 + i) == 0);
    t.failed("giulia", "10.0.0.1", 100 + i);
  }
  CHECK(t.wait_ms("giulia", "10.0.0.9", 200) == 900);  // from any address
  CHECK(t.wait_ms("marco", "10.0.0.1", 200) == 0);     // other accounts are not affected
  CHECK(t.wait_ms("giulia", "10.0.0.1", 1099) == 1);   // the first failure leaves the window at 1100
  CHECK(t.wait_ms("giulia", "10.0.0.1", 1100) == 0);
}

TEST_CASE("login throttle: one address guessing many accounts is locked") {
  LoginThrottle t({/*per_account=*/5, /*per_address=*/4, /*window_ms=*/1000});
  for (int i = 0; i < 4; ++i) t.failed("user" + std::to_string(i), "10.0.0.1", 10);
  CHECK(t.wait_ms("someone-else", "10.0.0.1", 20) == 990);
  CHECK(t.wait_ms("someone-else", "10.0.0.2", 20) == 0);
}

TEST_CASE("login throttle: success clears the account, not the address") {
  LoginThrottle t({/*per_account=*/2, /*per_address=*/3, /*window_ms=*/1000});
  t.failed("giulia", "a", 1);
  t.failed("giulia", "a", 2);
  CHECK(t.wait_ms("giulia", "b", 3) > 0);
  t.succeeded("giulia");
  CHECK(t.wait_ms("giulia", "b", 3) == 0);
  t.failed("marco", "a", 4);
  CHECK(t.wait_ms("anyone", "a", 5) > 0);  // three failures from "a" remain
}

}  // namespace approdo::access
