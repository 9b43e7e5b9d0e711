#include "bot/kb/loader.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <optional>
#include <regex>
#include <set>
#include <thread>

#include "bot/core/language.h"
#include "bot/text/normalize.h"
#include "bot/text/sms.h"
#include "bot/yaml/document.h"

namespace approdo {
namespace fs = std::filesystem;

std::string today_iso() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

namespace {

using yaml::Node;

// A typo suggestion: the allowed name with the smallest edit distance, if it is close.
std::string suggest(const std::string& k, const std::set<std::string>& allowed) {
  std::string best;
  size_t best_d = 3;
  for (const auto& a : allowed) {
    std::vector<size_t> prev(a.size() + 1), cur(a.size() + 1);
    for (size_t j = 0; j <= a.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= k.size(); ++i) {
      cur[0] = i;
      for (size_t j = 1; j <= a.size(); ++j)
        cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (k[i - 1] != a[j - 1])});
      std::swap(prev, cur);
    }
    if (prev[a.size()] < best_d) best_d = prev[a.size()], best = a;
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}


// Reads one YAML file, collecting problems against it. Every accessor checks the type it expects.
class FileReader {
 public:
  FileReader(std::string file, std::vector<Problem>& problems) : file_(std::move(file)), problems_(problems) {}

  // The file's document, or nothing (and a problem where it went wrong) when it does not parse.
  std::optional<yaml::Document> load() {
    auto parsed = yaml::Document::parse_file(file_);
    if (!parsed.document)
      problems_.push_back({file_, parsed.error.line, parsed.error.col, Problem::Severity::kError, parsed.error.message});
    return std::move(parsed.document);
  }

  void error(const Node& at, const std::string& msg) { add(at, Problem::Severity::kError, msg); }
  void warning(const Node& at, const std::string& msg) { add(at, Problem::Severity::kWarning, msg); }
  void file_error(const std::string& msg) { problems_.push_back({file_, 0, 0, Problem::Severity::kError, msg}); }

  // Checks a mapping: unknown keys (none when `allowed` is empty: any key), required keys; the parser has
  // refused duplicate keys. Returns false if it is not a mapping. The key lists are literals, not sets: this
  // runs on every map of every article, and building sets of strings each time was a good part of the load.
  using Keys = std::initializer_list<std::string_view>;
  bool check_map(const Node& node, Keys allowed, Keys required, const std::string& what) {
    if (!node.is_map()) {
      error(node, what + " must be a mapping of keys");
      return false;
    }
    if (allowed.size() > 0)
      for (auto [key, value] : node.entries())
        if (std::find(allowed.begin(), allowed.end(), key.text()) == allowed.end()) {
          std::string k(key.text());
          error(key, "unknown key '" + k + "'" + suggest(k, std::set<std::string>(allowed.begin(), allowed.end())));
        }
    for (std::string_view r : required)
      if (!node.find(r)) error(node, what + " is missing the required key '" + std::string(r) + "'");
    return true;
  }

  // A scalar string at node[key]; empty when absent (required-ness is checked by check_map).
  std::string str(const Node& node, const std::string& key) {
    auto v = node.find(key);
    if (!v || v->is_null()) return {};
    if (!v->is_scalar()) {
      error(*v, "'" + key + "' must be text, not a " + (v->is_sequence() ? "list" : "mapping"));
      return {};
    }
    std::string s(v->text());
    check_text(*v, s);
    return s;
  }

  std::vector<std::string> list(const Node& node, const std::string& key) {
    std::vector<std::string> out;
    auto v = node.find(key);
    if (!v || v->is_null()) return out;
    if (!v->is_sequence()) {
      error(*v, "'" + key + "' must be a list");
      return out;
    }
    for (Node item : v->items()) {
      if (!item.is_scalar()) {
        error(item, "each item of '" + key + "' must be text");
        continue;
      }
      std::string s(item.text());
      check_text(item, s);
      out.push_back(std::move(s));
    }
    return out;
  }

  // Text by language: {en: ..., fr: ...}.
  std::map<std::string, std::string> by_language(const Node& node, const std::string& key) {
    std::map<std::string, std::string> out;
    auto v = node.find(key);
    if (!v || v->is_null()) return out;
    if (!check_map(*v, {}, {}, "'" + key + "'")) return out;
    for (auto [lang_key, value] : v->entries()) {
      std::string lang(lang_key.text());
      if (!is_known_language(lang)) {
        error(lang_key, "unknown language '" + lang + "' (use en, fr, ar, fa, ps, uk or it)");
        continue;
      }
      if (!value.is_scalar()) {
        error(value, "'" + key + "." + lang + "' must be text");
        continue;
      }
      std::string s(value.text());
      check_text(value, s);
      out[lang] = std::move(s);
    }
    return out;
  }

