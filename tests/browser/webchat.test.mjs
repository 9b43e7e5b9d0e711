// Browser test of the web chat page (the page a person uses to try Approdo): on a phone-sized screen, a
// Dari question is answered in Dari, right to left; an English "hi" gets the welcome with its choices, and a
// tap on a choice is sent; a message carrying <script> and <img onerror> shows as text and runs nothing. The
// page allows no inline script or style (Content-Security-Policy), so any refusal by the browser fails the
// test. Screenshots are kept in build/browser-artifacts/.
//
// Run by ctest (make test); alone: APPRODO_BINARY=build/approdo node --test tests/browser/webchat.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { artifacts, startApprodo, until, watchProblems } from "./running_approdo.mjs";

const PHONE = { width: 360, height: 740 };
const DARI = "میگن ۱۹ ساله استم ولی ۱۶ ساله استم";
const XSS = `<script>window.__xss = "script"</script><img src=x onerror="window.__xss = 'img'"> hello`;

let app;
before(async () => { app = await startApprodo([], { webchat: true }); });
after(async () => { await app?.stop(); });

async function openChat() {
  const context = await app.browser.newContext({ viewport: PHONE });  // its own storage: a new person
  const page = await context.newPage();
  const problems = watchProblems(page);
  const failed = [];
  page.on("requestfailed", (r) => failed.push(r.url()));
  await page.goto(app.base + "/");
  return { page, problems, failed };
}

async function write(page, text) {
  await page.fill("#text", text);
  await page.click("form button[type=submit]");
}

// Whether the bot has answered since the person's last message (the log shows both in the order they came).
const answeredLast = (page) => page.$$eval("#log > .msg", (all) => {
  const mine = all.map((d) => d.classList.contains("me")).lastIndexOf(true);
  return all.slice(mine + 1).some((d) => d.classList.contains("bot"));
});
const botBubbles = (page) => page.$$eval(".msg.bot", (all) =>
  all.map((d) => ({ text: d.firstChild.textContent, dir: d.dir, lang: d.lang,
                    rtl: getComputedStyle(d).direction === "rtl" })));

test("a Dari question is answered in Dari, right to left", async () => {
  const { page, problems, failed } = await openChat();
  await write(page, DARI);
  const mine = await page.locator(".msg.me").first();
  assert.equal(await mine.textContent(), DARI);
  assert.equal(await mine.evaluate((d) => getComputedStyle(d).direction), "rtl");  // dir=auto sees Persian
  const replies = await until("a reply", async () => { const b = await botBubbles(page); return b.length ? b : null; });
  assert.equal(replies[0].lang, "fa");
  assert.equal(replies[0].dir, "rtl");
  assert.ok(replies[0].rtl);
  assert.match(replies[0].text, /[\u0600-\u06FF]/);
  await page.screenshot({ path: join(artifacts, "webchat-1-dari.png"), fullPage: true });
  assert.deepEqual(problems, []);
  assert.deepEqual(failed, []);
  await page.context().close();
});

test("the welcome's choices are buttons; a message with HTML shows as text and runs nothing", async () => {
  const { page, problems, failed } = await openChat();
  await write(page, "hi");
  await until("the welcome", async () => (await botBubbles(page)).some((b) => b.text.startsWith("Hi! I am Approdo")));
  const choices = page.locator(".choices button");
  assert.ok(await choices.count() >= 6);  // the six languages, in their own names
  const first = (await choices.first().textContent()).replace(/^1\) /, "");
  await choices.first().click();
  await until("the choice sent", async () =>
    (await page.locator(".msg.me").allTextContents()).includes(first));
  await until("an answer to the choice", () => answeredLast(page));

  await write(page, XSS);
  await until("the message shown", async () => (await page.locator(".msg.me").allTextContents()).includes(XSS));
  await until("a reply to it", () => answeredLast(page));
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.locator("#log img, #log script").count(), 0);
  await page.screenshot({ path: join(artifacts, "webchat-2-english.png"), fullPage: true });
  assert.deepEqual(problems, []);
  assert.deepEqual(failed, []);
  await page.context().close();
});
