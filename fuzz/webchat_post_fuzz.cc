// libFuzzer target: web chat message bodies (POST /webchat/send; seeded with tests/fixtures/webchat). The
// contract checked: no crash or sanitizer report, and an accepted body yields a valid session as address and
// valid UTF-8 text no longer than the channel's cut.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/webchat/webchat.h"
#include "bot/text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = approdo::webchat::parse_post(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!r.error.empty()) return 0;
  const auto& m = r.message;
  if (!approdo::webchat::valid_session(m.address) || !approdo::text::is_valid_utf8(m.text) ||
      m.text.size() > approdo::webchat::kMaxTextBytes)
    std::abort();
  return 0;
}
