// The web console's static files (console/*.html, *.js, *.css), compiled into the binary by CMake like the web
// chat page: the server then serves the console from wherever it runs, and a deployed binary cannot serve
// files that do not match its API. Immutable; any thread.
#pragma once

#include <optional>
#include <string_view>

namespace approdo::server {

struct ConsoleAsset {
  std::string_view content, content_type;
};

// The file called `name` (e.g. "app.js"), or nullopt.
std::optional<ConsoleAsset> console_asset(std::string_view name);

}  // namespace approdo::server
