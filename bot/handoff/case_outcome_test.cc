#include "bot/handoff/case_outcome.h"

#include <doctest/doctest.h>

namespace approdo::handoff {

TEST_CASE("case outcome: ids, and the same words as people type them") {
  CHECK(normalize_outcome("age_assessment") == "age_assessment");
  CHECK(normalize_outcome("Age assessment") == "age_assessment");
  CHECK(normalize_outcome("family-tracing") == "family_tracing");
  CHECK_FALSE(normalize_outcome("shoes"));
  CHECK_FALSE(normalize_outcome(""));
  CHECK(normalize_referral("Red Cross") == "red_cross");
  CHECK(normalize_referral("IOM") == "iom");
  CHECK_FALSE(normalize_referral("police"));
  CHECK(outcome_categories().size() == 12);
  CHECK(referral_kinds().size() == 7);
}

}  // namespace approdo::handoff
