// The editors' gap report: what people asked that the knowledge base did not answer ("not understood") or
// answered only with "did you mean" — per language, with similar questions grouped so that forty ways of
// asking about the bus pass are one line with a count and a few examples. The questions were anonymised
// when they were stored (dialogue::anonymise_question: digits and e-mail addresses replaced).
//
// Tables:
//   by_language  questions = not understood + did you mean, and how many groups they make
//   groups       one row per group, biggest first: language, count (of which not understood / did you mean),
//                the words its questions share, and up to three examples (the most asked first)
//
// Grouping: the words of a question (folded, stemmed, without words of one or two letters, the language's
// question and function words, and the words most questions of the language share) against the first
// question of each group; a question joins the group it overlaps most, if it shares at least half of the
// shorter one's words (and two words, when both have four or more). Greedy and deterministic: the same
// questions give the same groups.
// Pure; any thread.
#pragma once

#include <vector>

#include "bot/report/period.h"
#include "bot/report/table.h"
#include "bot/store/store.h"

namespace approdo::report {

Report gap_report(const std::vector<UnmatchedRecord>& questions, const Period& period);

}  // namespace approdo::report
