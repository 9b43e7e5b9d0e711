// Reading a menu choice: "2", " 2. ", "۲", "٢" (Arabic-Indic and Persian digits) → 2. Any thread.
#pragma once

#include <optional>
#include <string_view>

namespace approdo::text {

// The number when the whole message is one number (1-3 digits, any script) with optional surrounding
// spaces and punctuation such as '.', ')', '-'; otherwise nullopt.
std::optional<int> read_choice_number(std::string_view utf8);

}  // namespace approdo::text
