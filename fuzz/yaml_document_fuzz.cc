// libFuzzer target: the YAML front end (bot/yaml/document.h) on its own, seeded with content/ (articles, menu,
// safety, services, canned replies). The contract checked: no crash or sanitizer report; a refusal names the
// file and a position in it (or none only when the file could not be read); a parsed tree can be walked to
// the end — every node has a position, aliases never lead back into themselves — in time proportional to
// the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "bot/yaml/document.h"

namespace {

using approdo::yaml::Node;

// Returns the nodes visited, aliases followed; aborts on a node without a position or a walk gone too deep.
std::size_t walk(const Node& n, int depth) {
  if (n.line() < 1 || n.col() < 1 || depth > approdo::yaml::kMaxDepth + 1) std::abort();
  std::size_t visited = 1;
  for (Node item : n.items()) visited += walk(item, depth + 1);
  for (auto [key, value] : n.entries()) {
    if (!key.is_scalar() && !key.is_null()) std::abort();
    visited += walk(key, depth + 1) + walk(value, depth + 1);
  }
  return visited;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = approdo::yaml::Document::parse(text, "fuzzed.yaml");
  if (!r.document) {
    if (r.error.file != "fuzzed.yaml" || r.error.line < 1 || r.error.col < 1 || r.error.message.empty()) std::abort();
    return 0;
  }
  // Aliases may repeat nodes, but never beyond the front end's limit on top of the real ones.
  if (walk(r.document->root(), 0) > 2 * size + 2 * approdo::yaml::kMaxRepeatedNodes + 1) std::abort();
  return 0;
}
