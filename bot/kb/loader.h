// Loading and checking the knowledge base from a content directory (see content/README.md). Reports every
// problem it finds, with file:line:col, rather than stopping at the first. Call from any thread; the result
// is owned by the caller.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bot/kb/content.h"
#include "bot/kb/problem.h"

namespace approdo {

struct ContentLoad {
  std::shared_ptr<Content> content;  // filled even when there are errors (best effort), for `kb dump`
  std::vector<Problem> problems;
};

// `today` (YYYY-MM-DD) decides which reviews are older than 12 months; empty means the real date.
ContentLoad load_content(const std::string& dir, const std::string& today = "");

std::string today_iso();

}  // namespace approdo
