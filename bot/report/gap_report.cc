#include "bot/report/gap_report.h"

#include <algorithm>
#include <map>
#include <set>

#include "bot/core/language.h"
#include "bot/text/normalize.h"
#include "bot/text/stem.h"
#include "bot/text/tokenize.h"
#include "bot/text/utf8.h"

namespace approdo::report {
namespace {

constexpr std::size_t kExamples = 3;
constexpr std::size_t kExampleBytes = 200;
constexpr std::size_t kSharedWords = 5;

// One distinct question (same folded text) and how often it was asked.
struct Distinct {
  std::string text;  // as first asked
  int64_t asked = 0, no_match = 0, close_call = 0;
  std::set<std::string> terms;
  std::map<std::string, std::string> surface;  // stem → a word as written (folded)
};

struct Group {
  std::vector<const Distinct*> members;
  int64_t asked = 0, no_match = 0, close_call = 0;
};

std::size_t code_points(const std::string& s) { return text::count_code_points(s); }

// Question and function words of each language ("how", "can", "for"): they make questions about different
// things look alike. Words of one or two letters are dropped anyway. Folded and stemmed like the questions.
const char* const* function_words(const std::string& lang) {
  static const char* const en[] = {"how", "what", "where", "when", "who", "why", "which", "can", "could", "the",
                                   "and", "for", "with", "you", "your", "are", "was", "have", "has", "get", "need",
                                   "want", "does", "did", "this", "that", "there", "please", "help", "about", "from",
                                   "will", "would", "should", "not", "don't", "can't", "any", "some", "much", nullptr};
  static const char* const fr[] = {"comment", "quoi", "que", "qui", "quand", "pourquoi", "est", "pour", "avec", "les",
                                   "des", "une", "dans", "sur", "pas", "mon", "mes", "suis", "peux", "puis", "faire",
                                   "avoir", "vous", "nous", "est-ce", "quel", "quelle", "aide", "besoin", nullptr};
  static const char* const it[] = {"come", "dove", "cosa", "quando", "perché", "per", "con", "che", "non", "sono",
                                   "posso", "voglio", "della", "del", "una", "mio", "mia", "aiuto", nullptr};
  static const char* const ar[] = {"كيف", "ماذا", "أين", "اين", "متى", "لماذا", "هل", "على", "إلى", "الى", "انا",
                                   "أنا", "هذا", "هذه", "يمكن", "ممكن", "اريد", "أريد", "عندي", "مساعدة", nullptr};
  static const char* const fa[] = {"چطور", "چگونه", "کجا", "چی", "چرا", "کی", "آیا", "برای", "این", "آن", "است",
                                   "هست", "میخواهم", "میتوانم", "باید", "کنم", "کمک", "دارم", nullptr};
  static const char* const ps[] = {"څنګه", "چیرې", "چېرته", "څه", "ولې", "کله", "زه", "سره", "هغه", "غواړم",
                                   "کولای", "شم", "مرسته", "لپاره", nullptr};
  static const char* const uk[] = {"як", "де", "що", "коли", "чому", "мені", "мене", "для", "про", "можна", "треба",
                                   "хочу", "мій", "моя", "потрібно", "допомога", "або", nullptr};
  static const char* const none[] = {nullptr};
  if (lang == "en") return en;
  if (lang == "fr") return fr;
  if (lang == "it") return it;
  if (lang == "ar") return ar;
  if (lang == "fa") return fa;
  if (lang == "ps") return ps;
  if (lang == "uk") return uk;
  return none;
}

// The distinct questions of one language, with their terms.
std::vector<Distinct> distinct_questions(const std::vector<const UnmatchedRecord*>& rows, const std::string& lang) {
  std::map<std::string, Distinct> by_folded;
  std::vector<std::string> order;
  text::Stemmer stemmer(lang);
  std::set<std::string> stop;
  for (const char* const* w = function_words(lang); *w; ++w)
    for (const auto& word : text::words(text::fold(*w))) stop.insert(stemmer.stem(word));
  for (const UnmatchedRecord* r : rows) {
    std::string folded = text::fold(r->text);
    auto [it, fresh] = by_folded.try_emplace(folded);
    Distinct& d = it->second;
    if (fresh) {
      order.push_back(folded);
      d.text = r->text;
      for (const auto& w : text::words(folded)) {
        if (code_points(w) <= 2) continue;  // "#", "is", "في": carries no topic
        std::string s = stemmer.stem(w);
        if (stop.count(s)) continue;
        d.terms.insert(s);
        d.surface.emplace(s, w);
      }
    }
    ++d.asked;
    (r->outcome == "close_call" ? d.close_call : d.no_match)++;
  }
  std::vector<Distinct> out;
  for (const auto& f : order) out.push_back(std::move(by_folded[f]));
  // Words in most of the language's questions ("how", "where", "can") say nothing about the topic.
  if (out.size() >= 10) {
    std::map<std::string, std::size_t> df;
    for (const auto& d : out)
      for (const auto& t : d.terms) ++df[t];
    for (auto& d : out)
      for (auto it = d.terms.begin(); it != d.terms.end();)
        it = df[*it] * 10 > out.size() * 4 ? d.terms.erase(it) : std::next(it);
  }
  // Most asked first, so each group is seeded by its most typical question.
  std::stable_sort(out.begin(), out.end(), [](const Distinct& a, const Distinct& b) { return a.asked > b.asked; });
  return out;
}

// How well two questions' terms overlap, or 0 when too little for one group: at least half of the shorter
// one's words, and two words when both have four or more.
double overlap(const std::set<std::string>& a, const std::set<std::string>& b) {
  if (a.empty() || b.empty()) return 0;
  std::size_t shared = 0;
  for (const auto& t : a) shared += b.count(t);
  std::size_t smaller = std::min(a.size(), b.size());
  if (shared == 0 || (smaller >= 4 && shared < 2)) return 0;
  double score = static_cast<double>(shared) / static_cast<double>(smaller);
  return score >= 0.5 ? score : 0;
}

std::vector<Group> group_questions(const std::vector<Distinct>& questions) {
  std::vector<Group> groups;
  for (const auto& q : questions) {
    Group* best = nullptr;
    double best_score = 0;
    for (auto& g : groups) {
      double s = overlap(q.terms, g.members.front()->terms);
      if (s > best_score) best_score = s, best = &g;
    }
    if (!best) best = &groups.emplace_back();
    best->members.push_back(&q);
    best->asked += q.asked;
    best->no_match += q.no_match;
    best->close_call += q.close_call;
  }
  std::stable_sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) { return a.asked > b.asked; });
  return groups;
}

