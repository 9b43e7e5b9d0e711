// The web chat page's script (served as /webchat/page.js: the page allows no inline script).
"use strict";
// A random session id kept in this browser only: the bot never learns who you are.
function newSession() {
  const b = new Uint8Array(16); crypto.getRandomValues(b);
  return Array.from(b, x => x.toString(16).padStart(2, "0")).join("");
}
const session = localStorage.getItem("approdo.session") || newSession();
localStorage.setItem("approdo.session", session);
let after = Number(sessionStorage.getItem("approdo.after") || 0);
let counter = 0;
const log = document.getElementById("log"), statusLine = document.getElementById("status");

function bubble(text, who, lang, dir) {
  const div = document.createElement("div");
  div.className = "msg " + who;
  div.textContent = text;
  div.dir = dir || "auto";
  if (lang) div.lang = lang;
  log.appendChild(div);
  log.scrollTop = log.scrollHeight;
  return div;
}

async function send(body, shown) {
  bubble(shown, "me");
  body.session = session;
  body.id = Date.now().toString(36) + "-" + (counter++);
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const r = await fetch("/webchat/send", {method: "POST", headers: {"Content-Type": "application/json"},
                                             body: JSON.stringify(body)});
      if (r.ok) { statusLine.textContent = ""; return; }
      if (r.status < 500) { statusLine.textContent = (await r.json()).error || "Not sent"; return; }
    } catch (e) {}
    statusLine.textContent = "Connection problem, trying again…";
    await new Promise(res => setTimeout(res, 1000 * (attempt + 1)));
  }
  statusLine.textContent = "Not sent. Please try again.";
}

function show(m) {
  const div = bubble(m.text, "bot", m.lang, m.dir);
  if (m.choices.length) {
    const box = document.createElement("div");
    box.className = "choices";
    m.choices.forEach((c, i) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = (i + 1) + ") " + c.label;
      b.dir = "auto";
      b.onclick = () => send({choice: c.id}, c.label);
      box.appendChild(b);
    });
    div.appendChild(box);
  }
}

async function poll() {
  for (;;) {
    try {
      const r = await fetch("/webchat/poll?session=" + session + "&after=" + after);
      if (r.ok) {
        const data = await r.json();
        for (const m of data.messages) { show(m); after = Math.max(after, m.id); }
        sessionStorage.setItem("approdo.after", after);
        statusLine.textContent = "";
        continue;
      }
    } catch (e) {}
    statusLine.textContent = "Reconnecting…";
    await new Promise(res => setTimeout(res, 2000));
  }
}

document.getElementById("form").addEventListener("submit", e => {
  e.preventDefault();
  const input = document.getElementById("text");
  const text = input.value.trim();
  if (!text) return;
  input.value = "";
  send({text}, text);
});
poll();
