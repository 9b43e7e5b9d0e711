// What a closed case was about and where the person was referred: the fixed lists the help desk reports on
// (how children's rights are respected), so every caseworker records them the same way. Pure; any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace approdo::handoff {

// guardianship, age_assessment, reception, documents, asylum, health, school, work, family_tracing,
// trafficking_exploitation, violence, other.
const std::vector<std::string>& outcome_categories();
// lawyer, guardian, ombudsman, red_cross, iom, social_services, other.
const std::vector<std::string>& referral_kinds();

// The id for what a caseworker or an integration sent: ids as they are, and the same words with spaces,
// hyphens or capitals ("Age assessment" → "age_assessment"). nullopt when it is none of the list.
std::optional<std::string> normalize_outcome(const std::string& given);
std::optional<std::string> normalize_referral(const std::string& given);

}  // namespace approdo::handoff
