// Problem: one thing wrong in a content, locale or config file, with its position, for people to fix.
// Printed as `file:line:col: error|warning: message` (line and column count from 1).
#pragma once

#include <string>
#include <vector>

#include "bot/text/utf8.h"

namespace approdo {

struct Problem {
  enum class Severity { kError, kWarning };
  std::string file;
  int line = 0, col = 0;  // 1-based; 0 when the problem is about the whole file
  Severity severity = Severity::kError;
  std::string message;

  std::string format() const {
    std::string s = file;
    if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(col);
    // One line per problem, whatever the file quoted in the message holds (a key with a line break in it).
    return s + (severity == Severity::kError ? ": error: " : ": warning: ") + text::one_line(message);
  }
};

inline bool has_errors(const std::vector<Problem>& problems) {
  for (const auto& p : problems)
    if (p.severity == Problem::Severity::kError) return true;
  return false;
}

}  // namespace approdo
