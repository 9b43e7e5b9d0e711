// libFuzzer target: the config file (YAML), seeded with deploy/*.yaml. The contract checked: no crash or
// sanitizer report, and every refusal is one line naming the file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "bot/app/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/approdo-config-fuzz-" + std::to_string(getpid()) + ".yaml";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto r = approdo::load_config(path, {});
  if (!r.error.empty() && (r.error.find(path) != 0 || r.error.find('\n') != std::string::npos)) std::abort();
  return 0;
}
