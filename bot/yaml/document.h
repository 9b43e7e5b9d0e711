// Document: the project's one YAML front end. Parses a text or a file with libyaml's event API into a small
// immutable tree — null, scalar, sequence or map; a scalar's text and whether it was quoted; map entries in
// file order; the 1-based line and column of every node and every key — for the content loader, the locales
// and the config. Anything wrong with the text comes back as a ParseError value (file:line:col: problem),
// never as an exception; only running out of memory throws.
//
// What it accepts, beyond plain YAML 1.1 syntax (libyaml's):
//   - a plain `~`, `null`, `Null`, `NULL` or nothing at all is null; any quoted scalar is text ("null" too);
//     there are no other types: `12`, `true` and `2026-11-23` are text, read by whoever asks for them;
//   - a key that appears twice in one map is an error at the second one (an editor would otherwise lose a
//     translation without a word); keys are scalars (or null), never lists or maps;
//   - an alias is the node its anchor names (shared, not copied); an alias to an unknown anchor, or to a node
//     that contains it, is an error; aliases that would repeat more than kMaxRepeatedNodes nodes are refused,
//     so a walk over the tree stays in proportion to the file ("billion laughs"); `<<` is an ordinary key;
//   - tags (`!!str`, `!foo`) are ignored; a file holds one document (a second `---` is an error);
//   - nesting deeper than kMaxDepth is refused rather than followed without bound.
// Columns count characters (as editors show them), not bytes.
//
// A Document and its Nodes are immutable and may be read from any thread. A Node is a handle (document and
// index) valid as long as its Document lives where it was when the Node was taken.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace approdo::yaml {

constexpr int kMaxDepth = 64;
constexpr uint64_t kMaxRepeatedNodes = 100'000;

enum class Kind : uint8_t { kNull, kScalar, kSequence, kMap };

struct ParseError {
  std::string file;
  int line = 0, col = 0;  // 1-based; 0 when the file could not be read at all
  std::string message;    // libyaml's problem (and what it was parsing), or ours

  std::string format() const;  // file:line:col: message
};

class Document;
struct Entry;

class Node {
 public:
  Kind kind() const;
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_scalar() const { return kind() == Kind::kScalar; }
  bool is_sequence() const { return kind() == Kind::kSequence; }
  bool is_map() const { return kind() == Kind::kMap; }
  // A scalar written in quotes ('…' or "…"); false for a plain or block (| >) scalar.
  bool quoted() const;
  // A scalar's text (escapes resolved, lines folded); empty for anything else, null included. Always valid
  // UTF-8: a file with bytes that are not, or an escape naming a surrogate, does not parse.
  std::string_view text() const;
  int line() const;
  int col() const;

  // Items of a sequence, entries of a map; 0 for anything else.
  std::size_t size() const;
  // The i-th item of a sequence (i < size()).
  Node item(std::size_t i) const;
  // The i-th entry of a map in file order (i < size()).
  Entry entry(std::size_t i) const;
  // The value under `key` in a map; nothing when absent or when this is not a map.
  std::optional<Node> find(std::string_view key) const;

  // Ranges for `for (Node item : node.items())` and `for (auto [key, value] : node.entries())`; empty when
  // the node is of another kind.
  template <typename T>
  class Range;
  Range<Node> items() const;
  Range<Entry> entries() const;

 private:
  friend class Document;
  friend class DocumentBuilder;
  Node(const Document* doc, uint32_t index) : doc_(doc), index_(index) {}
  const Document* doc_;
  uint32_t index_;
};

struct Entry {
  Node key, value;
};

template <typename T>
class Node::Range {
 public:
  class iterator {
   public:
    T operator*() const;
    iterator& operator++() {
      ++i_;
      return *this;
    }
    bool operator!=(const iterator& o) const { return i_ != o.i_; }

   private:
    friend class Range;
    iterator(Node n, std::size_t i) : node_(n), i_(i) {}
    Node node_;
    std::size_t i_;
  };
  iterator begin() const { return {node_, 0}; }
  iterator end() const { return {node_, size_}; }

 private:
  friend class Node;
  Range(Node n, std::size_t size) : node_(n), size_(size) {}
  Node node_;
  std::size_t size_;
};

class Document {
 public:
  struct Result;
  // Parses `text` (UTF-8, or UTF-16 with a byte-order mark); `file` names it in errors.
  static Result parse(std::string_view text, const std::string& file);
  // Reads and parses a file; a file that cannot be read is a ParseError at line 0.
  static Result parse_file(const std::string& path);

  // The document's top node: null for an empty text.
  Node root() const { return Node(this, root_); }

 private:
  friend class Node;
  friend class DocumentBuilder;
  struct NodeData {
    Kind kind;
    bool quoted;
    uint32_t line, col;
    uint32_t begin, size;  // scalar: bytes in text_; sequence: slots in children_; map: entries (2 slots each)
  };
  std::vector<NodeData> nodes_;
  std::vector<uint32_t> children_;  // node indices; a map's entries as key, value, key, value…
  std::string text_;                // every scalar's text, one after the other
  uint32_t root_ = 0;
};

struct Document::Result {
  std::optional<Document> document;  // set when the text parsed
  ParseError error;                  // when it did not
};

template <>
inline Node Node::Range<Node>::iterator::operator*() const {
  return node_.item(i_);
}
template <>
inline Entry Node::Range<Entry>::iterator::operator*() const {
  return node_.entry(i_);
}

}  // namespace approdo::yaml
