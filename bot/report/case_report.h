// The help desk's case report: what its tickets were about and how fast people were answered, per month —
// the picture a help desk gives institutions about how children's rights are respected. Counts only, built
// from Store::cases_opened_since (tickets keep their counts after a person's data is erased).
//
// Tables (rows: the months of the period, oldest first, then "total"):
//   by_month            opened = normal + urgent = closed + open; opened by the safety triage; answered; median
//                       and 90th percentile minutes to the first response; SLA breaches (no first response
//                       within handoff.first_response_minutes)
//   by_outcome          closed cases per outcome category (bot/handoff/case_outcome.h), "open" for the rest
//   by_language, by_channel
//   by_referral         referrals made (a case may have several, so rows do not add up to the cases)
//   triage_by_category  tickets opened by the safety triage, per safety category
// Pure; any thread.
#pragma once

#include <vector>

#include "bot/report/period.h"
#include "bot/report/table.h"
#include "bot/store/store.h"

namespace approdo::report {

// `cases`: tickets opened in the period. `sla_minutes`: the first-response target. `now_ms`: for tickets still
// waiting (a ticket waiting longer than the target is a breach already).
Report case_report(const std::vector<CaseRecord>& cases, const Period& period, int sla_minutes, int64_t now_ms);

}  // namespace approdo::report
