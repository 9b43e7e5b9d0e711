#include "bot/report/article_report.h"

#include <algorithm>
#include <map>

#include "bot/core/language.h"

namespace approdo::report {
namespace {

std::vector<Column> usage_columns() {
  return {{"views", "Views", ColumnKind::kCount},
          {"helpful", "Helped", ColumnKind::kCount},
          {"not_helpful", "Did not help", ColumnKind::kCount},
          {"helpful_share", "Helped (% of answers)", ColumnKind::kPercent}};
}

void add_usage(std::vector<Cell>& row, int64_t views, int64_t helpful, int64_t not_helpful) {
  int64_t answered = helpful + not_helpful;
  row.push_back(Cell::number(static_cast<double>(views)));
  row.push_back(Cell::number(static_cast<double>(helpful)));
  row.push_back(Cell::number(static_cast<double>(not_helpful)));
  row.push_back(Cell::statistic(answered ? std::optional<double>(100.0 * static_cast<double>(helpful) /
                                                                  static_cast<double>(answered))
                                         : std::nullopt,
                                answered));
}

std::string title_of(const Article& a) {
  if (const ArticleText* en = a.in(std::string(kFallbackLanguage))) return en->title;
  return a.text.empty() ? a.id : a.text.begin()->second.title;
}

}  // namespace

Report article_report(const std::vector<ArticleUsage>& usage, const Content& content, const Period& period) {
  Report r{"articles", "Articles: reading, feedback and translations", period.since_day, period.until_day, 0, {}};

  struct Sum {
    int64_t views = 0, helpful = 0, not_helpful = 0;
  };
  std::map<std::string, Sum> per_article;
  for (const auto& u : usage) {
    Sum& s = per_article[u.article];
    s.views += u.views;
    s.helpful += u.helpful;
    s.not_helpful += u.not_helpful;
  }
  Table by_article{"by_article",
                   "Articles, most read first",
                   {{"article", "Article", ColumnKind::kText}, {"title", "Title", ColumnKind::kText}},
                   {},
                   {},
                   -1};
  for (auto c : usage_columns()) by_article.columns.push_back(std::move(c));
  std::vector<std::pair<std::string, std::string>> ids;  // id, title: every article, and any gone since
  for (const auto& a : content.articles) ids.emplace_back(a.id, title_of(a));
  for (const auto& [id, sum] : per_article)
    if (!content.find(id)) ids.emplace_back(id, "(no longer in the knowledge base)");
  std::stable_sort(ids.begin(), ids.end(), [&](const auto& a, const auto& b) {
    return per_article[a.first].views > per_article[b.first].views;
  });
  for (const auto& [id, title] : ids) {
    const Sum& s = per_article[id];
    std::vector<Cell> row{Cell::label(id), Cell::label(title)};
    add_usage(row, s.views, s.helpful, s.not_helpful);
    by_article.rows.push_back(std::move(row));
  }

  Table per_lang{"usage",
                 "Per article and language",
                 {{"article", "Article", ColumnKind::kText}, {"lang", "Language", ColumnKind::kText}},
                 {},
                 {},
                 -1};
  for (auto c : usage_columns()) per_lang.columns.push_back(std::move(c));
  for (const auto& u : usage) {
    std::vector<Cell> row{Cell::label(u.article), Cell::label(u.lang)};
    add_usage(row, u.views, u.helpful, u.not_helpful);
    per_lang.rows.push_back(std::move(row));
  }

  Table translations{"translations",
                     "Translations missing, stale or waiting for a native review",
                     {{"article", "Article", ColumnKind::kText},
                      {"lang", "Language", ColumnKind::kText},
                      {"status", "Status", ColumnKind::kText},
                      {"detail", "Detail", ColumnKind::kText}},
                     {},
                     {},
                     -1};
  for (const auto& a : content.articles) {
    const ArticleText* en = a.in(std::string(kFallbackLanguage));
    for (auto l : kKnownLanguages) {
      std::string lang(l);
      const ArticleText* x = a.in(lang);
      auto add = [&](const char* status, std::string detail) {
        translations.rows.push_back(
            {Cell::label(a.id), Cell::label(lang), Cell::label(status), Cell::label(std::move(detail))});
      };
      if (!x) {
        bool required = std::find(kRequiredLanguages.begin(), kRequiredLanguages.end(), l) != kRequiredLanguages.end();
        add("missing", required ? "required language" : "optional language");
        continue;
      }
      if (a.is_stale(lang))
        add("stale", lang + " text of " + x->updated + ", English text of " + en->updated);
      if (x->native_review_needed) add("native_review", "machine-assisted or non-native translation");
    }
  }
  r.tables.push_back(std::move(by_article));
  r.tables.push_back(std::move(per_lang));
  r.tables.push_back(std::move(translations));
  return r;
}

}  // namespace approdo::report
