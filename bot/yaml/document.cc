#include "bot/yaml/document.h"

#include <yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <new>

namespace approdo::yaml {

std::string ParseError::format() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(col);
  return s + ": " + message;
}

Kind Node::kind() const { return doc_->nodes_[index_].kind; }
bool Node::quoted() const { return doc_->nodes_[index_].quoted; }
int Node::line() const { return static_cast<int>(doc_->nodes_[index_].line); }
int Node::col() const { return static_cast<int>(doc_->nodes_[index_].col); }

std::string_view Node::text() const {
  const auto& d = doc_->nodes_[index_];
  if (d.kind != Kind::kScalar) return {};
  return std::string_view(doc_->text_).substr(d.begin, d.size);
}

std::size_t Node::size() const {
  const auto& d = doc_->nodes_[index_];
  return d.kind == Kind::kSequence || d.kind == Kind::kMap ? d.size : 0;
}

Node Node::item(std::size_t i) const { return Node(doc_, doc_->children_[doc_->nodes_[index_].begin + i]); }

Entry Node::entry(std::size_t i) const {
  const uint32_t* slot = &doc_->children_[doc_->nodes_[index_].begin + 2 * i];
  return {Node(doc_, slot[0]), Node(doc_, slot[1])};
}

std::optional<Node> Node::find(std::string_view key) const {
  if (!is_map()) return std::nullopt;
  for (std::size_t i = 0; i < size(); ++i)
    if (Entry e = entry(i); e.key.text() == key) return e.value;
  return std::nullopt;
}

Node::Range<Node> Node::items() const { return {*this, is_sequence() ? size() : 0}; }
Node::Range<Entry> Node::entries() const { return {*this, is_map() ? size() : 0}; }

namespace {

// libyaml's marks count from 0; ours from 1.
uint32_t one_based(std::size_t n) { return static_cast<uint32_t>(n + 1); }

// Line and column (characters, 1-based) of a byte offset: libyaml's reader errors give only the offset.
std::pair<int, int> position_of(std::string_view text, std::size_t offset) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++line;
      col = 1;
    } else if ((c & 0xC0) != 0x80) {  // not a continuation byte: a new character
      ++col;
    }
  }
  return {line, col};
}

bool is_plain_null(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

const char* kind_name(Kind k) { return k == Kind::kSequence ? "list" : "mapping"; }

}  // namespace

// Builds a Document from libyaml's events. Collections under construction are frames on a stack; their
// children's indices wait in one shared scratch vector and move to the document's children_ when the
// collection ends, so each collection's children are contiguous without a vector per node.
class DocumentBuilder {
 public:
  DocumentBuilder(std::string_view input, const std::string& file) : input_(input), file_(file) {
    if (!yaml_parser_initialize(&parser_)) throw std::bad_alloc();
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  }
  ~DocumentBuilder() { yaml_parser_delete(&parser_); }
  DocumentBuilder(const DocumentBuilder&) = delete;
  DocumentBuilder& operator=(const DocumentBuilder&) = delete;

