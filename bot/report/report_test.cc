// The report module on hand-made rows: periods, suppression, the three forms, grouping, case figures, charts.
// The same reports built from real traffic through the whole pipeline: tests/report_test.cc.
#include <doctest/doctest.h>

#include <regex>

#include "bot/report/article_report.h"
#include "bot/report/case_report.h"
#include "bot/report/gap_report.h"
#include "bot/report/svg_chart.h"

namespace approdo::report {
namespace {

constexpr int64_t kDay = 24LL * 3600 * 1000;
constexpr int64_t kMinute = 60 * 1000;
const int64_t kNow = 1795000000000;  // 2026-11-18T11:06:40Z

Period days(int n) {
  std::string error;
  auto p = parse_period(std::to_string(n) + "d", kNow, &error);
  REQUIRE_MESSAGE(p, error);
  return *p;
}

TEST_CASE("report period: days, weeks and dates; clear refusals") {
  std::string error;
  auto p = parse_period("30d", kNow, &error);
  REQUIRE(p);
  CHECK(p->until_day == "2026-11-18");
  CHECK(p->since_day == "2026-10-20");  // today and the 29 days before
  CHECK(p->since_ms % kDay == 0);
  CHECK(parse_period("2w", kNow, &error)->since_day == "2026-11-05");
  CHECK(parse_period("2026-01-31", kNow, &error)->since_day == "2026-01-31");
  CHECK(parse_period("1d", kNow, &error)->since_day == "2026-11-18");
  for (const char* bad : {"", "d", "0d", "-3d", "30", "30m", "2026-02-30", "2026-13-01", "2027-01-01", "1990-01-01",
                          "99999999999999999999d", "2026-1-1"}) {
    error.clear();
    CHECK_MESSAGE(!parse_period(bad, kNow, &error), bad);
    CHECK_MESSAGE(!error.empty(), bad);
  }
  CHECK(utc_month(kNow) == "2026-11");
}

Report small_report() {
  Table t{"t", "T", {{"k", "K", ColumnKind::kText}, {"all", "All", ColumnKind::kCount},
                     {"a", "A", ColumnKind::kCount}, {"b", "B", ColumnKind::kCount}, {"c", "C", ColumnKind::kCount},
                     {"median", "Median", ColumnKind::kMinutes}},
          {}, {{1, {2, 3, 4}}}, -1};
  auto n = [](double v) { return Cell::number(v); };
  t.rows.push_back({Cell::label("x"), n(20), n(3), n(9), n(8), Cell::statistic(12.5, 20)});
  t.rows.push_back({Cell::label("y"), n(12), n(2), n(3), n(7), Cell::statistic(40, 4)});
  t.rows.push_back({Cell::label("z"), n(30), n(10), n(10), n(10), Cell::statistic(std::nullopt, 0)});
  t.rows.push_back({Cell::label("total"), n(62), n(15), n(22), n(25), Cell::statistic(20, 24)});
  t.total_row = 3;
  return Report{"r", "R", "2026-11-01", "2026-11-19", 0, {t}};
}

TEST_CASE("small cells: counts under 5 hidden, and a second cell so the first cannot be worked out") {
  Report r = small_report();
  suppress_small_cells(r, 5);
  const Table& t = r.tables[0];
  auto hidden = [&](int row, int col) { return t.rows[row][col].suppressed; };
  // Row x: a=3 hidden; all=20 shown, so the smallest other part (c=8) is hidden too. Column c then has one
  // hidden cell under a shown total: y's 7 goes; and so on until no group has exactly one hidden cell.
  CHECK(hidden(0, 2));
  CHECK(hidden(0, 4));
  CHECK(hidden(1, 4));
  CHECK(!hidden(0, 1));
  // Row y: a=2 and b=3 hidden: two hidden already, nothing more in the row...
  CHECK(hidden(1, 2));
  CHECK(hidden(1, 3));
  // ...and the median of 4 cases is hidden.
  CHECK(hidden(1, 5));
  CHECK(!hidden(0, 5));
  // Row z: nothing small.
  for (int c = 1; c <= 4; ++c) CHECK(!hidden(2, c));
  // No visible total minus visible parts gives a hidden cell back, in rows or columns.
  for (const auto& row : t.rows) {
    int parts_hidden = 0;
    for (int c : {2, 3, 4}) parts_hidden += row[c].suppressed;
    CHECK(parts_hidden != 1);
  }
  for (int c = 1; c <= 4; ++c) {
    int column_hidden = 0;
    for (int row = 0; row < 3; ++row) column_hidden += t.rows[row][c].suppressed;
    CHECK_MESSAGE(column_hidden != 1, "column " << c);
  }
  // Every visible count is at least 5.
  for (const auto& row : t.rows)
    for (int c = 1; c <= 4; ++c)
      if (!row[c].suppressed) CHECK(*row[c].value >= 5);

  // Exact: nothing hidden.
  Report exact = small_report();
  suppress_small_cells(exact, 0);
  for (const auto& row : exact.tables[0].rows)
    for (const auto& cell : row) CHECK(!cell.suppressed);
}

TEST_CASE("report forms: text, CSV (quoted, formulas defused), JSON (hidden cells are null)") {
  Report r = small_report();
  r.tables[0].rows[0][0].text = "=HYPERLINK(\"http://x\"),\n\"quoted\"";
  suppress_small_cells(r, 5);
  std::string csv = render_csv(r);
  CHECK(csv.find("# t: T\r\n") == 0);
  CHECK(csv.find("k,all,a,b,c,median\r\n") != std::string::npos);
  CHECK(csv.find("\"'=HYPERLINK(\"\"http://x\"\"), \"\"quoted\"\"\",20,<5,<5,<5,12.5\r\n") != std::string::npos);
  CHECK(render_csv(r, "t").find("k,all") == 0);
  CHECK(render_csv(r, "nothing").empty());

  auto j = nlohmann::json::parse(render_json(r));
  CHECK(j["suppressed_below"] == 5);
  auto row = j["tables"][0]["rows"][1];
  CHECK(row["k"] == "y");
  CHECK(row["all"] == 12);
  CHECK(row["a"].is_null());
  CHECK(row["median"].is_null());
  CHECK(j["tables"][0]["rows"][0]["median"] == 12.5);
  CHECK(j["tables"][0]["columns"][5]["kind"] == "minutes");

  std::string text = render_text(r);
  CHECK(text.find("counts under 5 are shown as <5") != std::string::npos);
  CHECK(text.find("\n") != std::string::npos);
  CHECK(text.find("HYPERLINK(\"http://x\"), \"quoted\"") != std::string::npos);  // one line per row
}

UnmatchedRecord q(const std::string& lang, const std::string& text, const char* outcome = "no_match") {
  return {lang, text, outcome, kNow};
}

TEST_CASE("gap report: similar questions grouped per language, biggest first, with counts and examples") {
  std::vector<UnmatchedRecord> rows = {
      q("en", "how do I get a bus pass"),     q("en", "bus pass for students"),
      q("en", "How do I get a bus pass?"),     q("en", "where can I buy a bus pass", "close_call"),
      q("en", "can I play football"),          q("en", "football team near me"),
      q("en", "my phone is broken"),           q("fr", "abonnement de bus pour étudiants"),
      q("fr", "comment avoir un abonnement de bus"), q("fa", "کارت اتوبوس چطور بگیرم"),
      q("fa", "کارت اتوبوس"),
  };
  Report r = gap_report(rows, days(30));
  const Table& by_lang = *r.table("by_language");
  REQUIRE(by_lang.rows.size() == 3);
  CHECK(by_lang.rows[0][0].text == "en");
  CHECK(*by_lang.rows[0][1].value == 7);
  CHECK(*by_lang.rows[0][2].value == 6);
  CHECK(*by_lang.rows[0][3].value == 1);
  CHECK(*by_lang.rows[0][4].value == 3);  // bus pass, football, phone
  CHECK(*by_lang.rows[1][4].value == 1);  // fr: one group
  CHECK(*by_lang.rows[2][4].value == 1);  // fa: one group

  const Table& groups = *r.table("groups");
  REQUIRE(groups.rows.size() == 5);
  const auto& top = groups.rows[0];
  CHECK(top[0].text == "en");
  CHECK(*top[1].value == 4);
  CHECK(*top[2].value == 3);
  CHECK(*top[3].value == 1);
  CHECK(top[4].text.find("bus") != std::string::npos);
  CHECK(top[4].text.find("pass") != std::string::npos);
  CHECK(top[5].text == "how do I get a bus pass");  // asked twice (once with a capital and "?"): first
  CHECK(!top[6].text.empty());
  CHECK(*groups.rows[1][1].value == 2);  // then the two-question groups
  CHECK(*groups.rows.back()[1].value == 1);
  // The same questions give the same groups.
  CHECK(render_csv(gap_report(rows, days(30))) == render_csv(r));
  // Nothing asked: empty tables, not an error.
  Report none = gap_report({}, days(30));
  CHECK(none.table("groups")->rows.empty());
}

CaseRecord case_at(int64_t opened, const char* priority, const char* reason, const char* lang, const char* channel,
                   int64_t response_after_min, const char* outcome = "", const char* referrals = "",
                   const char* category = "") {
  CaseRecord c;
  c.opened_at = opened;
  c.first_response_at = response_after_min >= 0 ? opened + response_after_min * kMinute : 0;
  c.closed_at = *outcome ? opened + 120 * kMinute : 0;
  c.priority = priority;
  c.reason = reason;
  c.lang = lang;
  c.channel = channel;
  c.outcome = outcome;
  c.referrals = referrals;
  c.category = category;
  return c;
}

TEST_CASE("case report: per month by urgency, outcome, language, channel, referral; response times and SLA") {
  const int64_t oct = kNow - 30 * kDay;  // 2026-10-20
  std::vector<CaseRecord> cases = {
      case_at(oct, "urgent", "urgent", "fa", "whatsapp", 5, "age_assessment", "lawyer,guardian", "violence"),
      case_at(oct + kMinute, "normal", "asked", "fa", "whatsapp", 90, "documents", "lawyer"),
      case_at(oct + 2 * kMinute, "normal", "misses", "ar", "telegram", -1, "other"),  // closed unanswered
      case_at(kNow - 2 * kDay, "urgent", "urgent", "uk", "twilio", 10, "", "", "trafficking"),
      case_at(kNow - kDay, "normal", "asked", "fa", "webchat", -1),         // still waiting, past the SLA
      case_at(kNow - 10 * kMinute, "normal", "asked", "en", "webchat", -1),  // waiting, not yet late
  };
  Report r = case_report(cases, days(60), 60, kNow);
  const Table& m = *r.table("by_month");
  REQUIRE(m.rows.size() == 4);  // 2026-09 (the period starts there), 2026-10, 2026-11, total
  auto cell = [&](const Table& t, std::size_t row, const char* col) { return t.rows[row][t.column(col)]; };
  CHECK(cell(m, 0, "month").text == "2026-09");
  CHECK(*cell(m, 0, "opened").value == 0);
  CHECK(cell(m, 1, "month").text == "2026-10");
  CHECK(*cell(m, 1, "opened").value == 3);
  CHECK(*cell(m, 1, "urgent").value == 1);
  CHECK(*cell(m, 1, "normal").value == 2);
  CHECK(*cell(m, 1, "closed").value == 3);
  CHECK(*cell(m, 1, "safety_triage").value == 1);
  CHECK(*cell(m, 1, "answered").value == 2);
  CHECK(*cell(m, 1, "first_response_median").value == 5);  // of 5 and 90 minutes: nearest rank
  CHECK(*cell(m, 1, "first_response_p90").value == 90);
  CHECK(*cell(m, 1, "sla_breaches").value == 2);  // 90 minutes; closed unanswered after 120
  CHECK(*cell(m, 2, "opened").value == 3);
  CHECK(*cell(m, 2, "open").value == 3);
  CHECK(*cell(m, 2, "sla_breaches").value == 1);  // waiting a day; the 10-minute one is not late yet
  CHECK(cell(m, 3, "month").text == "total");
  CHECK(*cell(m, 3, "opened").value == 6);
  CHECK(*cell(m, 3, "answered").value == 3);
  CHECK(*cell(m, 3, "first_response_median").value == 10);

  const Table& outcome = *r.table("by_outcome");
  CHECK(*cell(outcome, 1, "age_assessment").value == 1);
  CHECK(*cell(outcome, 1, "other").value == 1);
  CHECK(*cell(outcome, 2, "open").value == 3);
  CHECK(*cell(outcome, 3, "all").value == 6);
  const Table& lang = *r.table("by_language");
  CHECK(*cell(lang, 3, "fa").value == 3);
  CHECK(*cell(lang, 3, "it").value == 0);
  const Table& channel = *r.table("by_channel");
  CHECK(*cell(channel, 3, "webchat").value == 2);
  const Table& referral = *r.table("by_referral");
  CHECK(*cell(referral, 1, "lawyer").value == 2);
  CHECK(*cell(referral, 1, "guardian").value == 1);
  const Table& triage = *r.table("triage_by_category");
  CHECK(*cell(triage, 1, "violence").value == 1);
  CHECK(*cell(triage, 2, "trafficking").value == 1);

  // For institutions: every count under 5 hidden, nothing derivable.
  suppress_small_cells(r, 5);
  for (const auto& t : r.tables)
    for (const auto& row : t.rows)
      for (std::size_t i = 0; i < t.columns.size(); ++i)
        if (t.columns[i].kind == ColumnKind::kCount && !row[i].suppressed) CHECK(*row[i].value >= 5);
  CHECK(cell(*r.table("by_month"), 3, "opened").value == 6);
  CHECK(!cell(*r.table("by_month"), 3, "opened").suppressed);
  CHECK(cell(*r.table("by_month"), 3, "first_response_median").suppressed);  // 3 answered
}

TEST_CASE("article report: views and feedback per article and language; missing, stale and unreviewed text") {
  Content content;
  Article a;
  a.id = "age-assessment";
  a.text["en"] = ArticleText{"Age", "s", "", "2026-10-01", {}, {}, false};
  a.text["fa"] = ArticleText{"سن", "s", "", "2026-09-01", {}, {}, true};
  Article b;
  b.id = "school";
  b.text["en"] = ArticleText{"School", "s", "", "2026-10-01", {}, {}, false};
  content.articles = {a, b};
  content.index_ids();
  std::vector<ArticleUsage> usage = {{"age-assessment", "fa", 7, 3, 1}, {"age-assessment", "en", 2, 0, 0},
                                     {"gone", "en", 1, 0, 0}};
  Report r = article_report(usage, content, days(30));
  const Table& by = *r.table("by_article");
  REQUIRE(by.rows.size() == 3);
  CHECK(by.rows[0][0].text == "age-assessment");
  CHECK(by.rows[0][1].text == "Age");
  CHECK(*by.rows[0][by.column("views")].value == 9);
  CHECK(*by.rows[0][by.column("helpful")].value == 3);
  CHECK(*by.rows[0][by.column("helpful_share")].value == 75);
  CHECK(by.rows[1][0].text == "gone");
  CHECK(by.rows[2][0].text == "school");
  CHECK(*by.rows[2][by.column("views")].value == 0);
  CHECK(!by.rows[2][by.column("helpful_share")].value);
  CHECK(r.table("usage")->rows.size() == 3);

  const Table& tr = *r.table("translations");
  auto has = [&](const char* article, const char* lang, const char* status) {
    for (const auto& row : tr.rows)
      if (row[0].text == article && row[1].text == lang && row[2].text == status) return true;
    return false;
  };
  CHECK(has("age-assessment", "fa", "stale"));
  CHECK(has("age-assessment", "fa", "native_review"));
  CHECK(has("age-assessment", "fr", "missing"));
  CHECK(has("school", "fa", "missing"));
  CHECK(!has("age-assessment", "en", "stale"));
}

TEST_CASE("charts: standalone SVG, one bar per value, labels escaped, hidden values drawn as none") {
  std::vector<CaseRecord> cases;
  for (int i = 0; i < 7; ++i)
    cases.push_back(case_at(kNow - (i + 1) * kMinute, i < 2 ? "urgent" : "normal", "asked", "fa", "telegram", 3,
                            i < 6 ? "documents" : "health"));
  Report r = case_report(cases, days(30), 60, kNow);
  for (const auto& c : charts_of("cases")) {
    auto svg = render_chart(r, c.id);
    REQUIRE_MESSAGE(svg, c.id);
    CHECK(svg->rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0) == 0);
    CHECK(svg->find("<script") == std::string::npos);
    CHECK(svg->find("<title>" + c.title + "</title>") != std::string::npos);
  }
  auto count_bars = [](const std::string& svg) {
    std::size_t n = 0;
    for (std::size_t at = 0; (at = svg.find("class=\"bar\"", at)) != std::string::npos; ++at) ++n;
    return n;
  };
  CHECK(count_bars(*render_chart(r, "cases-by-month")) == 2);    // one month: normal + urgent segments
  CHECK(count_bars(*render_chart(r, "cases-by-outcome")) == 2);  // documents, health
  CHECK(render_chart(r, "cases-by-outcome")->find("<title>documents: 6</title>") != std::string::npos);
  CHECK(!render_chart(r, "no-such-chart"));

  suppress_small_cells(r, 5);
  std::string hidden = *render_chart(r, "cases-by-outcome");
  CHECK(count_bars(hidden) == 1);  // documents 6 drawn; health 1 hidden...
  CHECK(hidden.find("&lt;5") != std::string::npos);  // ...and labelled <5
  CHECK(hidden.find("<title>health") == std::string::npos);

  // A label from the data (a channel's name) is escaped.
  cases.push_back(case_at(kNow - kMinute, "normal", "asked", "fa", "<script>alert(1)</script>&\"", 3));
  std::string svg = *render_chart(case_report(cases, days(30), 60, kNow), "cases-by-channel");
  CHECK(svg.find("<script>") == std::string::npos);
  CHECK(svg.find("&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;") != std::string::npos);
  CHECK(count_bars(*render_chart(gap_report({q("en", "x")}, days(30)), "gaps-by-language")) == 1);
  Report empty = gap_report({}, days(30));
  CHECK(render_chart(empty, "gaps-by-language")->find("No data in this period") != std::string::npos);
}

}  // namespace
}  // namespace approdo::report