  void require_languages(const Node& node, const std::map<std::string, std::string>& got, const std::string& key) {
    for (auto l : kRequiredLanguages)
      if (!got.count(std::string(l)))
        error(at(node, key), "'" + key + "' is missing the language '" + std::string(l) + "'");
  }

  // Text is valid UTF-8 already: the parser refuses a file with bytes that are not.
  void check_text(const Node& at, const std::string& s) {
    if (text::has_bidi_controls(s))
      error(at, "text contains invisible direction-control characters; remove them (the bot adds what is needed)");
    if (!text::is_nfc(s)) error(at, "text is not in Unicode NFC form; re-save it normalised (NFC)");
  }

  void check_url(const Node& at, const std::string& url) {
    static const std::regex re(R"(^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]+)?([/?#][^\s]*)?$)");
    if (!std::regex_match(url, re)) error(at, "malformed URL '" + url + "' (must start with https:// and have no spaces)");
  }

  void check_date(const Node& at, const std::string& date, const std::string& key) {
    static const std::regex re(R"(^\d{4}-\d{2}-\d{2}$)");
    if (!date.empty() && !std::regex_match(date, re)) error(at, "'" + key + "' must be a date like 2026-11-23");
  }

  const std::string& file() const { return file_; }

  // The value under `key`, or the node itself when the key is absent: where to point a problem about it.
  static Node at(const Node& node, const std::string& key) { return node.find(key).value_or(node); }

 private:
  void add(const Node& at, Problem::Severity s, const std::string& msg) {
    problems_.push_back({file_, at.line(), at.col(), s, msg});
  }

