#include "bot/yaml/document.h"

#include <doctest/doctest.h>

#include <string>

#include "tests/test_support.h"

namespace approdo::yaml {
namespace {

// The error of a text that must not parse, as file:line:col: message.
std::string error_of(std::string_view text) {
  auto r = Document::parse(text, "f.yaml");
  return r.document ? "(parsed)" : r.error.format();
}

TEST_CASE("yaml: kinds, text, quoting and positions of nodes and keys") {
  auto r = Document::parse("id: tax-code\nreview: {status: draft}\nlist:\n  - 'one'\n  - \"two\"\n  - 3\n", "f.yaml");
  REQUIRE(r.document);
  Node root = r.document->root();
  REQUIRE(root.is_map());
  REQUIRE(root.size() == 3);
  Entry first = root.entry(0);
  CHECK(first.key.text() == "id");
  CHECK(first.key.line() == 1);
  CHECK(first.key.col() == 1);
  CHECK(first.value.text() == "tax-code");
  CHECK(first.value.col() == 5);
  CHECK_FALSE(first.value.quoted());
  Node review = *root.find("review");
  CHECK(review.is_map());
  CHECK(review.line() == 2);
  CHECK(review.col() == 9);
  CHECK(review.find("status")->col() == 18);
  Node list = *root.find("list");
  REQUIRE(list.is_sequence());
  CHECK(list.line() == 4);
  CHECK(list.col() == 3);
  std::vector<std::string> items;
  for (Node item : list.items()) items.push_back(std::string(item.text()) + (item.quoted() ? " quoted" : ""));
  CHECK(items == std::vector<std::string>{"one quoted", "two quoted", "3"});
  CHECK(list.item(2).line() == 6);
  CHECK(list.item(2).col() == 5);
  CHECK_FALSE(root.find("missing"));
  CHECK_FALSE(list.find("one"));  // not a map
  int entries_of_a_list = 0;
  for ([[maybe_unused]] auto e : list.entries()) ++entries_of_a_list;
  CHECK(entries_of_a_list == 0);
}

TEST_CASE("yaml: map entries come in file order") {
  auto r = Document::parse("zeta: 1\nalpha: 2\nmid: 3\n", "f.yaml");
  REQUIRE(r.document);
  std::string keys;
  for (auto [key, value] : r.document->root().entries()) keys += std::string(key.text()) + "=" + std::string(value.text()) + " ";
  CHECK(keys == "zeta=1 alpha=2 mid=3 ");
}

TEST_CASE("yaml: a plain ~, null or nothing is null; quoted, it is text") {
  auto r = Document::parse("a: ~\nb: null\nc:\nd: 'null'\ne: \"~\"\nf: NULL\ng: nul\n", "f.yaml");
  REQUIRE(r.document);
  Node root = r.document->root();
  for (const char* k : {"a", "b", "c", "f"}) {
    CAPTURE(k);
    CHECK(root.find(k)->is_null());
    CHECK(root.find(k)->text() == "");
  }
  CHECK(root.find("d")->is_scalar());
  CHECK(root.find("d")->text() == "null");
  CHECK(root.find("e")->text() == "~");
  CHECK(root.find("g")->text() == "nul");
  auto empty = Document::parse("", "f.yaml");
  REQUIRE(empty.document);
  CHECK(empty.document->root().is_null());
}

TEST_CASE("yaml: escapes, block scalars and UTF-8 text come out as written; columns count characters") {
  auto r = Document::parse("a: \"x\\ty \\u00e9\"\nb: |\n  line one\n  line two\nc: [مرحبا, ok]\n", "f.yaml");
  REQUIRE(r.document);
  Node root = r.document->root();
  CHECK(root.find("a")->text() == "x\ty é");
  CHECK(root.find("b")->text() == "line one\nline two\n");
  CHECK_FALSE(root.find("b")->quoted());
  Node ok = root.find("c")->item(1);
  CHECK(ok.text() == "ok");
  CHECK(ok.col() == 12);  // after five Arabic letters (ten bytes): c: [ + 5 + ,space
}

TEST_CASE("yaml: a duplicate key is an error at the second one") {
  CHECK(error_of("text:\n  en: Hello\n  fr: Salut\n  en: Hi\n") == "f.yaml:4:3: duplicate key 'en'");
  CHECK(error_of("{a: 1, b: 2, a: 3}") == "f.yaml:1:14: duplicate key 'a'");
  // The same key in two maps is fine.
  CHECK(error_of("x: {a: 1}\ny: {a: 2}\n") == "(parsed)");
}

TEST_CASE("yaml: an alias is the anchored node; unknown and self-containing aliases are errors") {
  auto r = Document::parse("base: &b {title: T, url: U}\ncopy: *b\nword: &w hello\nagain: *w\n", "f.yaml");
  REQUIRE(r.document);
  Node root = r.document->root();
  Node copy = *root.find("copy");
  CHECK(copy.is_map());
  CHECK(copy.find("url")->text() == "U");
  CHECK(copy.line() == 1);  // the anchored node itself: its position is where it was written
  CHECK(root.find("again")->text() == "hello");
  CHECK(error_of("a: 1\nb: *nope\n") == "f.yaml:2:4: unknown alias '*nope' (no anchor '&nope' before it)");
  CHECK(error_of("a: &x [1, *x]\n") == "f.yaml:1:11: alias '*x' is inside the node it names");
  // Merge keys are not special: '<<' is a key like any other.
  auto merge = Document::parse("base: &b {a: 1}\nc:\n  <<: *b\n", "f.yaml");
  REQUIRE(merge.document);
  CHECK(merge.document->root().find("c")->find("<<")->is_map());
}

TEST_CASE("yaml: aliases that would repeat a huge number of nodes are refused") {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    std::string prev(1, static_cast<char>(c - 1));
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n";
  }
  CHECK(error_of(bomb).find(": aliases repeat more than 100000 nodes") != std::string::npos);
}

TEST_CASE("yaml: tags are ignored; a key must be text; one document per file") {
  auto r = Document::parse("a: !!str 12\nb: !custom [1]\n", "f.yaml");
  REQUIRE(r.document);
  CHECK(r.document->root().find("a")->text() == "12");
  CHECK(r.document->root().find("b")->is_sequence());
  CHECK(error_of("? [a, b]\n: c\n") == "f.yaml:1:3: a key must be text, not a list");
  CHECK(error_of("a: 1\n---\nb: 2\n") == "f.yaml:2:1: a second document ('---') in one file; a file holds one document");
  CHECK(error_of("---\na: 1\n...\n") == "(parsed)");
}

TEST_CASE("yaml: syntax errors carry libyaml's problem, what it was parsing, and the position") {
  CHECK(error_of("related: [oops\nnext: 1\n") ==
        "f.yaml:2:5: did not find expected ',' or ']' (while parsing a flow sequence that starts at 1:10)");
  CHECK(error_of("a: b\n  c: d\n") == "f.yaml:2:4: mapping values are not allowed in this context");
  CHECK(error_of("a: 'open\n") ==
        "f.yaml:2:1: found unexpected end of stream (while scanning a quoted scalar that starts at 1:4)");
  CHECK(error_of("a:\n\t- b\n") ==
        "f.yaml:2:1: found character that cannot start any token (while scanning for the next token that starts at 2:1)");
}

TEST_CASE("yaml: invalid UTF-8 and control characters are refused at their position") {
  // At the byte that breaks the sequence (the space after a lead byte).
  // At the byte that breaks the character: the space after a lead byte.
  CHECK(error_of("a: ok\nb: caf\xC3 x\n") == "f.yaml:2:8: invalid trailing UTF-8 octet (0x20)");
  CHECK(error_of("a: ok\nb: \xFF\n") == "f.yaml:2:4: invalid leading UTF-8 octet (0xFF)");
  CHECK(error_of("a: \"x\x01\"\n") == "f.yaml:1:6: control characters are not allowed (0x01)");
  CHECK(error_of("a: \xD8\xB3\xFF\n") == "f.yaml:1:5: invalid leading UTF-8 octet (0xFF)");
  // Escapes cannot make invalid UTF-8 either: a lone surrogate is refused.
  CHECK(error_of("a: \"\\uD800\"\n") ==
        "f.yaml:1:7: found invalid Unicode character escape code (while parsing a quoted scalar that starts at 1:4)");
}

TEST_CASE("yaml: nesting deeper than the limit is refused, up to it is fine") {
  std::string ok(kMaxDepth, '['), deep(kMaxDepth + 1, '[');
  ok += std::string(kMaxDepth, ']');
  deep += std::string(kMaxDepth + 1, ']');
  CHECK(error_of(ok) == "(parsed)");
  CHECK(error_of(deep) == "f.yaml:1:65: nested deeper than 64 levels");
  CHECK(error_of(std::string(100000, '[')) == "f.yaml:1:65: nested deeper than 64 levels");
}

TEST_CASE("yaml: files are read whole; a file that cannot be read is an error without a position") {
  testing::ScratchDir d;
  auto r = Document::parse_file(d.write("a.yaml", "a: [1, 2]\n"));
  REQUIRE(r.document);
  CHECK(r.document->root().find("a")->size() == 2);
  auto missing = Document::parse_file(d.file("nope.yaml"));
  CHECK_FALSE(missing.document);
  CHECK(missing.error.line == 0);
  CHECK(missing.error.format() == d.file("nope.yaml") + ": cannot read the file: No such file or directory");
}

}  // namespace
}  // namespace approdo::yaml
