// Browser test of the console's report pages (issue #11): people write to the real server over Telegram's
// webhook first — questions the bot cannot answer (three alike, one in Dari, one carrying <script>), questions
// it answers, a person who asks for a human and whose case is closed, one in danger — then an editor opens
// Content (gap groups, article tables, charts, CSV), a caseworker opens Reports (the help desk's charts), and
// an admin reads both on a phone in Italian. Every chart <img> must load, and its SVG is fetched and checked.
// Screenshots are kept in build/browser-artifacts/.
//
// Run by ctest (make test); alone: APPRODO_BINARY=build/approdo node --test tests/browser/reports.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { artifacts, logIn, startApprodo, until, watchProblems } from "./running_approdo.mjs";

// No digits: the gap report keeps questions with digit runs masked, and this must come back exactly.
const XSS = `<script>window.__xss = "script"</script><img src=x onerror="window.__xss = 'img'"> can I keep a dog`;
const DARI = "چطور می‌توانم دوچرخه بخرم";
const CATS = ["can I keep a pet cat in the centre", "can I keep a cat in my room", "is it allowed to have a cat"];
const CASE_CHARTS = ["cases-by-month", "first-response-by-month", "cases-by-outcome", "cases-by-language",
  "cases-by-channel", "cases-by-referral"];

let app;

before(async () => {
  app = await startApprodo([["elena", "editor", "en,it"], ["carla", "caseworker", "en,it"], ["ada", "admin", "en,it"]]);
  const written = new Map();  // chat id → messages written
  const writes = async (chat, text, lang) => {
    written.set(chat, (written.get(chat) || 0) + 1);
    await app.personWrites(chat, text, lang);
  };
  // A first message that is not a clear question gets the welcome and the language menu; the question follows.
  for (const [i, q] of CATS.entries()) await writes(5551001 + i, "hello").then(() => writes(5551001 + i, q));
  await writes(5551004, "hello");
  await writes(5551004, XSS);
  await writes(5551005, "سلام", "fa");
  await writes(5551005, DARI, "fa");
  await writes(5551006, "how do I ask for asylum");
  await writes(5551007, "I need a lawyer");
  await writes(5551008, "human");
  await writes(5551009, "they hit me, I am in danger");
  // Every turn is saved before its replies go out, so once each message has one the reports can read them.
  const replies = (chat) => app.sent.filter((r) => r.path.endsWith("/sendMessage") &&
    String(JSON.parse(r.body).chat_id) === String(chat)).length;
  await until("a reply to every message", async () => [...written].every(([chat, n]) => replies(chat) >= n));

  // The help desk answers and closes the normal case; the urgent one stays open.
  const tickets = await until("both tickets", async () => { const t = await app.tickets(); return t.length === 2 && t; });
  const normal = tickets.find((t) => t.priority === "normal");
  for (const [path, body] of [["/claim"], ["/reply", { text: "Hello, I am a caseworker." }],
    ["/close", { outcome: "asylum", referrals: ["lawyer"] }]]) {
    const r = await app.integration("POST", `/tickets/${normal.id}${path}`, body);
    assert.ok(r.status >= 200 && r.status < 300, `${path}: ${r.status} ${JSON.stringify(r.data)}`);
  }
});

after(async () => { await app?.stop(); });

// A page logged in as `name` (in the console's language `uiLang`) that must from then on work without a
// script error, a CSP refusal or a failed request (before logging in, /me answers 401).
async function pageOf(name, viewport, { uiLang = "en", ...options } = {}) {
  const page = await app.browser.newPage({ viewport, ...options });
  const problems = watchProblems(page);
  await page.goto(app.base + "/console/");
  await page.selectOption("#ui-lang", uiLang);
  await logIn(page, app.base, name);
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  page.on("requestfailed", (r) => problems.push(`failed ${r.url()}`));
  return { page, problems };
}

// The values a chart draws, from its report's JSON (the charts are described in bot/report/svg_chart.h): the
// rows of a table (without its total row) or the total row of a month table; zeros draw no bar.
function chartValues(chartId, reports) {
  const table = (id) => reports.flatMap((r) => r.tables).find((t) => t.id === id);
  const rows = (id) => table(id).rows.filter((r) => r[table(id).columns[0].id] !== "total");
  const pick = (list, cols) => list.flatMap((r) => cols.map((c) => r[c]));
  const totals = (id) => table(id).columns.slice(1).filter((c) => c.id !== "all").map((c) => table(id).rows.at(-1)[c.id]);
  const values = {
    "cases-by-month": () => pick(rows("by_month"), ["normal", "urgent"]),
    // A median of a few seconds is 0.0 minutes in the JSON but still a (thin) bar.
    "first-response-by-month": () => pick(rows("by_month"), ["first_response_median"]).map((v) => v === 0 ? 0.01 : v),
    "cases-by-outcome": () => totals("by_outcome"),
    "cases-by-language": () => totals("by_language"),
    "cases-by-channel": () => totals("by_channel"),
    "cases-by-referral": () => totals("by_referral"),
    "gaps-by-language": () => pick(rows("by_language"), ["not_understood", "did_you_mean"]),
    "article-views": () => pick(rows("by_article").slice(0, 15), ["views"]),
    "article-feedback": () => pick(rows("by_article").filter((r) => r.helpful || r.not_helpful).slice(0, 15),
      ["helpful", "not_helpful"]),
  }[chartId]();
  return values.filter((v) => v > 0).map((v) => Math.round(v * 10) / 10).sort((a, b) => a - b);
}