// The words most of the group's questions share, most common first, as people wrote them.
std::string shared_words(const Group& g) {
  std::map<std::string, std::size_t> n;
  for (const Distinct* d : g.members)
    for (const auto& t : d->terms) n[t] += 1;
  std::vector<std::pair<std::string, std::size_t>> ranked(n.begin(), n.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::string out;
  std::size_t taken = 0;
  for (const auto& [stem, count] : ranked) {
    if (taken == kSharedWords || (g.members.size() > 1 && count * 2 < g.members.size())) break;
    for (const Distinct* d : g.members)
      if (auto it = d->surface.find(stem); it != d->surface.end()) {
        out += (out.empty() ? "" : " ") + it->second;
        break;
      }
    ++taken;
  }
  return out;
}

}  // namespace

Report gap_report(const std::vector<UnmatchedRecord>& questions, const Period& period) {
  Report r{"gaps", "Questions the knowledge base did not answer", period.since_day, period.until_day, 0, {}};
  std::map<std::string, std::vector<const UnmatchedRecord*>> by_lang;
  for (const auto& q : questions) by_lang[q.lang.empty() ? "unknown" : q.lang].push_back(&q);
  // Languages in menu order, then any other.
  std::vector<std::string> langs(kKnownLanguages.begin(), kKnownLanguages.end());
  for (const auto& [lang, rows] : by_lang)
    if (std::find(langs.begin(), langs.end(), lang) == langs.end()) langs.push_back(lang);

  Table summary{"by_language",
                "Per language",
                {{"lang", "Language", ColumnKind::kText},
                 {"questions", "Questions", ColumnKind::kCount},
                 {"not_understood", "Not understood", ColumnKind::kCount},
                 {"did_you_mean", "Did you mean", ColumnKind::kCount},
                 {"groups", "Groups", ColumnKind::kCount}},
                {},
                {{1, {2, 3}}},
                -1};
  Table groups{"groups",
               "Similar questions, biggest groups first",
               {{"lang", "Language", ColumnKind::kText},
                {"questions", "Questions", ColumnKind::kCount},
                {"not_understood", "Not understood", ColumnKind::kCount},
                {"did_you_mean", "Did you mean", ColumnKind::kCount},
                {"words", "Shared words", ColumnKind::kText}},
               {},
               {{1, {2, 3}}},
               -1};
  for (std::size_t i = 1; i <= kExamples; ++i)
    groups.columns.push_back({"example_" + std::to_string(i), "Example " + std::to_string(i), ColumnKind::kText});

  std::vector<std::pair<std::string, Group>> all_groups;
  std::vector<std::vector<Distinct>> keep_alive;  // groups point into these
  keep_alive.reserve(langs.size());
  for (const auto& lang : langs) {
    auto it = by_lang.find(lang);
    if (it == by_lang.end()) continue;
    keep_alive.push_back(distinct_questions(it->second, lang));
    auto lang_groups = group_questions(keep_alive.back());
    int64_t no_match = 0, close_call = 0;
    for (const auto& g : lang_groups) no_match += g.no_match, close_call += g.close_call;
    auto n = [](int64_t v) { return Cell::number(static_cast<double>(v)); };
    summary.rows.push_back({Cell::label(lang), n(no_match + close_call), n(no_match), n(close_call),
                            n(static_cast<int64_t>(lang_groups.size()))});
    for (auto& g : lang_groups) all_groups.emplace_back(lang, std::move(g));
  }
  std::stable_sort(all_groups.begin(), all_groups.end(),
                   [](const auto& a, const auto& b) { return a.second.asked > b.second.asked; });
  for (const auto& [lang, g] : all_groups) {
    auto n = [](int64_t v) { return Cell::number(static_cast<double>(v)); };
    std::vector<Cell> row{Cell::label(lang), n(g.asked), n(g.no_match), n(g.close_call), Cell::label(shared_words(g))};
    for (std::size_t i = 0; i < kExamples; ++i)
      row.push_back(Cell::label(i < g.members.size()
                                    ? std::string(text::truncate_utf8(g.members[i]->text, kExampleBytes))
                                    : std::string()));
    groups.rows.push_back(std::move(row));
  }
  r.tables.push_back(std::move(summary));
  r.tables.push_back(std::move(groups));
  return r;
}

}  // namespace approdo::report
