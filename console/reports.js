// The console's two report pages, filled from /api/v1/reports (see openapi.yaml):
//   Content  (read_stats: editors, admins)  questions the bot could not answer, article use and "did this
//            help?", missing or stale translations
//   Reports  (read_case_reports: everyone)  cases by month, outcome, language, channel, referral; first
//            responses and SLA; tickets opened by the safety triage
// Each report shows the server's SVG charts as <img> (an image cannot run script), its tables rendered from
// the columns' kinds, and a CSV download. The gap examples are people's own words: like every other text they
// reach the page through textContent only, with dir="auto". Uses el(), api() from console.js and t() from i18n.js.
"use strict";

const REPORT_PAGES = {
  content: { reports: ["gaps", "articles"], period: "30d" },
  reports: { reports: ["cases"], period: "365d" },
};

let reportPage = null;
let reportLoads = 0;  // answers to an older load (another page or period chosen since) are dropped

function showReportPage(page) {
  reportPage = page;
  $("report-title").textContent = t(page + "_title");
  $("report-intro").textContent = t(page + "_intro");
  $("period").value = REPORT_PAGES[page].period;
  return loadReports();
}

async function loadReports() {
  const page = REPORT_PAGES[reportPage];
  const since = $("period").value;
  page.period = since;
  const load = ++reportLoads;
  $("reports").setAttribute("aria-busy", "true");
  const answers = await Promise.all(page.reports.map((name) =>
    api("GET", "/reports/" + name + "?since=" + encodeURIComponent(since))));
  if (load !== reportLoads) return;
  $("reports").replaceChildren(...answers.map((r, i) => r.ok ? renderReport(r.data) :
    el("p", { class: "error", role: "alert", text: t("report_failed", { name: page.reports[i], why: r.data.error || r.status }) })));
  $("reports").removeAttribute("aria-busy");
}

// A title the server wrote in English; the Italian console has its own words for the ids it knows.
function serverTitle(key, title) {
  return (CONSOLE_WORDS[consoleLanguage] || {})[key] ?? title;
}

// The case report's per-outcome and per-referral tables have a column per outcome or referral kind, titled
// with its id: the console names them as its close form does.
const COLUMN_WORDS = { by_outcome: "outcome_", by_referral: "referral_" };

function columnTitle(table, column) {
  const prefix = COLUMN_WORDS[table.id];
  if (prefix && CONSOLE_WORDS.en[prefix + column.id]) return t(prefix + column.id);
  return serverTitle("column:" + column.id, column.title);
}

function shortDate(isoDay) {
  return new Date(isoDay + "T00:00:00Z").toLocaleDateString(consoleLocale(), { timeZone: "UTC", dateStyle: "medium" });
}

function renderReport(report) {
  return el("section", { class: "report", "data-report": report.report },
    el("header", { class: "report-title" },
      el("h2", { text: serverTitle("report:" + report.report, report.title) }),
      el("span", { class: "muted", text: t("report_period", { since: shortDate(report.since), until: shortDate(report.until) }) }),
      el("a", { class: "csv", href: report.csv_url, download: "", text: t("download_csv") }),
      report.report === "cases" ? el("span", { class: "muted", text: t("csv_suppressed") }) : null),
    el("div", { class: "charts" }, ...report.charts.map(chartFigure)),
    ...report.tables.map((table) => reportTable(report.report, table)));
}

function chartFigure(chart) {
  const title = serverTitle("chart:" + chart.id, chart.title);
  const figure = el("figure", { class: "chart", "data-chart": chart.id });
  // Only our own chart route: the page never loads an image from anywhere a report could point it to.
  if (!chart.url.startsWith("/api/v1/reports/charts/")) return figure;
  const img = el("img", { src: chart.url, alt: title });
  img.addEventListener("error", () => figure.append(el("p", { class: "error", text: t("chart_failed") })));
  figure.append(img, el("figcaption", { text: title }));
  return figure;
}

function reportTable(reportId, table) {
  const columns = table.columns;
  const rows = table.rows.map((row) => el("tr", {}, ...columns.map((c) => reportCell(c, row[c.id]))));
  // A month table ends with the period's total ("total" in its first column).
  const last = table.rows[table.rows.length - 1];
  if (last && columns.length && last[columns[0].id] === "total") {
    rows[rows.length - 1].className = "total";
    rows[rows.length - 1].firstChild.textContent = t("total");
  }
  if (rows.length === 0)
    rows.push(el("tr", {}, el("td", { colspan: String(columns.length), class: "muted", text: t("report_empty") })));
  return el("div", { class: "table-wrap", "data-table": table.id },
    el("table", { class: "report-table" },
      el("caption", { text: serverTitle("table:" + reportId + "." + table.id, table.title) }),
      el("thead", {}, el("tr", {}, ...columns.map((c) =>
        el("th", { scope: "col", class: c.kind === "text" ? "" : "num", text: columnTitle(table, c) })))),
      el("tbody", {}, ...rows)));
}

function reportCell(column, value) {
  // null: a count too small to show outside the help desk, or a statistic (a median, a share) of nothing.
  if (value === null)
    return column.kind === "count" ? el("td", { class: "num suppressed", title: t("suppressed"), text: "<5" })
      : el("td", { class: "num muted", title: t("no_value"), text: "—" });
  if (value === undefined) return el("td", {});
  if (column.kind === "text") return el("td", { dir: "auto", text: String(value) });
  return el("td", { class: "num", text: formatValue(column.kind, value) });
}

function formatValue(kind, value) {
  const locale = consoleLocale();
  if (kind === "minutes") return minutes(value);
  if (kind === "percent") return new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(value / 100);
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value);
}
