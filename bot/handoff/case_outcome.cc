#include "bot/handoff/case_outcome.h"

#include <algorithm>
#include <cctype>

namespace approdo::handoff {
namespace {

std::optional<std::string> find_in(const std::vector<std::string>& ids, const std::string& given) {
  std::string id;
  for (unsigned char c : given) id += (c == ' ' || c == '-') ? '_' : static_cast<char>(std::tolower(c));
  if (std::find(ids.begin(), ids.end(), id) == ids.end()) return std::nullopt;
  return id;
}

}  // namespace

const std::vector<std::string>& outcome_categories() {
  static const std::vector<std::string> ids = {
      "guardianship", "age_assessment", "reception",      "documents",
      "asylum",       "health",         "school",         "work",
      "family_tracing", "trafficking_exploitation", "violence", "other"};
  return ids;
}

const std::vector<std::string>& referral_kinds() {
  static const std::vector<std::string> ids = {"lawyer", "guardian",        "ombudsman", "red_cross",
                                               "iom",    "social_services", "other"};
  return ids;
}

std::optional<std::string> normalize_outcome(const std::string& given) { return find_in(outcome_categories(), given); }
std::optional<std::string> normalize_referral(const std::string& given) { return find_in(referral_kinds(), given); }

}  // namespace approdo::handoff
