// bench/match: how well Approdo understands people, against a plain full-text baseline measured in the same
// run. Reads a TSV of questions (lang, expect, urgent, style, text; default ../shared/eval/dev-questions.tsv)
// and prints, per language and overall:
//   top1      the article the bot gives first (triage's when urgent, else a confident or close-call match;
//             see bot/kb/understanding.h) == expected, on in-scope rows (expect != none)
//   answer    answered at once (urgent or `confident`) with the expected article, on in-scope rows
//   none→conf out-of-scope rows (expect == none) answered at once (lower is better)
//   urg.rec   urgent rows flagged by safety triage;  false.urg  non-urgent rows flagged
//   langid    language identified correctly (rows not written in another script, style != translit)
// Baseline: SQLite FTS5 BM25 (unicode61, remove_diacritics 2) over the same articles, every language.
// Then the time per message (median, p99) for Approdo and the baseline, and memory.
//
// Usage: bench_match [questions.tsv] [content_dir] [locales_dir]
#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "bot/kb/knowledge.h"
#include "bot/kb/understanding.h"
#include "bot/text/langid.h"
#include "bot/text/normalize.h"
#include "bot/text/tokenize.h"

namespace {

using namespace approdo;

struct Row {
  std::string lang, expect, style, text;
  bool urgent = false;
};

std::vector<Row> read_rows(const std::string& path) {
  std::ifstream in(path);
  std::vector<Row> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::stringstream s(line);
    Row r;
    std::string urgent;
    std::getline(s, r.lang, '\t');
    std::getline(s, r.expect, '\t');
    std::getline(s, urgent, '\t');
    std::getline(s, r.style, '\t');
    std::getline(s, r.text);
    r.urgent = urgent == "1";
    if (!r.text.empty()) rows.push_back(r);
  }
  return rows;
}

long rss_kib() {
  std::ifstream f("/proc/self/status");
  std::string key;
  long value = 0;
  while (f >> key) {
    if (key == "VmRSS:") {
      f >> value;
      return value;
    }
    f.ignore(1 << 12, '\n');
  }
  return 0;
}

// The baseline: every article's text in every language in one FTS5 table; a query ORs the message's words.
class Fts5Baseline {
 public:
  explicit Fts5Baseline(const Content& content) : db_(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE) {
    db_.exec("CREATE VIRTUAL TABLE docs USING fts5(article UNINDEXED, body,"
             " tokenize = 'unicode61 remove_diacritics 2')");
    SQLite::Statement ins(db_, "INSERT INTO docs (article, body) VALUES (?, ?)");
    for (const auto& a : content.articles)
      for (const auto& [lang, t] : a.text) {
        std::string body = t.title + "\n" + t.short_text + "\n" + t.body;
        for (const auto& k : t.keywords) body += "\n" + k;
        for (const auto& q : t.questions) body += "\n" + q;
        ins.bind(1, a.id);
        ins.bind(2, body);
        ins.exec();
        ins.reset();
      }
  }
  std::string best(const std::string& text) {
    std::string query;
    for (const auto& w : text::words(text::fold(text))) {
      std::string quoted;
      for (char c : w) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
      query += (query.empty() ? "\"" : " OR \"") + quoted + "\"";
    }
    if (query.empty()) return "";
    SQLite::Statement q(db_, "SELECT article FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT 1");
    q.bind(1, query);
    return q.executeStep() ? q.getColumn(0).getString() : "";
  }

 private:
  SQLite::Database db_;
};

struct Tally {
  int in_scope = 0, top1 = 0, answered = 0, none = 0, none_confident = 0, urgent = 0, urgent_flagged = 0,
      not_urgent = 0, false_urgent = 0, lang_rows = 0, lang_ok = 0, base_top1 = 0, base_none_answered = 0;
};

