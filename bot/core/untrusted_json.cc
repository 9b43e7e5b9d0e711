#include "bot/core/untrusted_json.h"

#include "bot/text/utf8.h"

namespace approdo {
namespace {

bool too_deep(std::string_view body) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (char c : body) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

}  // namespace

nlohmann::json parse_untrusted_json(std::string_view body, std::string* error) {
  auto fail = [&](const char* why) {
    if (error) *error = why;
    return nlohmann::json(nlohmann::json::value_t::discarded);
  };
  if (!text::is_valid_utf8(body)) return fail("body is not valid UTF-8");
  if (too_deep(body)) return fail("JSON nested too deeply");
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return fail("malformed JSON");
  return j;
}

}  // namespace approdo
