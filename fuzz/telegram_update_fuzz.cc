// libFuzzer target: Telegram webhook bodies (seeded with tests/fixtures/telegram). The contract checked: no
// crash or sanitizer report, a defined status, and only valid UTF-8 reaches the rest of the bot.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/telegram/telegram.h"
#include "bot/text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = approdo::telegram::parse_update(std::string_view(reinterpret_cast<const char*>(data), size));
  if (r.status != 200 && r.status != 400) std::abort();
  for (const auto& m : r.messages)
    if (!approdo::text::is_valid_utf8(m.text) || !approdo::text::is_valid_utf8(m.address)) std::abort();
  return 0;
}