// Every chart of the shown reports: the <img> decoded (naturalWidth > 0) with the chart's title as its alt, and
// its URL, fetched with the page's session, an SVG image (no script in it) with a bar for each value of the
// report, each bar's <title> saying its value.
async function checkCharts(page, reports) {
  const expected = reports.flatMap((r) => r.charts);
  const shown = await page.$$eval(".chart", (figs) => figs.map((f) => f.dataset.chart));
  assert.deepEqual(shown, expected.map((c) => c.id));
  await page.waitForFunction(() => [...document.querySelectorAll(".chart img")].every((i) => i.complete && i.naturalWidth > 0),
    null, { timeout: 15000 });
  const imgs = await page.$$eval(".chart img", (list) => list.map((i) => ({ src: i.getAttribute("src"), alt: i.alt })));
  for (const [n, chart] of expected.entries()) {
    assert.deepEqual(imgs[n], { src: chart.url, alt: chart.title });
    const svg = await page.evaluate(async (src) => {
      const r = await fetch(src);
      const text = await r.text();
      const doc = new DOMParser().parseFromString(text, "image/svg+xml");
      return { status: r.status, type: r.headers.get("Content-Type"), root: doc.documentElement.localName,
        bars: [...doc.querySelectorAll("rect.bar")].map((b) => b.querySelector("title").textContent),
        scripts: doc.querySelectorAll("script, foreignObject, [onload]").length };
    }, chart.url);
    assert.equal(svg.status, 200, chart.url);
    assert.match(svg.type, /^image\/svg\+xml/);
    assert.equal(svg.root, "svg", chart.url);
    assert.equal(svg.scripts, 0);
    const drawn = svg.bars.map((title) => Number(title.slice(title.lastIndexOf(": ") + 2))).sort((a, b) => a - b);
    assert.deepEqual(drawn, chartValues(chart.id, reports), chart.id + ": " + svg.bars.join("; "));
  }
}

const groupsColumns = (gaps) => gaps.tables.find((t) => t.id === "groups").columns.map((c) => c.id);

// The reports' JSON as the page's session reads it.
function reportsJson(page, names, since) {
  return page.evaluate(async ([list, s]) =>
    Promise.all(list.map(async (n) => (await fetch(`/api/v1/reports/${n}?since=${s}`)).json())), [names, since]);
}

test("an editor reads the Content page: gap groups, articles, charts, CSV", async () => {
  const { page, problems } = await pageOf("elena", { width: 1280, height: 900 });
  await page.waitForSelector("section.report[data-report=gaps]");
  await page.waitForSelector("section.report[data-report=articles]");
  assert.equal(new URL(page.url()).hash, "#content");  // an editor's first page
  assert.deepEqual(await page.$$eval("#nav a:not([hidden])", (as) => as.map((a) => a.dataset.view)), ["content", "reports"]);
  assert.equal(await page.inputValue("#period"), "30d");

  const [gapsJson, articlesJson] = await reportsJson(page, ["gaps", "articles"], "30d");
  await checkCharts(page, [gapsJson, articlesJson]);

  // The gap examples are people's words: shown exactly as typed, as text; nothing made, nothing run.
  const groups = page.locator("[data-report=gaps] [data-table=groups]");
  assert.equal(await groups.locator("td", { hasText: "<script>" }).textContent(), XSS);
  assert.equal(await page.locator("#reports script, #reports table img").count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await groups.locator("td", { hasText: DARI }).evaluate((e) => getComputedStyle(e).direction), "rtl");
  // The three questions about a cat are one group of three, with its examples; the page shows every group.
  const groupRows = gapsJson.tables.find((t) => t.id === "groups").rows;
  const cats = groupRows.filter((r) => r.example_1.includes("cat"));
  assert.equal(cats.length, 1, JSON.stringify(groupRows));
  assert.equal(cats[0].questions, 3);
  assert.equal(await groups.locator("tbody tr").count(), groupRows.length);
  const catRow = groups.locator("tbody tr", { hasText: cats[0].example_1 });
  assert.deepEqual(await catRow.locator("td").allTextContents(), groupsColumns(gapsJson).map((c) => String(cats[0][c])));

  // Articles: what was answered is counted, per article and per language; the translations table is there.
  const byArticle = page.locator("[data-report=articles] [data-table=by_article]");
  for (const article of ["asylum-application", "free-legal-help"]) {
    const cells = await byArticle.locator("tbody tr", { has: page.locator(`td:text-is("${article}")`) }).locator("td").allTextContents();
    assert.equal(cells[2], "1", article + ": " + cells.join(" | "));  // views
  }
  assert.equal(await page.locator("[data-report=articles] [data-table=usage] tbody tr").count(),
    articlesJson.tables.find((t) => t.id === "usage").rows.length);
  assert.ok(await page.locator("[data-report=articles] [data-table=translations] tbody tr").count() > 0);

  // The CSV is a download of the same period.
  const csv = await page.locator("[data-report=gaps] a.csv").getAttribute("href");
  assert.equal(csv, "/api/v1/reports/gaps.csv?since=30d");
  const download = await page.evaluate(async (href) => {
    const r = await fetch(href);
    return { status: r.status, disposition: r.headers.get("Content-Disposition"), type: r.headers.get("Content-Type") };
  }, csv);
  assert.equal(download.status, 200);
  assert.match(download.disposition, /^attachment/);
  await page.screenshot({ path: join(artifacts, "5-content.png"), fullPage: true });

  // Another period: the reports are fetched again and the charts follow.
  await page.selectOption("#period", "90d");
  await page.waitForSelector("[data-report=gaps] a.csv[href$='since=90d']");
  await until("the charts of 90 days", async () =>
    (await page.$$eval(".chart img", (imgs) => imgs.every((i) => i.getAttribute("src").endsWith("since=90d")))));
  await checkCharts(page, await reportsJson(page, ["gaps", "articles"], "90d"));
  assert.deepEqual(problems, []);
  await page.close();
});