std::string pct(int n, int d) {
  if (d == 0) return "   -  ";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%5.1f%%", 100.0 * n / d);
  return buf;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  std::string tsv = argc > 1 ? argv[1] : std::string(APPRODO_SOURCE_DIR) + "/../shared/eval/dev-questions.tsv";
  std::string content_dir = argc > 2 ? argv[2] : std::string(APPRODO_SOURCE_DIR) + "/content";
  std::string locales_dir = argc > 3 ? argv[3] : std::string(APPRODO_SOURCE_DIR) + "/locales";
  auto rows = read_rows(tsv);
  if (rows.empty()) {
    std::fprintf(stderr, "bench_match: no questions in %s (skipped)\n", tsv.c_str());
    return 0;
  }
  long rss_start = rss_kib();
  auto t0 = std::chrono::steady_clock::now();
  KnowledgeLoad load = load_knowledge(content_dir, locales_dir);
  double build_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  if (has_errors(load.problems)) {
    for (const auto& p : load.problems)
      if (p.severity == Problem::Severity::kError) std::fprintf(stderr, "%s\n", p.format().c_str());
    return 1;
  }
  long rss_index = rss_kib();
  const Knowledge& kb = *load.knowledge;
  Fts5Baseline baseline(*kb.content);

  std::map<std::string, Tally> by_lang;
  std::vector<std::string> misses;
  for (const auto& r : rows) {
    for (Tally* t : {&by_lang[r.lang], &by_lang["all"]}) {
      Understanding u = understand(kb, r.text, "");
      const MatchResult& m = u.match;
      const TriageResult& triage = u.triage;
      const std::string article = u.article();
      std::string base = baseline.best(r.text);
      if (r.style != "translit") {
        ++t->lang_rows;
        t->lang_ok += u.lang == r.lang;
      }
      if (r.urgent) {
        ++t->urgent;
        t->urgent_flagged += triage.urgent;
      } else {
        ++t->not_urgent;
        t->false_urgent += triage.urgent;
      }
      if (r.expect == "none") {
        ++t->none;
        t->none_confident += u.answers_at_once();
        t->base_none_answered += !base.empty();
      } else {
        ++t->in_scope;
        t->top1 += article == r.expect;
        t->answered += u.answers_at_once() && article == r.expect;
        t->base_top1 += base == r.expect;
      }
      if (t == &by_lang["all"] && r.expect != "none" && article != r.expect)
        misses.push_back(r.lang + " expected " + r.expect + " got " + (article.empty() ? "-" : article) + " [" +
                         m.article + "] (" +
                         std::to_string(m.score).substr(0, 4) + ")");
    }
  }

  std::printf("Matching quality on %zu questions (%s)\n\n", rows.size(), tsv.c_str());
  std::printf("lang  rows | top1   answer none→conf urg.rec false.urg langid | FTS5 top1 FTS5 none→ans | top1 gain\n");
  for (auto& [lang, t] : by_lang) {
    std::printf("%-4s %5d | %s %s %s    %s  %s   %s | %s    %s       | %+5.1f pts\n", lang.c_str(),
                t.in_scope + t.none, pct(t.top1, t.in_scope).c_str(), pct(t.answered, t.in_scope).c_str(),
                pct(t.none_confident, t.none).c_str(), pct(t.urgent_flagged, t.urgent).c_str(),
                pct(t.false_urgent, t.not_urgent).c_str(), pct(t.lang_ok, t.lang_rows).c_str(),
                pct(t.base_top1, t.in_scope).c_str(), pct(t.base_none_answered, t.none).c_str(),
                t.in_scope ? 100.0 * (t.top1 - t.base_top1) / t.in_scope : 0.0);
  }
  if (getenv("APPRODO_BENCH_VERBOSE"))
    for (const auto& m : misses) std::printf("  miss: %s\n", m.c_str());

  // Tuning on data: the blend weight decides the ranking (top-1); the thresholds decide which answers are
  // given with confidence. Printed for a grid so the defaults in matcher.h can be chosen from this table.
  std::printf("\nTuning grid (all languages): question_weight and phrase_weight → top1; then the thresholds of a"
              " confident answer, each beside the defaults\n");
  auto top1_with = [&](const MatcherTuning& tuning) {
    Matcher m(*kb.content, tuning);
    int in_scope = 0, top1 = 0;
    for (const auto& r : rows)
      if (r.expect != "none") {
        ++in_scope;
        top1 += m.match(r.text, text::identify_language(r.text).lang).article == r.expect;
      }
    return pct(top1, in_scope);
  };
  for (double qw : {0.0, 0.1, 0.2, 0.35, 0.5}) {
    MatcherTuning tuning;
    tuning.question_weight = qw;
    std::printf("  question_weight %.2f: top1 %s\n", qw, top1_with(tuning).c_str());
  }
  for (double pw : {0.0, 0.25, 0.5, 1.0}) {
    MatcherTuning tuning;
    tuning.phrase_weight = pw;
    std::printf("  phrase_weight %.2f: top1 %s\n", pw, top1_with(tuning).c_str());
  }
  auto answers_with = [&](const MatcherTuning& tuning) {
    Matcher m(*kb.content, tuning);
    int in_scope = 0, right = 0, wrong = 0, none = 0, none_conf = 0;
    for (const auto& r : rows) {
      auto res = m.match(r.text, text::identify_language(r.text).lang);
      bool conf = res.outcome == MatchResult::Outcome::kConfident;
      if (r.expect == "none") {
        ++none;
        none_conf += conf;
      } else {
        ++in_scope;
        right += conf && res.article == r.expect;
        wrong += conf && res.article != r.expect;
      }
    }
    std::printf("right answers %s, wrong answers %s, none→confident %s\n", pct(right, in_scope).c_str(),
                pct(wrong, in_scope).c_str(), pct(none_conf, none).c_str());
  };
  for (double confident : {0.3, 0.36, 0.42, 0.5})
    for (double margin : {0.0, 0.08, 0.16, 0.25}) {
      MatcherTuning tuning;
      tuning.confident = confident;
      tuning.margin = margin;
      std::printf("  confident %.2f margin %.2f: ", confident, margin);
      answers_with(tuning);
    }
  for (double evidence : {0.0, 0.5, 0.95, 1.5, 2.0}) {
    MatcherTuning tuning;
    tuning.min_evidence = evidence;
    std::printf("  min_evidence %.2f: ", evidence);
    answers_with(tuning);
  }

  // The floor under which nothing is offered: a close call shows "did you mean" with the top candidates, which
  // helps when the first is right and costs little when it is not; under the floor the person gets the menu.
  for (double floor : {0.08, 0.12, 0.16, 0.2, 0.24}) {
    MatcherTuning tuning;
    tuning.close_call = floor;
    Matcher m(*kb.content, tuning);
    int in_scope = 0, right = 0, offered_wrong = 0, none = 0, none_offered = 0;
    for (const auto& r : rows) {
      auto res = m.match(r.text, text::identify_language(r.text).lang);
      bool offered = res.outcome != MatchResult::Outcome::kNoMatch;
      if (r.expect == "none") {
        ++none;
        none_offered += offered;
      } else {
        ++in_scope;
        right += offered && res.article == r.expect;
        offered_wrong += offered && res.article != r.expect;
      }
    }
    std::printf("  close_call %.2f: right first %s, wrong first %s, none→offered %s\n", floor,
                pct(right, in_scope).c_str(), pct(offered_wrong, in_scope).c_str(), pct(none_offered, none).c_str());
  }

  // Speed: every question many times, Approdo (langid + triage + match, as a message costs) vs the baseline.
  const int reps = 50;
  std::vector<double> ours, base;
  for (int rep = 0; rep < reps; ++rep)
    for (const auto& r : rows) {
      auto a = std::chrono::steady_clock::now();
      auto guess = text::identify_language(r.text);
      auto triage = kb.triage->assess(r.text);
      auto m = kb.matcher->match(r.text, guess.lang);
      auto b = std::chrono::steady_clock::now();
      if (rep < 5) baseline.best(r.text);
      auto c = std::chrono::steady_clock::now();
      ours.push_back(std::chrono::duration<double, std::micro>(b - a).count());
      if (rep < 5) base.push_back(std::chrono::duration<double, std::micro>(c - b).count());
      (void)triage;
      (void)m;
    }
  long rss_after = rss_kib();
  double our_median = percentile(ours, 0.5), base_median = percentile(base, 0.5);
  std::printf("\nTime per message (langid + triage + match), %zu samples:\n", ours.size());
  std::printf("  approdo: median %.1f µs, p99 %.1f µs\n", our_median, percentile(ours, 0.99));
  std::printf("  FTS5:    median %.1f µs, p99 %.1f µs\n", base_median, percentile(base, 0.99));
  std::printf("  ratio approdo/FTS5 (median): %.2f\n", base_median > 0 ? our_median / base_median : 0.0);
  std::printf("\nIndex: %zu articles, vocabulary %zu, built in %.0f ms; RSS %ld KiB before, %ld KiB after "
              "index, %ld KiB after %zu matches (growth %ld KiB)\n",
              kb.content->articles.size(), kb.matcher->vocabulary_size(), build_ms, rss_start, rss_index,
              rss_after, ours.size(), rss_after - rss_index);
  return 0;
}
