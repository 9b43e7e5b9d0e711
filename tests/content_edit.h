// An editor's edit of a content file under a running bot (whose watcher looks for changed mtimes): replaces
// the first `from` with `to` and makes the file newer than any scan so far. Test files only.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace approdo::testing {

inline void replace_in_file(const std::filesystem::path& p, const std::string& from, const std::string& to) {
  std::ifstream in(p);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  text.replace(pos, from.size(), to);
  std::ofstream(p) << text;
  // Editors' saves come seconds apart; make sure the change is newer than the last scan even on coarse clocks.
  std::filesystem::last_write_time(p, std::filesystem::file_time_type::clock::now() + std::chrono::seconds(1));
}

}  // namespace approdo::testing
