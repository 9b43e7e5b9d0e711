#include "bot/kb/matcher.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <thread>
#include <unordered_set>

#include "bot/text/fold_memo.h"
#include "bot/text/normalize.h"
#include "bot/text/stem.h"
#include "bot/text/tokenize.h"
#include "bot/text/utf8.h"

namespace approdo {
namespace {

constexpr double kK1 = 1.2;
constexpr size_t kMaxQueryBytes = 2000;  // a 100 KB message is matched on its beginning

struct Field {
  double weight, b;
};
// title, keywords, questions, short, body; then the pairs of neighbouring words of the first three (see
// phrase_of), a field of their own so that they change neither the other fields' lengths nor the questions'
// vectors.
constexpr Field kFields[] = {{3.0, 0.3}, {3.0, 0.2}, {2.0, 0.5}, {1.0, 0.6}, {0.4, 0.75}, {3.0, 0.0}};
constexpr int kFieldCount = 6;
constexpr int kPairs = 5;

// One stemmer per language per thread (libstemmer keeps state).
text::Stemmer& stemmer_for(const std::string& lang) {
  thread_local std::map<std::string, std::unique_ptr<text::Stemmer>> stemmers;
  auto& s = stemmers[lang];
  if (!s) s = std::make_unique<text::Stemmer>(lang);
  return *s;
}

std::vector<std::u32string> trigrams_of(const std::string& word) {
  std::u32string w = U"#";
  for (size_t i = 0; i < word.size();) {
    unsigned char c = static_cast<unsigned char>(word[i]);
    int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    char32_t cp = len == 1 ? c : c & (0x3F >> (len - 1));
    for (int k = 1; k < len && i + k < word.size(); ++k) cp = (cp << 6) | (word[i + k] & 0x3F);
    w += cp;
    i += len;
  }
  w += U'#';
  std::vector<std::u32string> out;
  for (size_t i = 0; i + 3 <= w.size(); ++i) out.push_back(w.substr(i, 3));
  return out;
}

size_t code_points(const std::string& s) { return text::count_code_points(s); }

// Two neighbouring words as one term, written into `pair` (reused by match(), so a message allocates nothing
// for it). The separator is a control character, which no word contains.
constexpr char kPairSeparator = '\x1f';
const std::string& phrase_of(const std::string& first, const std::string& second, std::string& pair) {
  return pair.assign(first).append(1, kPairSeparator).append(second);
}

}  // namespace

struct Matcher::Index {
  struct Posting {
    uint32_t article;
    float weight;  // idf * tf~ / (k1 + tf~): the whole BM25F contribution
  };
  struct QPosting {
    uint32_t question;
    float weight;  // tf-idf weight, question vector normalised
  };
  std::unordered_map<std::string, uint32_t> term_ids;
  std::vector<std::string> terms;
  std::vector<float> idf;
  std::vector<std::vector<Posting>> postings;
  std::vector<std::vector<QPosting>> qpostings;
  std::vector<uint32_t> question_article;
  std::unordered_map<std::u32string, std::vector<uint32_t>> trigram_terms;  // for typo lookup
  std::vector<uint16_t> term_trigram_count;
  float max_idf = 1;
  float unique_idf = 1;  // the idf of a term only one article has: the unit of MatchResult::evidence
};

Matcher::~Matcher() = default;

size_t Matcher::vocabulary_size() const { return index_->terms.size(); }

Matcher::Matcher(const Content& content, MatcherTuning tuning) : index_(std::make_unique<Index>()), tuning_(tuning) {
  Index& ix = *index_;
  size_t n = content.articles.size();
  // Analysing text (folding, words, stems) is most of the cost. Articles are analysed in parallel, each
  // thread numbering the terms it meets in a vocabulary of its own, in the order the article's fields are read
  // below; the vocabularies are then merged in article order, so every term gets the id a serial build would
  // give it (its first use), whatever the number of threads.
  struct Analysed {
    std::array<std::vector<uint32_t>, kFieldCount> fields;
    std::vector<std::vector<uint32_t>> questions;
  };
  struct Vocabulary {
    std::unordered_map<std::string, uint32_t> ids;
    std::vector<std::string> terms;
    uint32_t id(std::string&& term) {
      if (auto it = ids.find(term); it != ids.end()) return it->second;
      auto id = static_cast<uint32_t>(terms.size());
      ids.emplace(term, id);
      terms.push_back(std::move(term));
      return id;
    }
  };
  std::vector<Analysed> analysed(n);
  std::size_t threads = n < 64 ? 1 : std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<Vocabulary> vocabularies(threads);
  auto first = [&](std::size_t t) { return n * t / threads; };
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      Vocabulary& vocabulary = vocabularies[t];
      // Words recur across articles: a folded word met before in the same language is neither stemmed nor
      // looked up by its stem again. Stems are numbered as they are made (a stem → its term, once known).
      std::map<std::string, std::unordered_map<std::string, uint32_t>> stem_of_word;  // per language
      std::vector<std::string> stems;
      std::unordered_map<std::string, uint32_t> phrases;  // a pair's term → its stem number
      std::string pair;
      std::vector<uint32_t> term_of_stem;
      constexpr uint32_t kNoTerm = UINT32_MAX;
      text::FoldMemo folding;  // most words were folded before, in another text
      for (std::size_t a = first(t); a < first(t + 1); ++a) {
        std::array<std::vector<uint32_t>, kFieldCount> fields;  // stem numbers
        std::vector<std::vector<uint32_t>> questions;
        for (const auto& [lang, tx] : content.articles[a].text) {
          text::Stemmer& stemmer = stemmer_for(lang);
          auto& known = stem_of_word[lang];
          // `pairs`: the text's neighbouring words are also indexed as one term (see phrase_of), so that a
          // message saying "permesso di soggiorno" or "turn 18" in that order scores above one that only shares
          // the words.
          auto analyse = [&](const std::string& s, std::vector<uint32_t>& out, bool pairs) {
            std::vector<uint32_t>& pair_terms = fields[kPairs];
            size_t begin = out.size();
            for (auto& w : text::words(folding.fold(s))) {
              auto [it, fresh] = known.try_emplace(std::move(w), static_cast<uint32_t>(stems.size()));
              if (fresh) {
                stems.push_back(stemmer.stem(it->first));
                term_of_stem.push_back(kNoTerm);
              }
              out.push_back(it->second);
            }
            if (!pairs) return;
            for (size_t i = begin, end = out.size(); i + 1 < end; ++i) {
              auto [it, fresh] = phrases.try_emplace(phrase_of(stems[out[i]], stems[out[i + 1]], pair),
                                                     static_cast<uint32_t>(stems.size()));
              if (fresh) {
                stems.push_back(it->first);
                term_of_stem.push_back(kNoTerm);
              }
              pair_terms.push_back(it->second);
            }
          };
          analyse(tx.title, fields[0], true);
          for (const auto& k : tx.keywords) analyse(k, fields[1], true);
          for (const auto& q : tx.questions) analyse(q, questions.emplace_back(), true);
          analyse(tx.short_text, fields[3], false);
          analyse(tx.body, fields[4], false);
        }
        // Terms are numbered here, field by field, so that their order of first use is a serial build's.
        auto term = [&](uint32_t stem) {
          uint32_t& id = term_of_stem[stem];
          if (id == kNoTerm) id = vocabulary.id(std::string(stems[stem]));
          return id;
        };
        Analysed& out = analysed[a];
        for (int f = 0; f < kFieldCount; ++f)
          for (uint32_t stem : fields[f]) out.fields[f].push_back(term(stem));
        for (auto& q : questions) {
          auto& ids = out.questions.emplace_back();
          for (uint32_t stem : q) ids.push_back(term(stem));
        }
      }
    });
  for (auto& th : pool) th.join();
  std::vector<std::vector<uint32_t>> global(threads);  // a thread's term id → the index's
  for (std::size_t t = 0; t < threads; ++t) {
    global[t].resize(vocabularies[t].terms.size());
    for (std::size_t i = 0; i < global[t].size(); ++i) {
      std::string& term = vocabularies[t].terms[i];
      auto [it, fresh] = ix.term_ids.try_emplace(term, static_cast<uint32_t>(ix.terms.size()));
      if (fresh) ix.terms.push_back(std::move(term));
      global[t][i] = it->second;
    }
  }

  // Per article, in parallel again: each term once with its count in every field (questions are field 2),
  // sorted by term, and the fields' lengths. Counted in a table indexed by term, so only the article's distinct
  // terms are sorted, not every use of them.
  struct TermCounts {
    uint32_t term;
    std::array<float, kFieldCount> count;
  };
  std::vector<std::vector<TermCounts>> counts(n);
  std::vector<std::array<double, kFieldCount>> len(n);
  pool.clear();
  for (std::size_t t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::vector<std::array<float, kFieldCount>> table(ix.terms.size());
      std::vector<uint32_t> terms;  // the article's distinct terms
      auto use = [&](uint32_t& id, std::size_t a, int field) {
        id = global[t][id];
        if (table[id] == std::array<float, kFieldCount>{}) terms.push_back(id);
        table[id][field] += 1;
        len[a][field] += 1;
      };
      for (std::size_t a = first(t); a < first(t + 1); ++a) {
        terms.clear();
        len[a] = {};
        for (int f = 0; f < kFieldCount; ++f)
          for (auto& id : analysed[a].fields[f]) use(id, a, f);
        for (auto& q : analysed[a].questions)
          for (auto& id : q) use(id, a, 2);
        std::sort(terms.begin(), terms.end());
        counts[a].reserve(terms.size());
        for (uint32_t term : terms) {
          counts[a].push_back({term, table[term]});
          table[term] = {};
        }
      }
    });
  for (auto& th : pool) th.join();

  std::array<double, kFieldCount> total_len{};
  std::vector<std::vector<uint32_t>> question_terms;
  for (size_t a = 0; a < n; ++a) {
    article_ids_.push_back(content.articles[a].id);
    for (auto& ids : analysed[a].questions) {
      question_terms.push_back(std::move(ids));
      ix.question_article.push_back(static_cast<uint32_t>(a));
    }
    for (int f = 0; f < kFieldCount; ++f) total_len[f] += len[a][f];
  }
  size_t vocab = ix.terms.size();
  std::vector<uint32_t> df(vocab, 0);
  for (size_t a = 0; a < n; ++a)
    for (const auto& c : counts[a]) ++df[c.term];
  ix.unique_idf = static_cast<float>(std::log(1.0 + (n - 1 + 0.5) / 1.5));
  ix.idf.resize(vocab);
  for (size_t t = 0; t < vocab; ++t) {
    ix.idf[t] = static_cast<float>(std::log(1.0 + (n - df[t] + 0.5) / (df[t] + 0.5)));
    ix.max_idf = std::max(ix.max_idf, ix.idf[t]);
  }
  ix.postings.resize(vocab);
  for (size_t a = 0; a < n; ++a) {
    std::array<double, kFieldCount> norm;
    for (int f = 0; f < kFieldCount; ++f) {
      double avg = n ? total_len[f] / n : 1;
      norm[f] = 1 - kFields[f].b + kFields[f].b * (avg > 0 ? len[a][f] / avg : 1);
    }
    for (const auto& c : counts[a]) {
      double x = 0;
      for (int f = 0; f < kFieldCount; ++f) x += kFields[f].weight * c.count[f] / norm[f];
      ix.postings[c.term].push_back({static_cast<uint32_t>(a), static_cast<float>(ix.idf[c.term] * x / (kK1 + x))});
    }
  }
  ix.qpostings.resize(vocab);
  std::vector<std::pair<uint32_t, double>> weights;
  for (size_t q = 0; q < question_terms.size(); ++q) {
    std::vector<uint32_t>& terms = question_terms[q];
    std::sort(terms.begin(), terms.end());
    weights.clear();
    for (uint32_t t : terms) {
      if (weights.empty() || weights.back().first != t) weights.emplace_back(t, 0.0);
      weights.back().second += ix.idf[t];
    }
    double norm = 0;
    for (const auto& [t, x] : weights) norm += x * x;
    norm = std::sqrt(norm);
    if (norm == 0) continue;
    for (const auto& [t, x] : weights)
      ix.qpostings[t].push_back({static_cast<uint32_t>(q), static_cast<float>(x / norm)});
  }
  ix.term_trigram_count.resize(vocab);
  for (size_t t = 0; t < vocab; ++t) {
    // Pairs are not words: a typo is looked up among words only.
    if (code_points(ix.terms[t]) < 4 || ix.terms[t].find(kPairSeparator) != std::string::npos) continue;
    auto grams = trigrams_of(ix.terms[t]);
    ix.term_trigram_count[t] = static_cast<uint16_t>(grams.size());
    std::sort(grams.begin(), grams.end());
    grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
    for (auto& g : grams) ix.trigram_terms[g].push_back(static_cast<uint32_t>(t));
  }
}

