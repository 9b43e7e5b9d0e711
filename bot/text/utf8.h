// UTF-8 validity and safe cutting. Untrusted text passes here before it reaches ICU or the store.
// Pure functions; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace approdo::text {

bool is_valid_utf8(std::string_view s);
// Replaces every invalid sequence with U+FFFD and drops NUL and C0/C1 control characters except \n and \t,
// and the bidi embedding, override and isolate controls.
std::string scrub_utf8(std::string_view s);
// The longest prefix of at most `max_bytes` bytes that ends on a code point boundary.
std::string_view truncate_utf8(std::string_view s, std::size_t max_bytes);
// Number of code points (s must be valid UTF-8).
std::size_t count_code_points(std::string_view s);

}  // namespace approdo::text
