// Parsing JSON that comes from outside (webhooks, the web chat, the API): valid UTF-8, nesting no deeper than
// any real provider sends (nlohmann/json would recurse on hostile depth), size already bounded by the server.
// Pure function; any thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace approdo {

inline constexpr int kMaxJsonDepth = 32;

// The parsed value, or a discarded value with `error` set ("body is not valid UTF-8", "JSON nested too
// deeply", "malformed JSON").
nlohmann::json parse_untrusted_json(std::string_view body, std::string* error);

}  // namespace approdo