MatchResult Matcher::match(const std::string& raw, const std::string& lang) const {
  const Index& ix = *index_;
  MatchResult result;
  size_t n = article_ids_.size();
  if (n == 0) return result;
  std::string text(text::truncate_utf8(raw, kMaxQueryBytes));

  // Reused per thread: sized to the largest index seen, never freed between messages.
  thread_local std::vector<float> bm25, best_q, qdot;
  if (bm25.size() < n) bm25.resize(n), best_q.resize(n);
  if (qdot.size() < ix.question_article.size()) qdot.resize(ix.question_article.size());
  std::fill(bm25.begin(), bm25.begin() + n, 0.f);
  std::fill(best_q.begin(), best_q.begin() + n, 0.f);
  std::fill(qdot.begin(), qdot.begin() + ix.question_article.size(), 0.f);

  thread_local std::vector<std::pair<uint32_t, float>> query;  // term, weight (fuzzy matches count less)
  thread_local std::vector<std::pair<uint32_t, float>> pairs;  // neighbouring words the content has together
  query.clear();
  pairs.clear();
  constexpr uint32_t kNone = UINT32_MAX;
  uint32_t previous = kNone;  // the word before, when it was found as it is (not by its trigrams)
  thread_local std::string pair;
  double possible = 0;  // what the message could score: every word's idf
  text::Stemmer& st = stemmer_for(lang);
  for (auto& w : text::words(text::fold(text))) {
    std::string s = st.stem(w);
    auto it = ix.term_ids.find(s);
    if (it == ix.term_ids.end()) it = ix.term_ids.find(w);
    if (it != ix.term_ids.end()) {
      query.push_back({it->second, 1.f});
      possible += ix.idf[it->second];
      if (previous != kNone && tuning_.phrase_weight > 0) {
        // A pair the content also has is a bonus: it adds to the score and to what could be scored, so a
        // message without one loses nothing.
        if (auto p = ix.term_ids.find(phrase_of(ix.terms[previous], ix.terms[it->second], pair));
            p != ix.term_ids.end()) {
          pairs.push_back({p->second, static_cast<float>(tuning_.phrase_weight)});
          possible += tuning_.phrase_weight * ix.idf[p->second];
        }
      }
      previous = it->second;
      continue;
    }
    previous = kNone;
    bool digits = std::all_of(w.begin(), w.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
    if (digits) continue;  // ages, numbers: neither evidence nor noise
    // Not in the vocabulary: the closest known word by shared trigrams (Dice), if close enough.
    if (code_points(w) >= 4) {
      auto grams = trigrams_of(w);
      std::sort(grams.begin(), grams.end());
      grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
      thread_local std::unordered_map<uint32_t, uint16_t> shared;
      shared.clear();
      for (auto& g : grams)
        if (auto g_it = ix.trigram_terms.find(g); g_it != ix.trigram_terms.end())
          for (uint32_t t : g_it->second) ++shared[t];
      uint32_t best = 0;
      double best_dice = 0;
      for (auto& [t, c] : shared) {
        double dice = 2.0 * c / (grams.size() + ix.term_trigram_count[t]);
        if (dice > best_dice) best_dice = dice, best = t;
      }
      if (best_dice >= 0.55) {
        float weight = static_cast<float>(best_dice);
        query.push_back({best, weight});
        possible += ix.idf[best];
        continue;
      }
    }
    possible += ix.max_idf * 0.5;  // an unknown word: the message is partly about something we do not know
  }
  if (query.empty() || possible <= 0) return result;

  double qnorm = 0;
  for (auto& [t, w] : query) {
    for (const auto& p : ix.postings[t]) bm25[p.article] += w * p.weight;
    double qw = w * ix.idf[t];
    qnorm += qw * qw;
    for (const auto& p : ix.qpostings[t]) qdot[p.question] += static_cast<float>(qw * p.weight);
  }
  qnorm = std::sqrt(qnorm);
  for (auto& [t, w] : pairs)
    for (const auto& p : ix.postings[t]) bm25[p.article] += w * p.weight;
  for (size_t q = 0; q < ix.question_article.size(); ++q) {
    if (qdot[q] == 0) continue;
    uint32_t a = ix.question_article[q];
    best_q[a] = std::max(best_q[a], static_cast<float>(qdot[q] / (qnorm > 0 ? qnorm : 1)));
  }
  // Blend; the BM25 part is normalised by what the message could score at best.
  double norm = possible * kFields[0].weight * (kK1 + 1) / (kK1 + kFields[0].weight) ;
  thread_local std::vector<std::pair<float, uint32_t>> ranked;
  ranked.clear();
  for (size_t a = 0; a < n; ++a) {
    if (bm25[a] == 0 && best_q[a] == 0) continue;
    double b = std::min(1.0, bm25[a] / norm);
    double s = (1 - tuning_.question_weight) * b + tuning_.question_weight * best_q[a];
    ranked.push_back({static_cast<float>(s), static_cast<uint32_t>(a)});
  }
  if (ranked.empty()) return result;
  size_t top = std::min<size_t>(4, ranked.size());
  std::partial_sort(ranked.begin(), ranked.begin() + top, ranked.end(),
                    [](const auto& x, const auto& y) { return x.first > y.first; });
  result.article = article_ids_[ranked[0].second];
  result.score = ranked[0].first;
  for (size_t i = 1; i < top; ++i) result.alternatives.push_back(article_ids_[ranked[i].second]);
  // The evidence for the best article: the weight of the message's words it has, and of the pairs it has
  // side by side at half theirs. A two-word message whose only known word is "hours" can score high relative
  // to what it could score, and still be small talk; "how do I ask for asylum" has only common words, but
  // "ask for asylum" in that order.
  {
    uint32_t best = ranked[0].second;
    double evidence = 0;
    auto add = [&](uint32_t t, double weight) {
      for (const auto& p : ix.postings[t])
        if (p.article == best) {
          evidence += weight * ix.idf[t];
          return;
        }
    };
    for (auto& [t, w] : query) add(t, w);
    for (auto& [t, w] : pairs) add(t, 0.5);
    result.evidence = evidence / ix.unique_idf;
  }
  double second = top > 1 ? ranked[1].first : 0;
  double margin = result.score > 0 ? (result.score - second) / result.score : 0;
  if (result.score >= tuning_.confident && margin >= tuning_.margin && result.evidence >= tuning_.min_evidence)
    result.outcome = MatchResult::Outcome::kConfident;
  else if (result.score >= tuning_.close_call)
    result.outcome = MatchResult::Outcome::kCloseCall;
  else
    result.outcome = MatchResult::Outcome::kNoMatch;
  return result;
}

}  // namespace approdo
