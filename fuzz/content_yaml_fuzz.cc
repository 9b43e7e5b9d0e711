// libFuzzer target: one knowledge base article (YAML), seeded with content/articles/**. Each input becomes
// the only article of a scratch content directory. The contract checked: no crash or sanitizer report, and
// every problem is positioned in a file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "bot/kb/loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("approdo-content-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(d / "articles");
    return d;
  }();
  {
    std::ofstream out(dir / "articles" / "fuzzed.yaml", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto load = approdo::load_content(dir.string(), "2026-11-23");
  for (const auto& p : load.problems)
    if (p.file.empty()) std::abort();
  return 0;
}
