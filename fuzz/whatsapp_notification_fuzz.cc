// libFuzzer target: WhatsApp Cloud API webhook bodies (seeded with tests/fixtures/whatsapp). Same contract as
// the Telegram target.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "adapters/whatsapp/whatsapp.h"
#include "bot/text/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = approdo::whatsapp::parse_notification(std::string_view(reinterpret_cast<const char*>(data), size));
  if (r.status != 200 && r.status != 400) std::abort();
  for (const auto& m : r.messages)
    if (!approdo::text::is_valid_utf8(m.text) || !approdo::text::is_valid_utf8(m.address)) std::abort();
  return 0;
}