  std::string file_;
  std::vector<Problem>& problems_;
};

bool valid_id(const std::string& id) {
  static const std::regex re("^[a-z0-9]+(-[a-z0-9]+)*$");
  return std::regex_match(id, re);
}

// Months between two ISO dates (approximate to the day: good enough for "older than 12 months").
bool older_than_a_year(const std::string& date, const std::string& today) {
  if (date.size() != 10 || today.size() != 10) return false;
  int y = std::stoi(date.substr(0, 4)), ty = std::stoi(today.substr(0, 4));
  std::string md = date.substr(4), tmd = today.substr(4);
  return ty - y > 1 || (ty - y == 1 && md < tmd);
}

void load_article(const fs::path& path, const std::string& today, Content& content, std::vector<Problem>& problems) {
  FileReader r(path.string(), problems);
  auto doc = r.load();
  if (!doc) return;
  Node root = doc->root();
  if (!r.check_map(root, {"id", "category", "related", "services", "sources", "review", "text"},
                   {"id", "category", "sources", "review", "text"}, "an article"))
    return;
  Article a;
  a.file = path.string();
  a.id = r.str(root, "id");
  a.category = r.str(root, "category");
  if (!a.id.empty() && !valid_id(a.id)) r.error(r.at(root, "id"), "id '" + a.id + "' must be lowercase letters, digits and '-'");
  if (a.id.size() > kMaxArticleIdLength)
    r.error(r.at(root, "id"), "id '" + a.id + "' is longer than " + std::to_string(kMaxArticleIdLength) +
                                  " characters (buttons carry it, and Telegram's are short)");
  if (!a.id.empty() && path.stem().string() != a.id)
    r.error(r.at(root, "id"), "id '" + a.id + "' does not match the file name '" + path.filename().string() + "'");
  if (!a.category.empty() && path.parent_path().filename().string() != a.category)
    r.error(r.at(root, "category"), "category '" + a.category + "' does not match the folder '" +
                                        path.parent_path().filename().string() + "'");
  a.related = r.list(root, "related");
  a.services = r.list(root, "services");
  if (auto s = root.find("sources")) {
    if (!s->is_sequence() || s->size() == 0) {
      r.error(*s, "'sources' must be a list of at least one {title, url}");
    } else {
      for (Node item : s->items()) {
        if (!r.check_map(item, {"title", "url"}, {"title", "url"}, "a source")) continue;
        Source src{r.str(item, "title"), r.str(item, "url")};
        if (!src.url.empty()) r.check_url(r.at(item, "url"), src.url);
        a.sources.push_back(src);
      }
    }
  }
  std::string latest_update;
  auto rv = root.find("review");
  if (rv && r.check_map(*rv, {"status", "reviewer", "date"}, {"status"}, "'review'")) {
    a.review_status = r.str(*rv, "status");
    a.reviewer = r.str(*rv, "reviewer");
    a.review_date = r.str(*rv, "date");
    r.check_date(r.at(*rv, "date"), a.review_date, "review.date");
    if (a.review_status != "draft" && a.review_status != "reviewed")
      r.error(r.at(*rv, "status"), "review status must be 'draft' or 'reviewed', not '" + a.review_status + "'");
    if (a.review_status == "reviewed" && (a.reviewer.empty() || a.review_date.empty()))
      r.error(*rv, "a reviewed article needs 'reviewer' and 'date'");
    if (a.review_status == "reviewed" && older_than_a_year(a.review_date, today))
      r.warning(r.at(*rv, "date"), "the review of " + a.review_date + " is older than 12 months: please review again");
  }
  if (auto t = root.find("text"); t && r.check_map(*t, {}, {}, "'text'")) {
    for (auto [lang_key, n] : t->entries()) {
      std::string lang(lang_key.text());
      if (!is_known_language(lang)) {
        r.error(lang_key, "unknown language '" + lang + "' (use en, fr, ar, fa, ps, uk or it)");
        continue;
      }
      if (!r.check_map(n, {"updated", "native_review", "title", "short", "body", "keywords", "questions"},
                       {"updated", "title", "short", "body", "keywords", "questions"}, "'text." + lang + "'"))
        continue;
      ArticleText x;
      x.updated = r.str(n, "updated");
      r.check_date(r.at(n, "updated"), x.updated, "updated");
      std::string nr = r.str(n, "native_review");
      if (!nr.empty() && nr != "needed" && nr != "done") r.error(r.at(n, "native_review"), "native_review must be 'needed' or 'done'");
      x.native_review_needed = nr == "needed";
      x.title = r.str(n, "title");
      x.short_text = r.str(n, "short");
      x.body = r.str(n, "body");
      x.keywords = r.list(n, "keywords");
      x.questions = r.list(n, "questions");
      if (!x.short_text.empty()) {
        auto info = text::sms_info(x.short_text);
        if (info.segments > 2) {
          bool gsm = info.encoding == text::SmsEncoding::kGsm7;
          r.error(r.at(n, "short"), "'short' needs " + std::to_string(info.segments) + " SMS segments (" +
                                        std::to_string(info.units) + (gsm ? " GSM-7 characters" : " UCS-2 characters") +
                                        "); at most 2 segments = " + (gsm ? "306" : "134") + " characters");
        }
      }
      if (x.questions.size() < 3) r.warning(n, "'text." + lang + "' has fewer than 3 example questions");
      latest_update = std::max(latest_update, x.updated);
      a.text[lang] = std::move(x);
    }
    for (auto l : kRequiredLanguages)
      if (!a.text.count(std::string(l))) r.error(*t, "missing the language '" + std::string(l) + "'");
    if (const ArticleText* en = a.in("en"))
      for (auto& [lang, x] : a.text)
        if (a.is_stale(lang))
          r.warning(r.at(*t, lang), "the '" + lang + "' text (" + x.updated + ") is older than the English text (" +
                                        en->updated + "): it may be stale");
  }
  if (a.review_status == "reviewed" && !a.review_date.empty() && latest_update > a.review_date)
    r.warning(r.at(root, "review"), "the text changed on " + latest_update + ", after the review of " + a.review_date +
                                        ": it must be reviewed again");
  content.articles.push_back(std::move(a));
}

// An article id named in menu.yaml or safety.yaml, and where, for the cross-file checks.
struct Reference {
  int line, col;
  std::string id;
};

void load_menu(const fs::path& path, Content& content, std::vector<Problem>& problems, std::vector<Reference>& refs) {
  FileReader r(path.string(), problems);
  if (!fs::exists(path)) {
    r.file_error("the menu file is missing");
    return;
  }
  auto doc = r.load();
  if (!doc || !r.check_map(doc->root(), {"categories"}, {"categories"}, "the menu")) return;
  auto categories = doc->root().find("categories");
  if (!categories) return;  // reported by check_map
  Node cats = *categories;
  if (!cats.is_sequence()) {
    r.error(cats, "'categories' must be a list");
    return;
  }
  std::set<std::string> ids;
  for (Node c : cats.items()) {
    if (!r.check_map(c, {"id", "label", "articles"}, {"id", "label", "articles"}, "a menu category")) continue;
    MenuCategory m;
    m.id = r.str(c, "id");
    if (!ids.insert(m.id).second) r.error(r.at(c, "id"), "duplicate menu category '" + m.id + "'");
    m.label = r.by_language(c, "label");
    r.require_languages(c, m.label, "label");
    m.articles = r.list(c, "articles");
    if (auto as = c.find("articles"); as && as->is_sequence())
      for (Node item : as->items()) refs.push_back({item.line(), item.col(), std::string(item.text())});
    content.menu.push_back(std::move(m));
  }
}

// The .yaml files of a directory, in name order (none when it does not exist).
std::vector<fs::path> yaml_files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  if (!fs::exists(dir)) return files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

void load_services(const fs::path& dir, Content& content, std::vector<Problem>& problems) {
  for (const auto& path : yaml_files_in(dir)) {
    FileReader r(path.string(), problems);
    auto doc = r.load();
    if (!doc) continue;
    Node root = doc->root();
    if (!r.check_map(root, {"id", "name", "city", "address", "phone", "hours", "languages", "source", "for"},
                     {"id", "name", "city", "source", "for"}, "a service"))
      continue;
    Service s;
    s.file = path.string();
    s.id = r.str(root, "id");
    s.name = r.str(root, "name");
    s.city = r.str(root, "city");
    s.address = r.str(root, "address");
    s.phone = r.str(root, "phone");
    s.hours = r.str(root, "hours");
    s.languages = r.list(root, "languages");
    s.source = r.str(root, "source");
    s.for_whom = r.by_language(root, "for");
    if (!s.source.empty()) r.check_url(r.at(root, "source"), s.source);
    static const std::regex phone_re(R"(^\+?[0-9][0-9 ]{1,19}$)");
    if (!s.phone.empty() && !std::regex_match(s.phone, phone_re))
      r.error(r.at(root, "phone"), "malformed phone number '" + s.phone + "' (digits, spaces and a leading + only)");
    if (s.id != path.stem().string()) r.error(r.at(root, "id"), "id '" + s.id + "' does not match the file name");
    content.services.push_back(std::move(s));
  }
}

void load_canned(const fs::path& dir, Content& content, std::vector<Problem>& problems) {
  for (const auto& path : yaml_files_in(dir)) {
    FileReader r(path.string(), problems);
    auto doc = r.load();
    if (!doc || !r.check_map(doc->root(), {"id", "title", "text"}, {"id", "title", "text"}, "a canned reply")) continue;
    Node root = doc->root();
    CannedReply c;
    c.id = r.str(root, "id");
    c.title = r.by_language(root, "title");
    c.text = r.by_language(root, "text");
    r.require_languages(root, c.text, "text");
    content.canned.push_back(std::move(c));
  }
}

void load_safety(const fs::path& path, Content& content, std::vector<Problem>& problems, std::vector<Reference>& refs) {
  FileReader r(path.string(), problems);
  if (!fs::exists(path)) {
    r.file_error("the safety phrases file is missing: safety triage needs it");
    return;
  }
  auto doc = r.load();
  if (!doc || !r.check_map(doc->root(), {"categories"}, {"categories"}, "the safety file")) return;
  auto categories = doc->root().find("categories");
  if (!categories || !r.check_map(*categories, {}, {}, "'categories'")) return;  // missing: reported by check_map
  Node cats = *categories;
  for (auto [name, c] : cats.entries()) {
    if (!r.check_map(c, {"article", "phrases"}, {"article", "phrases"}, "a safety category")) continue;
    SafetyCategory s;
    s.id = name.text();
    s.article = r.str(c, "article");
    Node article = r.at(c, "article");
    refs.push_back({article.line(), article.col(), s.article});
    auto phrases = c.find("phrases");
    if (!phrases || !r.check_map(*phrases, {}, {}, "'phrases'")) continue;  // missing: reported by check_map
    Node ph = *phrases;
    for (auto [lang_key, words] : ph.entries()) {
      std::string lang(lang_key.text());
      if (!is_known_language(lang)) {
        r.error(lang_key, "unknown language '" + lang + "'");
        continue;
      }
      s.phrases[lang] = r.list(ph, lang);
    }
    for (auto l : kRequiredLanguages)
      if (!s.phrases.count(std::string(l)))
        r.error(ph, "safety category '" + s.id + "' has no phrases in '" + std::string(l) + "'");
    content.safety.push_back(std::move(s));
  }
}

}  // namespace