  Document::Result run() {
    Document::Result out;
    bool done = false;
    while (!done && error_.message.empty()) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser_, &event)) {
        libyaml_error();
        break;
      }
      done = event.type == YAML_STREAM_END_EVENT;
      handle(event);
      yaml_event_delete(&event);
    }
    if (!error_.message.empty()) {
      out.error = std::move(error_);
      return out;
    }
    if (!has_root_) doc_.root_ = add_node(Kind::kNull, false, 1, 1);
    out.document = std::move(doc_);
    return out;
  }

 private:
  struct Frame {
    uint32_t node;
    std::size_t first_slot;  // in scratch_
    uint64_t expanded;       // nodes reached from here, aliases followed
    std::string anchor;      // so an alias inside it can be told apart from an unknown one
  };

  void handle(const yaml_event_t& e) {
    uint32_t line = one_based(e.start_mark.line), col = one_based(e.start_mark.column);
    switch (e.type) {
      case YAML_DOCUMENT_START_EVENT:
        if (documents_++ > 0) fail(line, col, "a second document ('---') in one file; a file holds one document");
        break;
      case YAML_SCALAR_EVENT: {
        const auto& s = e.data.scalar;
        std::string_view value(reinterpret_cast<const char*>(s.value), s.length);
        bool plain = s.style == YAML_PLAIN_SCALAR_STYLE;
        bool quoted = s.style == YAML_SINGLE_QUOTED_SCALAR_STYLE || s.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
        uint32_t n;
        if (plain && is_plain_null(value)) {
          n = add_node(Kind::kNull, false, line, col);
        } else {
          n = add_node(Kind::kScalar, quoted, line, col);
          auto& d = doc_.nodes_[n];
          d.begin = static_cast<uint32_t>(doc_.text_.size());
          d.size = static_cast<uint32_t>(value.size());
          doc_.text_.append(value);
        }
        anchor(s.anchor, n, 1);
        attach(n, 1);
        break;
      }
      case YAML_SEQUENCE_START_EVENT:
        open(Kind::kSequence, line, col, e.data.sequence_start.anchor);
        break;
      case YAML_MAPPING_START_EVENT:
        open(Kind::kMap, line, col, e.data.mapping_start.anchor);
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        close();
        break;
      case YAML_ALIAS_EVENT:
        alias(reinterpret_cast<const char*>(e.data.alias.anchor), line, col);
        break;
      default:  // stream start and end, document end: nothing to build
        break;
    }
  }

  uint32_t add_node(Kind kind, bool quoted, uint32_t line, uint32_t col) {
    doc_.nodes_.push_back({kind, quoted, line, col, 0, 0});
    return static_cast<uint32_t>(doc_.nodes_.size() - 1);
  }

  void open(Kind kind, uint32_t line, uint32_t col, const yaml_char_t* anchor_name) {
    if (frames_.size() >= static_cast<std::size_t>(kMaxDepth)) {
      fail(line, col, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
      return;
    }
    uint32_t n = add_node(kind, false, line, col);
    frames_.push_back({n, scratch_.size(), 1, anchor_name ? reinterpret_cast<const char*>(anchor_name) : ""});
  }

  void close() {
    Frame f = std::move(frames_.back());
    frames_.pop_back();
    auto& d = doc_.nodes_[f.node];
    std::size_t slots = scratch_.size() - f.first_slot;
    d.begin = static_cast<uint32_t>(doc_.children_.size());
    d.size = static_cast<uint32_t>(d.kind == Kind::kMap ? slots / 2 : slots);
    doc_.children_.insert(doc_.children_.end(), scratch_.begin() + static_cast<std::ptrdiff_t>(f.first_slot),
                          scratch_.end());
    scratch_.resize(f.first_slot);
    if (!f.anchor.empty()) anchors_.push_back({std::move(f.anchor), f.node, f.expanded});
    attach(f.node, f.expanded);
  }

  void anchor(const yaml_char_t* name, uint32_t node, uint64_t expanded) {
    if (name) anchors_.push_back({reinterpret_cast<const char*>(name), node, expanded});
  }

  void alias(const char* name, uint32_t line, uint32_t col) {
    // The latest anchor of a name wins (YAML lets a name be anchored again further down).
    for (auto it = anchors_.rbegin(); it != anchors_.rend(); ++it)
      if (it->name == name) {
        repeated_ += it->expanded;
        if (repeated_ > kMaxRepeatedNodes) {
          fail(line, col, "aliases repeat more than " + std::to_string(kMaxRepeatedNodes) + " nodes");
          return;
        }
        attach(it->node, it->expanded);
        return;
      }
    for (const Frame& f : frames_)
      if (f.anchor == name) {
        fail(line, col, "alias '*" + std::string(name) + "' is inside the node it names");
        return;
      }
    fail(line, col, "unknown alias '*" + std::string(name) + "' (no anchor '&" + std::string(name) + "' before it)");
  }

  // Puts a finished node in its parent (or makes it the root); checks it when it is a map's key.
  void attach(uint32_t node, uint64_t expanded) {
    if (frames_.empty()) {
      doc_.root_ = node;
      has_root_ = true;
      return;
    }
    Frame& parent = frames_.back();
    parent.expanded = std::min(parent.expanded + expanded, kMaxRepeatedNodes * 1024);
    std::size_t slot = scratch_.size() - parent.first_slot;
    if (doc_.nodes_[parent.node].kind == Kind::kMap && slot % 2 == 0) check_key(parent, node);
    scratch_.push_back(node);
  }

  void check_key(const Frame& map, uint32_t key) {
    const auto& k = doc_.nodes_[key];
    if (k.kind == Kind::kSequence || k.kind == Kind::kMap) {
      fail(k.line, k.col, std::string("a key must be text, not a ") + kind_name(k.kind));
      return;
    }
    std::string_view text = Node(&doc_, key).text();
    for (std::size_t s = map.first_slot; s < scratch_.size(); s += 2)
      if (Node(&doc_, scratch_[s]).text() == text && doc_.nodes_[scratch_[s]].kind == k.kind) {
        fail(k.line, k.col, "duplicate key '" + std::string(text) + "'");
        return;
      }
  }

  void fail(uint32_t line, uint32_t col, std::string message) {
    if (!error_.message.empty()) return;
    error_ = {file_, static_cast<int>(line), static_cast<int>(col), std::move(message)};
  }

  void libyaml_error() {
    const yaml_parser_t& p = parser_;
    std::string problem = p.problem ? p.problem : "unknown problem";
    switch (p.error) {
      case YAML_MEMORY_ERROR:
        throw std::bad_alloc();
      case YAML_READER_ERROR: {  // bad bytes: libyaml gives the byte offset, not a mark
        auto [line, col] = position_of(input_, p.problem_offset);
        if (p.problem_value != -1) {
          char code[16];
          std::snprintf(code, sizeof code, " (0x%02X)", static_cast<unsigned>(p.problem_value));
          problem += code;
        }
        fail(static_cast<uint32_t>(line), static_cast<uint32_t>(col), problem);
        return;
      }
      default: {  // scanner and parser errors: where, and what libyaml was in the middle of
        if (p.context)
          problem += std::string(" (") + p.context + " that starts at " + std::to_string(p.context_mark.line + 1) +
                     ":" + std::to_string(p.context_mark.column + 1) + ")";
        fail(one_based(p.problem_mark.line), one_based(p.problem_mark.column), problem);
      }
    }
  }

  struct Anchor {
    std::string name;
    uint32_t node;
    uint64_t expanded;
  };

  std::string_view input_;
  const std::string& file_;
  yaml_parser_t parser_;
  Document doc_;
  std::vector<Frame> frames_;
  std::vector<uint32_t> scratch_;
  std::vector<Anchor> anchors_;
  uint64_t repeated_ = 0;
  int documents_ = 0;
  bool has_root_ = false;
  ParseError error_;
};

Document::Result Document::parse(std::string_view text, const std::string& file) {
  return DocumentBuilder(text, file).run();
}

Document::Result Document::parse_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text;
  if (in) {
    in.seekg(0, std::ios::end);
    auto size = in.tellg();
    in.seekg(0, std::ios::beg);
    if (size > 0) text.resize(static_cast<std::size_t>(size));
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
  }
  if (!in) {
    Result r;
    r.error = {path, 0, 0, std::string("cannot read the file: ") + std::strerror(errno)};
    return r;
  }
  return parse(text, path);
}

}  // namespace approdo::yaml
