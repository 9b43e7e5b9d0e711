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
const CASE_CHARTS = ["cases-by-month", "cases-by-outcome", "cases-by-language", "cases-by-channel",
  "cases-by-referral", "first-response-by-month"];
const CONTENT_CHARTS = ["gaps-by-language", "article-views", "article-feedback"];

let app;

before(async () => {
  app = await startApprodo([["elena", "editor", "en,it"], ["carla", "caseworker", "en,it"], ["ada", "admin", "en,it"]]);
  const people = [];
  const writes = async (chat, text, lang) => { people.push(chat); await app.personWrites(chat, text, lang); };
  for (const [i, q] of CATS.entries()) await writes(5551001 + i, q);
  await writes(5551004, XSS);
  await writes(5551005, DARI, "fa");
  await writes(5551006, "how do I ask for asylum");
  await writes(5551007, "I need a lawyer");
  await writes(5551008, "human");
  await writes(5551009, "they hit me, I am in danger");
  // Every turn is saved before its reply goes out, so once everyone has an answer the reports can read them.
  await until("a reply to everyone", async () => people.every((chat) =>
    app.sent.some((r) => r.path.endsWith("/sendMessage") && String(JSON.parse(r.body).chat_id) === String(chat))));

  // The help desk answers and closes the normal case; the urgent one stays open.
  const tickets = await until("both tickets", async () => { const t = await app.tickets(); return t.length === 2 && t; });
  const normal = tickets.find((t) => t.priority === "normal");
  for (const [path, body] of [["/claim"], ["/reply", { text: "Hello, I am a caseworker." }],
    ["/close", { outcome: "asylum", referrals: ["lawyer"] }]]) {
    const r = await app.integration("POST", `/tickets/${normal.id}${path}`, body);
    assert.equal(r.status, 200, JSON.stringify(r.data));
  }
});

after(async () => { await app?.stop(); });

// Opens a page that must load without a script error, a CSP refusal or a failed request.
async function newPage(viewport, extra) {
  const page = await app.browser.newPage({ viewport, ...extra });
  const problems = watchProblems(page);
  page.on("response", (r) => { if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`); });
  page.on("requestfailed", (r) => problems.push(`failed ${r.url()}`));
  return { page, problems };
}

// Every chart of the shown reports: the <img> decoded (naturalWidth > 0) with the chart's title as its alt, and
// its URL, fetched with the page's session, an SVG image with a bar (<rect>) for each value.
async function checkCharts(page, ids) {
  const shown = await page.$$eval(".chart", (figs) => figs.map((f) => f.dataset.chart));
  assert.deepEqual(shown.sort(), [...ids].sort());
  await page.waitForFunction(() => [...document.querySelectorAll(".chart img")].every((i) => i.complete && i.naturalWidth > 0),
    null, { timeout: 15000 });
  const charts = await page.$$eval(".chart img", (imgs) => imgs.map((i) => ({
    src: i.getAttribute("src"), alt: i.alt, caption: i.parentElement.querySelector("figcaption").textContent })));
  for (const c of charts) {
    assert.equal(c.alt, c.caption);
    assert.ok(c.alt.length > 0);
    const svg = await page.evaluate(async (src) => {
      const r = await fetch(src);
      const text = await r.text();
      const doc = new DOMParser().parseFromString(text, "image/svg+xml");
      return { status: r.status, type: r.headers.get("Content-Type"), text,
        root: doc.documentElement.localName, rects: doc.querySelectorAll("rect").length,
        scripts: doc.querySelectorAll("script, foreignObject").length };
    }, c.src);
    assert.equal(svg.status, 200, c.src);
    assert.match(svg.type, /^image\/svg\+xml/);
    assert.equal(svg.root, "svg", c.src);
    assert.ok(svg.text.trimStart().startsWith("<svg") || svg.text.includes("<svg"), c.src);
    assert.equal(svg.scripts, 0);
    assert.ok(svg.rects > 0, c.src + " has no bar");
  }
  return charts;
}

// The report's JSON as the page's session reads it.
function reportJson(page, name, since) {
  return page.evaluate(async ([n, s]) => (await fetch(`/api/v1/reports/${n}?since=${s}`)).json(), [name, since]);
}

test("an editor reads the Content page: gap groups, articles, charts, CSV", async () => {
  const { page, problems } = await newPage({ width: 1280, height: 900 });
  await logIn(page, app.base, "elena");
  await page.waitForSelector("section.report[data-report=gaps]");
  await page.waitForSelector("section.report[data-report=articles]");
  assert.equal(new URL(page.url()).hash, "#content");  // an editor's first page
  assert.deepEqual(await page.$$eval("#nav a:not([hidden])", (as) => as.map((a) => a.dataset.view)), ["content", "reports"]);
  assert.equal(await page.inputValue("#period"), "30d");

  await checkCharts(page, CONTENT_CHARTS);

  // The gap examples are people's words: shown exactly as typed, as text; nothing made, nothing run.
  const gaps = page.locator("[data-report=gaps]");
  const xss = gaps.locator("td, li", { hasText: "<script>" }).last();
  assert.equal((await xss.textContent()).trim(), XSS);
  assert.equal(await page.locator("#reports script, #reports table img").count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  const dari = gaps.locator("td, li", { hasText: DARI }).last();
  assert.equal(await dari.evaluate((e) => getComputedStyle(e).direction), "rtl");
  // Three people asked about cats: one group, counted three times, its examples shown.
  const json = await reportJson(page, "gaps", "30d");
  const table = json.tables.find((t) => t.rows.some((r) => JSON.stringify(r).includes("cat")));
  assert.ok(table, "no gap group about cats in " + JSON.stringify(json.tables));
  const shownTable = page.locator(`[data-report=gaps] [data-table="${table.id}"]`);
  assert.equal(await shownTable.locator("tbody tr").count(), table.rows.length);
  assert.ok(await shownTable.locator("td, li", { hasText: "cat" }).count() > 0);

  // Articles: the ones answered are counted.
  const articles = page.locator("[data-report=articles]");
  assert.ok(await articles.locator("td", { hasText: "asylum-application" }).count() > 0);
  assert.ok(await articles.locator("td", { hasText: "free-legal-help" }).count() > 0);

  // The CSV is a download of the same period.
  const csv = await gaps.locator("a.csv").getAttribute("href");
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
  await checkCharts(page, CONTENT_CHARTS);
  assert.deepEqual(problems, []);
  await page.close();
});

test("a caseworker reads the help desk's Reports page", async () => {
  const { page, problems } = await newPage({ width: 1280, height: 900 });
  await logIn(page, app.base, "carla");
  await page.waitForSelector("#queue li.ticket");  // a caseworker starts on the queue
  assert.deepEqual(await page.$$eval("#nav a:not([hidden])", (as) => as.map((a) => a.dataset.view)), ["queue", "reports"]);
  await page.click("#nav a[data-view=reports]");
  await page.waitForSelector("section.report[data-report=cases]");
  assert.equal(await page.locator("#work-view").isVisible(), false);
  assert.equal(await page.inputValue("#period"), "365d");
  await checkCharts(page, CASE_CHARTS);

  // The tables as the API gives them; in the console counts are exact, so nothing shows as "<5".
  const json = await reportJson(page, "cases", "365d");
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
  const { page, problems } = await newPage({ width: 390, height: 844 }, { isMobile: true, hasTouch: true });
  await page.goto(app.base + "/console/");
  await page.selectOption("#ui-lang", "it");
  await logIn(page, app.base, "ada");
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