ContentLoad load_content(const std::string& dir_in, const std::string& today_in) {
  ContentLoad out;
  out.content = std::make_shared<Content>();
  Content& content = *out.content;
  std::string today = today_in.empty() ? today_iso() : today_in;
  fs::path dir(dir_in);
  if (!fs::is_directory(dir)) {
    out.problems.push_back({dir_in, 0, 0, Problem::Severity::kError, "content directory not found"});
    return out;
  }
  std::vector<fs::path> files;
  if (fs::exists(dir / "articles"))
    for (const auto& e : fs::recursive_directory_iterator(dir / "articles"))
      if (e.is_regular_file() && e.path().extension() == ".yaml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  // Articles are independent files: parse them on all cores in contiguous chunks, then join in file order, so
  // the result (and the order of problems) is the same as a serial load.
  std::size_t threads = files.size() < 64 ? 1 : std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<Content> parts(threads);
  std::vector<std::vector<Problem>> part_problems(threads);
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (std::size_t i = files.size() * t / threads; i < files.size() * (t + 1) / threads; ++i)
        load_article(files[i], today, parts[t], part_problems[t]);
    });
  for (auto& th : pool) th.join();
  for (std::size_t t = 0; t < threads; ++t) {
    std::move(parts[t].articles.begin(), parts[t].articles.end(), std::back_inserter(content.articles));
    out.problems.insert(out.problems.end(), part_problems[t].begin(), part_problems[t].end());
  }

  std::vector<Reference> menu_refs, safety_refs;
  load_menu(dir / "menu.yaml", content, out.problems, menu_refs);
  load_services(dir / "services", content, out.problems);
  load_canned(dir / "canned", content, out.problems);
  load_safety(dir / "safety.yaml", content, out.problems, safety_refs);

  // Cross-file checks: duplicate ids, references to ids that do not exist, categories not in the menu.
  std::map<std::string, std::string> first_file;
  for (const auto& a : content.articles) {
    auto [it, fresh] = first_file.emplace(a.id, a.file);
    if (!fresh) out.problems.push_back({a.file, 1, 1, Problem::Severity::kError, "duplicate article id '" + a.id + "' (also in " + it->second + ")"});
  }
  content.index_ids();
  std::set<std::string> article_ids;
  for (const auto& a : content.articles) article_ids.insert(a.id);
  std::set<std::string> service_ids;
  for (const auto& s : content.services) service_ids.insert(s.id);
  std::set<std::string> categories;
  for (const auto& c : content.menu) categories.insert(c.id);
  auto ref_problem = [&](const std::string& file, int line, int col, const std::string& msg) {
    out.problems.push_back({file, line, col, Problem::Severity::kError, msg});
  };
  for (const auto& a : content.articles) {
    // Re-read the positions of references lazily: only when one is broken (rare), so loading stays fast.
    auto broken = [&](const std::string& key, const std::string& id, bool exists) {
      if (exists) return;
      auto doc = yaml::Document::parse_file(a.file);
      auto list = doc.document ? doc.document->root().find(key) : std::nullopt;
      if (!list) return;  // the file changed on disk since: the next load reports it
      Node at = *list;
      for (Node item : list->items())
        if (item.text() == id) at = item;
      ref_problem(a.file, at.line(), at.col(),
                  std::string(key == "related" ? "related article" : "service") + " '" + id + "' does not exist" +
                      suggest(id, key == "related" ? article_ids : service_ids));
    };
    for (const auto& r : a.related) broken("related", r, content.find(r) != nullptr);
    for (const auto& s : a.services) broken("services", s, service_ids.count(s) > 0);
    if (!content.menu.empty() && !a.category.empty() && !categories.count(a.category)) {
      auto doc = yaml::Document::parse_file(a.file);
      if (auto category = doc.document ? doc.document->root().find("category") : std::nullopt)
        ref_problem(a.file, category->line(), category->col(), "category '" + a.category + "' is not in menu.yaml");
    }
  }
  std::string menu_file = (dir / "menu.yaml").string();
  std::set<std::string> in_menu;
  for (const auto& [line, col, id] : menu_refs) {
    in_menu.insert(id);
    if (!content.find(id)) ref_problem(menu_file, line, col, "menu article '" + id + "' does not exist" + suggest(id, article_ids));
  }
  for (const auto& a : content.articles)
    if (!content.menu.empty() && !in_menu.count(a.id))
      out.problems.push_back({a.file, 1, 1, Problem::Severity::kWarning, "article '" + a.id + "' is not in the menu"});
  std::string safety_file = (dir / "safety.yaml").string();
  for (const auto& [line, col, id] : safety_refs)
    if (!content.find(id))
      ref_problem(safety_file, line, col, "safety article '" + id + "' does not exist" + suggest(id, article_ids));
  return out;
}

}  // namespace approdo
