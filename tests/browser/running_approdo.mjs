// What the browser tests share: the real `approdo serve` binary on a scratch data directory with console
// users, a local stand-in for the Telegram Bot API that records what it is sent, people writing to the bot
// through Telegram's webhook, and Debian's chromium driven headless by playwright-core (never a downloaded
// browser). Screenshots go to build/browser-artifacts/ (APPRODO_ARTIFACTS under ctest).
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const binary = process.env.APPRODO_BINARY || join(repo, "build/approdo");
export const artifacts = process.env.APPRODO_ARTIFACTS || join(repo, "build/browser-artifacts");
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
export const PASSWORD = "una password lunga";
const SECRET = "browser-test-secret";
const INTEGRATION = "browser-test-integration";  // api_token: acts as a caseworker

// The Bot API stand-in: answers sendMessage as Telegram documents it (tests/fixtures/telegram/send_ok.json).
function startTelegram(sent) {
  const ok = readFileSync(join(repo, "tests/fixtures/telegram/send_ok.json"), "utf8");
  return new Promise((done) => {
    const s = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        sent.push({ path: req.url, body });
        res.setHeader("Content-Type", "application/json");
        res.end(req.url.endsWith("/sendMessage") ? ok : '{"ok":true,"result":true}');
      });
    });
    s.listen(0, "127.0.0.1", () => done(s));
  });
}

function serve(config) {
  return new Promise((done, fail) => {
    const p = spawn(binary, ["serve", "--config", config], { cwd: repo, stdio: ["ignore", "ignore", "pipe"] });
    let log = "";
    p.stderr.on("data", (d) => {
      log += d;
      const m = log.match(/serving on (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) done({ process: p, url: m[1] });
    });
    p.on("exit", (code) => fail(new Error(`approdo serve exited (${code}):\n${log}`)));
  });
}

export async function until(what, check, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out waiting for " + what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// Starts the server with `users` ([name, role, languages]) and a browser; `webchat: true` serves the web chat
// page at / too. The answer's `sent` fills with what the Telegram stand-in receives; `stop()` ends it all and
// removes the scratch directory.
export async function startApprodo(users, { webchat = false } = {}) {
  mkdirSync(artifacts, { recursive: true });
  const scratch = mkdtempSync(join(tmpdir(), "approdo-browser-"));
  const sent = [];
  const telegram = await startTelegram(sent);
  const config = join(scratch, "approdo.yaml");
  writeFileSync(config, [
    "listen: {host: 127.0.0.1, port: 0}", `data_dir: ${join(scratch, "var")}`, "opening_hours: 24/7", `webchat: ${webchat}`,
    `api_token: ${INTEGRATION}`,
    "channels:", "  telegram:", "    bot_token: '123456:TEST'", `    secret_token: ${SECRET}`,
    `    api_base: http://127.0.0.1:${telegram.address().port}`, ""].join("\n"));
  for (const [name, role, langs] of users) {
    const r = spawnSync(binary, ["users", "add", name, "--role", role, "--languages", langs, "--config", config],
      { cwd: repo, input: PASSWORD + "\n", encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  }
  const server = await serve(config);
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ["--no-sandbox"] });
  const base = server.url;
  let updateId = 100000100;

  return {
    base, sent, browser,
    // A private-chat text message as Telegram delivers it (tests/fixtures/telegram/text_message.json).
    async personWrites(chatId, text, languageCode = "en") {
      const update = JSON.parse(readFileSync(join(repo, "tests/fixtures/telegram/text_message.json"), "utf8"));
      update.update_id = ++updateId;
      update.message.message_id = updateId;
      update.message.from.id = update.message.chat.id = chatId;
      update.message.from.language_code = languageCode;
      update.message.text = text;
      const r = await fetch(base + "/webhooks/telegram", {
        method: "POST", body: JSON.stringify(update),
        headers: { "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET },
      });
      assert.equal(r.status, 200);
    },
    // The integration's view of the API (a caseworker's permissions).
    async integration(method, path, body) {
      const r = await fetch(base + "/api/v1" + path, {
        method, body: body === undefined ? undefined : JSON.stringify(body),
        headers: { Authorization: "Bearer " + INTEGRATION, "Content-Type": "application/json" },
      });
      return { status: r.status, data: await r.json() };
    },
    async tickets() { return (await this.integration("GET", "/tickets")).data.tickets; },
    async stop() {
      await browser.close();
      server.process.kill("SIGTERM");
      telegram.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

// Logs in through the console's own form (opening it unless it is open) and waits for the login to be gone.
export async function logIn(page, base, name) {
  if (!page.url().startsWith(base + "/console/")) await page.goto(base + "/console/");
  await page.fill("#login-name", name);
  await page.fill("#login-password", PASSWORD);
  await page.click("#login-form button[type=submit]");
  await page.waitForSelector("#login-view", { state: "hidden" });
}

// Collects what a page should never show: CSP refusals, script errors, dialogs. Failed loads are reported by
// the tests that expect none (a wrong password's 401 is one).
export function watchProblems(page) {
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(String(e)));
  page.on("dialog", (d) => { problems.push("dialog: " + d.message()); d.dismiss(); });
  return problems;
}
