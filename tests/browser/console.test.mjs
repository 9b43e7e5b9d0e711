// Browser test of the caseworker console: the real `approdo serve` binary, a local stand-in for the Telegram
// Bot API that records what it is sent, and Debian's chromium driven headless by playwright-core (never a
// downloaded browser; see running_approdo.mjs). A caseworker logs in, sees the urgent ticket on top, claims it,
// sends an edited canned reply that reaches the stand-in, adds a note and closes with an outcome; a message
// with <script> and <img onerror> is shown as text and runs nothing. Screenshots are kept in
// build/browser-artifacts/.
//
// Run by ctest (make test); alone: APPRODO_BINARY=build/approdo node --test tests/browser/console.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { PASSWORD, artifacts, startApprodo, until, watchProblems } from "./running_approdo.mjs";

const XSS = `<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"> I am in danger`;
const DARI = "سلام، من ۱۶ ساله هستم و سند ندارم";

let app, base, browser, sent;
const tickets = () => app.tickets();
const personWrites = (chatId, text) => app.personWrites(chatId, text);

before(async () => {
  app = await startApprodo([["carla", "caseworker", "en,it"], ["farid", "caseworker", "fa,ps"]]);
  ({ base, browser, sent } = app);

  // First a person who asks for a human (normal), then one in danger (urgent): urgent must still be on top.
  await personWrites(5550002, "hello");
  await personWrites(5550002, "human");
  await until("the normal ticket", async () => (await tickets()).length === 1);
  await personWrites(5550001, XSS);
  await until("the urgent ticket", async () => (await tickets()).length === 2);
  await personWrites(5550001, DARI);
});

after(async () => { await app?.stop(); });

test("a caseworker works an urgent ticket from login to close", async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = watchProblems(page);  // (a wrong password's 401 is expected)

  await page.goto(base + "/console/");
  await page.fill("#login-name", "carla");
  await page.fill("#login-password", "wrong password!");
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#login-error:has-text('Wrong name or password')");
  await page.fill("#login-password", PASSWORD);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#queue li.ticket >> nth=1");
  await page.waitForSelector("#live.on");
  await page.screenshot({ path: join(artifacts, "1-queue.png"), fullPage: true });

  // Urgent on top, although it was opened after the other one.
  const first = page.locator("#queue li.ticket").first();
  assert.match(await first.getAttribute("class"), /\burgent\b/);
  assert.equal(await page.locator("#queue li.ticket").count(), 2);
  assert.match(await page.locator("#counts").textContent(), /2 open.*2 waiting.*1 urgent/);

  await first.click();
  await page.waitForSelector("#history li.msg");
  // The person's words are text, not markup: visible as typed, no element made, nothing run.
  const xssLine = page.locator("#history li.msg.in p.text", { hasText: "<script>" });
  assert.equal(await xssLine.textContent(), XSS);
  assert.equal(await page.locator("#history img, #history script, #queue img, #queue script").count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  // Right to left where the person wrote in Dari, left to right elsewhere.
  // (Read in one go: a live refresh may replace the elements between two calls.)
  const directions = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll("#history p.text")]
    .filter((e) => e.textContent.startsWith("سلام") || e.textContent.startsWith("<script>"))
    .map((e) => [e.textContent.startsWith("سلام") ? "dari" : "xss", getComputedStyle(e).direction])));
  assert.deepEqual(directions, { dari: "rtl", xss: "ltr" });
  // What the bot answered, and from which article.
  assert.ok(await page.locator("#history li.msg.out .from", { hasText: "article emergency-numbers" }).count() > 0);

  await page.click("#claim");
  await page.waitForSelector("#ticket-meta dd:has-text('carla')");

  const sentBefore = sent.length;
  await page.selectOption("#canned", "greeting");
  const canned = await page.inputValue("#reply-text");
  assert.match(canned, /^Hello, I am a caseworker/);
  await page.fill("#reply-text", canned + " My name is Carla.");  // edited before sending
  await page.click("#reply-form button[type=submit]");
  const delivered = await until("the reply at the Telegram stand-in", async () =>
    sent.slice(sentBefore).find((r) => r.path.endsWith("/sendMessage") && r.body.includes("My name is Carla.")));
  assert.equal(String(JSON.parse(delivered.body).chat_id), "5550001");
  await page.waitForSelector("#history li.msg.caseworker .delivery[data-status=sent]");

  await page.fill("#note-text", "Talked about the danger; <b>check</b> with the guardian tomorrow.");
  await page.click("#note-form button[type=submit]");
  await page.waitForSelector("#notes li:has-text('<b>check</b>')");
  await page.screenshot({ path: join(artifacts, "2-conversation.png"), fullPage: true });

  await page.selectOption("#outcome", "violence");
  await page.check("#referrals input[value=ombudsman]");
  await page.check("#referrals input[value=social_services]");
  await page.click("#close-form button[type=submit]");
  await page.waitForSelector("#ticket-pane", { state: "hidden" });
  await until("one ticket left in the queue", async () => (await page.locator("#queue li.ticket").count()) === 1);
  const open = await tickets();
  assert.equal(open.length, 1);
  assert.equal(open[0].priority, "normal");
  await until("the closing message at the stand-in", async () =>
    sent.slice(sentBefore).filter((r) => String(JSON.parse(r.body).chat_id) === "5550001").length >= 2);

  // Live update: a new urgent message appears without reloading.
  await personWrites(5550003, "they hit me, I am in danger");
  await page.waitForSelector("#queue li.ticket.urgent", { timeout: 15000 });
  assert.deepEqual(problems, []);
  await page.close();
});

test("the console on a phone screen, in Italian", async () => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  await page.goto(base + "/console/");
  await page.selectOption("#ui-lang", "it");
  assert.equal(await page.textContent("#login-form button[type=submit]"), "Entra");
  await page.fill("#login-name", "carla");
  await page.fill("#login-password", PASSWORD);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#queue li.ticket");
  assert.match(await page.locator("#counts").textContent(), /aperti/);
  await page.screenshot({ path: join(artifacts, "3-phone-queue.png"), fullPage: true });
  await page.locator("#queue li.ticket").first().click();
  await page.waitForSelector("#history li.msg");
  assert.equal(await page.locator("#queue-pane").isVisible(), false);  // one pane at a time
  assert.ok(await page.locator("#back").isVisible());
  // Nothing wider than the screen.
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
  await page.screenshot({ path: join(artifacts, "4-phone-conversation.png"), fullPage: true });
  await page.click("#back");
  await page.waitForSelector("#queue-pane");
  await page.close();
});
