// The editors' article report: which articles people read, in which language, whether they said the answer
// helped ("did this help?" after an answer), and which translations are missing, stale (older than the
// English text) or waiting for a native speaker's review.
//
// Tables:
//   by_article    every article of the knowledge base, most read first: views, helpful, not helpful, share
//                 helpful (of those who answered)
//   usage         per article and language, for the rows with views or feedback
//   translations  per article and language: missing, stale (with both dates) or needs native review
// Pure; any thread.
#pragma once

#include <vector>

#include "bot/kb/content.h"
#include "bot/report/period.h"
#include "bot/report/table.h"
#include "bot/store/store.h"

namespace approdo::report {

Report article_report(const std::vector<ArticleUsage>& usage, const Content& content, const Period& period);

}  // namespace approdo::report