test("a caseworker reads the help desk's Reports page", async () => {
  const { page, problems } = await pageOf("carla", { width: 1280, height: 900 });
  await page.waitForSelector("#queue li.ticket");  // a caseworker starts on the queue
  assert.deepEqual(await page.$$eval("#nav a:not([hidden])", (as) => as.map((a) => a.dataset.view)), ["queue", "reports"]);
  await page.click("#nav a[data-view=reports]");
  await page.waitForSelector("section.report[data-report=cases]");
  assert.equal(await page.locator("#work-view").isVisible(), false);
  assert.equal(await page.inputValue("#period"), "365d");
  const [json] = await reportsJson(page, ["cases"], "365d");
  assert.deepEqual(json.charts.map((c) => c.id), CASE_CHARTS);
  await checkCharts(page, [json]);

  // Two cases this month: one normal (closed, answered), one urgent from the safety triage (open).
  const month = page.locator("[data-report=cases] [data-table=by_month] tbody tr.total td");
  const total = Object.fromEntries(json.tables[0].columns.map((c, i) => [c.id, i]));
  const cells = await month.allTextContents();
  assert.deepEqual([cells[total.opened], cells[total.urgent], cells[total.closed], cells[total.safety_triage],
    cells[total.answered]], ["2", "1", "1", "1", "1"]);
  // The tables as the API gives them; in the console counts are exact, so nothing shows as "<5".
  for (const t of json.tables) {
    const rows = page.locator(`[data-report=cases] [data-table="${t.id}"] tbody tr`);
    assert.equal(await rows.count(), Math.max(1, t.rows.length), t.id);
  }
  assert.equal(await page.locator("[data-report=cases] td.suppressed").count(), 0);
  assert.equal(await page.locator("[data-report=cases] a.csv").getAttribute("href"), "/api/v1/reports/cases.csv?since=365d");
  await page.screenshot({ path: join(artifacts, "6-reports.png"), fullPage: true });

  // Back to the queue: it still works.
  await page.click("#nav a[data-view=queue]");
  await page.waitForSelector("#queue li.ticket");
  assert.equal(await page.locator("#report-view").isVisible(), false);
  assert.deepEqual(problems, []);
  await page.close();
});

test("the report pages on a phone, in Italian", async () => {
  const { page, problems } = await pageOf("ada", { width: 390, height: 844 }, { uiLang: "it", isMobile: true, hasTouch: true });
  assert.deepEqual(await page.$$eval("#nav a:not([hidden])", (as) => as.map((a) => a.textContent)),
    ["Coda", "Contenuti", "Rapporti"]);
  for (const [view, report, shot] of [["content", "gaps", "7-phone-content.png"], ["reports", "cases", "8-phone-reports.png"]]) {
    await page.click(`#nav a[data-view=${view}]`);
    await page.waitForSelector(`section.report[data-report=${report}]`);
    await page.waitForFunction(() => [...document.querySelectorAll(".chart img")].every((i) => i.complete && i.naturalWidth > 0));
    assert.equal(await page.textContent("#period option:checked"), view === "content" ? "Ultimi 30 giorni" : "Ultimi 12 mesi");
    // Nothing wider than the screen: wide tables scroll inside their own box.
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
    await page.screenshot({ path: join(artifacts, shot), fullPage: true });
  }
  assert.equal(await page.textContent("#report-title"), "Rapporti dello sportello");
  assert.deepEqual(problems, []);
  await page.close();
});
