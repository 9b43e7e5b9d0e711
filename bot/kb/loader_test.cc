#include "bot/kb/loader.h"

#include <doctest/doctest.h>

#include "tests/test_support.h"

namespace approdo {
namespace {

// One article in the six required languages, written the way editors write them.
std::string article(const std::string& id, const std::string& category, const std::string& related = "[]") {
  std::string y = "id: " + id + "\ncategory: " + category + "\nrelated: " + related +
                  "\nsources:\n  - title: Ministero dell'Interno\n    url: https://www.interno.gov.it/\n"
                  "review:\n  status: draft\n  reviewer: \"\"\n  date: \"\"\ntext:\n";
  for (const char* lang : {"en", "fr", "ar", "fa", "ps", "uk"}) {
    y += std::string("  ") + lang + ":\n    updated: 2026-11-23\n    title: Title " + id + "\n    short: Short " + id +
         "\n    body: Body " + id + "\n    keywords: [" + id + "]\n    questions: [what is " + id + ", where " + id +
         ", how " + id + "]\n";
  }
  return y;
}

std::string labels() { return "{en: A, fr: A, ar: A, fa: A, ps: A, uk: A}"; }

// A small valid knowledge base: two articles, a menu, a service, a canned reply and safety phrases.
void write_valid(const testing::ScratchDir& d) {
  d.write("articles/safety/emergency-numbers.yaml", article("emergency-numbers", "safety", "[tax-code]"));
  d.write("articles/documents/tax-code.yaml", article("tax-code", "documents"));
  d.write("menu.yaml", "categories:\n  - id: safety\n    label: " + labels() +
                           "\n    articles: [emergency-numbers]\n  - id: documents\n    label: " + labels() +
                           "\n    articles: [tax-code]\n");
  d.write("services/emergency-112.yaml",
          "id: emergency-112\nname: NUE 112\ncity: national\naddress: \"\"\nphone: \"112\"\nhours: 24/7\n"
          "languages: [it, en]\nsource: https://www.interno.gov.it/\nfor: {en: Everyone}\n");
  d.write("canned/greeting.yaml",
          "id: greeting\ntitle: {en: Greeting}\ntext: {en: Hello, fr: Salut, ar: مرحبا, fa: سلام, ps: سلام, uk: Привіт}\n");
  std::string phrases = "{en: [want to die], fr: [veux mourir], ar: [اريد ان اموت], fa: [میخواهم بمیرم], "
                        "ps: [غواړم مړ شم], uk: [хочу померти]}";
  d.write("safety.yaml", "categories:\n  self-harm:\n    article: emergency-numbers\n    phrases: " + phrases + "\n");
}

std::vector<std::string> errors_of(const ContentLoad& load) {
  std::vector<std::string> out;
  for (const auto& p : load.problems) out.push_back(p.format());
  return out;
}

// Every problem of the knowledge base in `d`, with the scratch directory stripped from the paths.
std::vector<std::string> problems_in(const testing::ScratchDir& d) {
  std::vector<std::string> out;
  std::string prefix = d.path().string() + "/";
  for (auto p : errors_of(load_content(d.path().string(), "2026-11-23")))
    out.push_back(p.rfind(prefix, 0) == 0 ? p.substr(prefix.size()) : p);
  return out;
}

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += x + "\n";
  return s;
}

// The one problem reported, or all of them when there is not exactly one (so the failure shows them).
std::string only_problem(const testing::ScratchDir& d) {
  auto all = problems_in(d);
  return all.size() == 1 ? all[0] : joined(all);
}

TEST_CASE("a valid knowledge base loads without problems") {
  testing::ScratchDir d;
  write_valid(d);
  auto load = load_content(d.path().string(), "2026-11-23");
  std::string all;
  for (const auto& e : errors_of(load)) all += e + "\n";
  CHECK(all == "");
  CHECK(load.content->articles.size() == 2);
  CHECK(load.content->find("tax-code")->in("fa")->title == "Title tax-code");
}

TEST_CASE("each kind of mistake is reported at its file:line:col") {
  struct Case {
    const char* name;
    std::string file, text, expect;
  };
  std::string a = article("tax-code", "documents");
  auto replace = [](std::string s, const std::string& from, const std::string& to) {
    auto pos = s.find(from);
    REQUIRE(pos != std::string::npos);
    return s.replace(pos, from.size(), to);
  };
  const std::string f = "articles/documents/tax-code.yaml";
  const Case cases[] = {
      {"typo in a key", f, replace(a, "    title: Title tax-code\n", "    tittle: Title tax-code\n"),
       f + ":14:5: error: unknown key 'tittle' (did you mean 'title'?)"},
      {"duplicate key", f, replace(a, "category: documents\n", "category: documents\ncategory: documents\n"),
       f + ":3:1: error: duplicate key 'category'"},
      {"broken YAML", f, replace(a, "related: []", "related: [oops"), f + ":"},
      {"related id that does not exist", f, replace(a, "related: []", "related: [tax-codes]"),
       f + ":3:11: error: related article 'tax-codes' does not exist (did you mean 'tax-code'?)"},
      {"id too long for a button", "articles/documents/" + std::string(49, 'a') + ".yaml",
       article(std::string(49, 'a'), "documents"),
       "articles/documents/" + std::string(49, 'a') + ".yaml:1:5: error: id '" + std::string(49, 'a') +
           "' is longer than 48 characters (buttons carry it, and Telegram's are short)"},
      {"malformed URL", f, replace(a, "https://www.interno.gov.it/", "www.interno.gov.it"),
       f + ":6:10: error: malformed URL 'www.interno.gov.it' (must start with https:// and have no spaces)"},
      {"missing language", f, a.substr(0, a.find("  uk:")),
       f + ":12:3: error: missing the language 'uk'"},
      {"short longer than two SMS", f, replace(a, "short: Short tax-code\n", "short: " + std::string(400, 'x') + "\n"),
       f + ":15:12: error: 'short' needs 3 SMS segments (400 GSM-7 characters); at most 2 segments = 306 characters"},
      {"reviewed without reviewer", f, replace(a, "  status: draft\n", "  status: reviewed\n"),
       f + ":8:3: error: a reviewed article needs 'reviewer' and 'date'"},
      {"old review", f, replace(replace(replace(a, "  status: draft\n", "  status: reviewed\n"), "reviewer: \"\"", "reviewer: Avv. Rossi"), "date: \"\"", "date: 2025-01-10"),
       f + ":10:9: warning: the review of 2025-01-10 is older than 12 months: please review again"},
  };
  for (const auto& c : cases) {
    testing::ScratchDir d;
    write_valid(d);
    d.write(c.file, c.text);
    auto all = problems_in(d);
    bool found = false;
    for (const auto& p : all) found |= p.rfind(c.expect, 0) == 0;
    CHECK_MESSAGE(found, c.name << ": expected '" << c.expect << "' among:\n" << joined(all));
  }
}

TEST_CASE("text that is not NFC or carries bidi controls is refused") {
  std::string a = article("tax-code", "documents");
  const std::string f = "articles/documents/tax-code.yaml";
  {
    testing::ScratchDir d;
    write_valid(d);
    auto pos = a.find("Title tax-code");
    d.write(f, std::string(a).replace(pos, 5, "Tite\xCC\x81"));  // e + combining acute: NFD
    CHECK(only_problem(d) == f + ":14:12: error: text is not in Unicode NFC form; re-save it normalised (NFC)");
  }
  {
    testing::ScratchDir d;
    write_valid(d);
    auto pos = a.find("Short tax-code");
    d.write(f, std::string(a).replace(pos, 5, "\xE2\x80\x8FShort"));  // U+200F RIGHT-TO-LEFT MARK
    CHECK(only_problem(d).find("invisible direction-control characters") != std::string::npos);
  }
}

TEST_CASE("a menu entry naming a missing article, and a duplicate id, are errors") {
  testing::ScratchDir d;
  write_valid(d);
  d.write("menu.yaml", "categories:\n  - id: safety\n    label: " + labels() +
                           "\n    articles: [emergency-number]\n  - id: documents\n    label: " + labels() +
                           "\n    articles: [tax-code, emergency-numbers]\n");
  CHECK(only_problem(d) == "menu.yaml:4:16: error: menu article 'emergency-number' does not exist (did you mean 'emergency-numbers'?)");
  testing::ScratchDir d2;
  write_valid(d2);
  d2.write("articles/safety/tax-code.yaml", article("tax-code", "safety"));
  auto load = load_content(d2.path().string(), "2026-11-23");
  bool duplicate = false;
  for (const auto& p : errors_of(load)) duplicate |= p.find("duplicate") != std::string::npos;
  CHECK(duplicate);
}

TEST_CASE("a menu, safety file or safety category missing its required part is an error at its line, not a crash") {
  testing::ScratchDir d;
  write_valid(d);
  d.write("menu.yaml", "title: Menu\n");
  d.write("safety.yaml", "categories:\n  self-harm:\n    article: emergency-numbers\n");
  auto all = joined(problems_in(d));
  CHECK(all.find("menu.yaml:1:1: error: unknown key 'title'\n") != std::string::npos);
  CHECK(all.find("menu.yaml:1:1: error: the menu is missing the required key 'categories'\n") != std::string::npos);
  CHECK(all.find("safety.yaml:3:5: error: a safety category is missing the required key 'phrases'\n") != std::string::npos);
  d.write("safety.yaml", "version: 1\n");
  CHECK(joined(problems_in(d)).find("safety.yaml:1:1: error: the safety file is missing the required key 'categories'") !=
        std::string::npos);
}

TEST_CASE("YAML the parser refuses is one problem at its position: a duplicate language, a bad byte") {
  std::string a = article("tax-code", "documents");
  const std::string f = "articles/documents/tax-code.yaml";
  testing::ScratchDir d;
  write_valid(d);
  auto pos = a.find("  fr:\n");
  d.write(f, std::string(a).insert(pos, "  en:\n    title: again\n"));
  // The file is refused as a whole, so references to its article are broken too: the parser's problem comes first.
  CHECK(problems_in(d).at(0) == f + ":19:3: error: duplicate key 'en'");
  d.write(f, std::string(a).replace(a.find("Title tax-code"), 1, "\xFF"));
  CHECK(problems_in(d).at(0) == f + ":14:12: error: invalid leading UTF-8 octet (0xFF)");
}

TEST_CASE("columns count characters, as editors show them, after Arabic or Cyrillic text on the line") {
  testing::ScratchDir d;
  write_valid(d);
  d.write("canned/greeting.yaml",
          "id: greeting\ntitle: {en: Greeting}\ntext: {en: Hello, fr: Salut, ar: مرحبا, fa: سلام, ps: سلام, uk: Привіт, "
          "xx: Hi}\n");
  // "text: {en: Hello, fr: Salut, ar: مرحبا, fa: سلام, ps: سلام, uk: Привіт, " is 72 characters (91 bytes).
  CHECK(only_problem(d) == "canned/greeting.yaml:3:73: error: unknown language 'xx' (use en, fr, ar, fa, ps, uk or it)");
}

}  // namespace
}  // namespace approdo
