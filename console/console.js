// The caseworker console. Talks only to /api/v1 (see openapi.yaml). Every piece of text that comes from a
// person, a caseworker or the knowledge base is put on the page with textContent — never as HTML — and
// shown with dir="auto", so Arabic, Dari and Pashto read right to left.
"use strict";

const state = {
  me: null, csrf: "", ticketId: null, ticket: null, queue: [], canned: [], colleagues: [],
  events: null, pollTimer: null, refreshing: false,
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);  // strings become text nodes
  return e;
}

async function api(method, path, body) {
  const headers = {};
  if (method !== "GET") headers["X-CSRF-Token"] = state.csrf;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  const res = await fetch("/api/v1" + path, {
    method, headers, credentials: "same-origin", body: body === undefined ? undefined : JSON.stringify(body),
  });
  let data = {};
  try { data = await res.json(); } catch (_) { /* an empty or non-JSON answer */ }
  if (res.status === 401 && path !== "/login") showLogin();
  return { status: res.status, ok: res.ok, data, retryAfter: res.headers.get("Retry-After") };
}

function minutes(n) {
  const min = Math.round(n);
  return min < 60 ? t("minutes", { n: min }) : t("hours", { h: Math.floor(min / 60), m: min % 60 });
}

function duration(ms) { return minutes(Math.floor(ms / 60000)); }

function when(ms) { return new Date(ms).toLocaleString(consoleLocale()); }

// ---- Login ----

function showLogin() {
  stopLive();
  state.me = null;
  $("login-view").hidden = false;
  $("work-view").hidden = true;
  $("report-view").hidden = true;
  $("nav").hidden = true;
  $("logout").hidden = true;
  $("who").textContent = "";
}

async function login(ev) {
  ev.preventDefault();
  $("login-error").textContent = "";
  const r = await api("POST", "/login", { name: $("login-name").value, password: $("login-password").value });
  $("login-password").value = "";
  if (r.status === 429) return ($("login-error").textContent = t("login_throttled", { s: r.retryAfter || "60" }));
  if (!r.ok) return ($("login-error").textContent = t("login_failed"));
  await start();
}

async function logout() {
  await api("POST", "/logout");
  showLogin();
}

async function start() {
  const me = await api("GET", "/me");
  if (!me.ok) return showLogin();
  state.me = me.data;
  state.csrf = me.data.csrf;
  $("who").textContent = me.data.user.name + " · " + me.data.user.role;
  $("login-view").hidden = true;
  $("logout").hidden = false;
  fillCloseForm();
  showView();
  if (!me.data.permissions.includes("work_tickets")) return;
  const c = await api("GET", "/colleagues");
  state.colleagues = c.ok ? c.data.colleagues : [];
  await refreshQueue();
  startLive();
}

// ---- Pages: the queue, Content (editors), Reports (help desk); the address's #fragment names the page ----

const PAGE_PERMISSION = { queue: "work_tickets", content: "read_stats", reports: "read_case_reports" };

function showView() {
  const allowed = Object.keys(PAGE_PERMISSION).filter((v) => state.me.permissions.includes(PAGE_PERMISSION[v]));
  const wanted = location.hash.slice(1);
  const view = allowed.includes(wanted) ? wanted : allowed[0];
  if (view !== undefined && view !== wanted) history.replaceState(null, "", "#" + view);
  for (const a of document.querySelectorAll("#nav a")) {
    a.hidden = !allowed.includes(a.dataset.view);
    if (a.dataset.view === view) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  $("nav").hidden = allowed.length < 2;
  $("work-view").hidden = view !== "queue";
  $("report-view").hidden = view === "queue" || view === undefined;
  if (view !== "queue" && view !== undefined) showReportPage(view);
}

// ---- Queue ----

async function refreshQueue() {
  const q = new URLSearchParams();
  if ($("filter-lang").value) q.set("lang", $("filter-lang").value);
  if ($("filter-priority").value) q.set("priority", $("filter-priority").value);
  if ($("filter-mine").checked) q.set("mine", "1");
  const r = await api("GET", "/tickets?" + q.toString());
  if (!r.ok) return;
  state.queue = r.data.tickets;
  renderCounts(r.data.counts);
  renderQueue();
}

function renderCounts(counts) {
  const parts = [];
  for (const k of ["total", "waiting", "urgent", "mine", "overdue"]) {
    const item = el("span", { class: "count count-" + k + (k === "overdue" && counts[k] > 0 ? " alert" : "") },
      el("b", { text: String(counts[k]) }), " " + t("count_" + k));
    parts.push(item);
  }
  $("counts").replaceChildren(...parts);
}

function renderQueue() {
  const items = state.queue.map((tk) => {
    const li = el("li", {
      class: "ticket" + (tk.priority === "urgent" ? " urgent" : "") + (tk.overdue ? " overdue" : "") +
        (tk.id === state.ticketId ? " current" : ""),
      "data-ticket": String(tk.id), tabindex: "0", role: "button",
    },
      el("span", { class: "badge priority", text: tk.priority === "urgent" ? t("urgent") : t("normal") }),
      el("span", { class: "badge lang", text: tk.lang }),
      el("span", { class: "badge channel", text: tk.channel }),
      el("span", { class: "status", text: t(tk.status) + (tk.assigned_to ? " · " + tk.assigned_to : "") }),
      el("span", { class: "wait", text: duration(tk.waited_ms) + (tk.overdue ? " · " + t("overdue") : "") }),
      el("span", { class: "summary", dir: "auto", text: tk.summary || t("reason_" + tk.reason) }));
    li.addEventListener("click", () => openTicket(tk.id));
    li.addEventListener("keydown", (e) => { if (e.key === "Enter") openTicket(tk.id); });
    return li;
  });
  $("queue").replaceChildren(...items);
  $("queue-empty").hidden = items.length > 0;
}

// ---- One ticket ----

async function openTicket(id) {
  state.ticketId = id;
  $("ticket-error").textContent = "";
  $("reply-text").value = "";
  await refreshTicket();
  document.body.classList.add("reading");
  renderQueue();
}

function closeTicketView() {
  state.ticketId = null;
  state.ticket = null;
  $("ticket-pane").hidden = true;
  document.body.classList.remove("reading");
  renderQueue();
}

async function refreshTicket() {
  if (state.ticketId == null) return;
  const r = await api("GET", "/tickets/" + state.ticketId);
  if (!r.ok) return ($("ticket-error").textContent = r.data.error || String(r.status));
  const firstLoad = !state.ticket || state.ticket.id !== r.data.id;
  state.ticket = r.data;
  if (firstLoad) await loadCanned(r.data.lang);
  renderTicket();
}

function meta(label, value, cls) {
  return [el("dt", { text: label }), el("dd", { class: cls || "", dir: "auto", text: value })];
}

function sourceLabel(h) {
  if (h.direction === "in") return t("from_person");
  if (h.source.startsWith("caseworker:")) return t("from_caseworker") + " · " + h.source.slice(11);
  if (h.source.startsWith("article:")) return t("from_bot") + " · " + t("from_article") + " " + h.source.slice(8);
  return t("from_bot");
}

function renderTicket() {
  const tk = state.ticket;
  $("ticket-pane").hidden = false;
  $("ticket-title").textContent = "#" + tk.id + " · " + (tk.priority === "urgent" ? t("urgent") : t("normal"));
  $("ticket-title").className = tk.priority === "urgent" ? "urgent" : "";
  $("ticket-meta").replaceChildren(
    ...meta(t("lang"), tk.lang), ...meta(t("channel"), tk.channel), ...meta(t("reason"), t("reason_" + tk.reason)),
    ...meta(t("category"), tk.category || "—"), ...meta(t("opened"), when(tk.opened_at)),
    ...meta(t("waited"), duration(tk.waited_ms) + (tk.overdue ? " · " + t("overdue") : ""), tk.overdue ? "alert" : ""),
    ...meta(t("assigned_to"), tk.assigned_to || t("nobody")), ...meta(t("status"), t(tk.status)));
  const open = tk.status !== "closed";
  $("claim").hidden = !(open && tk.status === "waiting");
  $("release").hidden = !(open && tk.status === "assigned");
  $("transfer-to").replaceChildren(...state.colleagues.filter((c) => c.name !== tk.assigned_to && c.name !== state.me.user.name)
    .map((c) => el("option", { value: c.name, text: c.name + (c.languages.length ? " (" + c.languages.join(", ") + ")" : "") })));
  $("transfer").disabled = !open || $("transfer-to").options.length === 0;
  $("window-warning").hidden = !tk.reply_window_closed;
  $("reply-form").hidden = !open || tk.erased;
  $("close-form").hidden = !open;
  $("note-form").hidden = tk.erased;

  const lines = tk.history.map((h) => {
    const li = el("li", { class: "msg " + h.direction + (h.source && h.source.startsWith("caseworker:") ? " caseworker" : "") },
      el("span", { class: "from", text: sourceLabel(h) + " · " + when(h.at) }),
      el("p", { class: "text", dir: "auto", text: h.text }));
    if (h.direction === "out") {
      const status = h.status === "sent" ? (h.delivery || "sent") : h.status;
      li.append(el("span", { class: "delivery delivery-" + status, "data-status": status, text: t("status_" + status) }));
      if (h.status === "held") li.append(el("span", { class: "explain", text: t("held_explained") }));
      else if (h.error && (h.status === "dead" || h.delivery === "failed")) li.append(el("span", { class: "explain", text: h.error }));
    }
    return li;
  });
  if (tk.erased) lines.push(el("li", { class: "muted", text: t("erased") }));
  const history = $("history");
  const atBottom = history.scrollTop + history.clientHeight >= history.scrollHeight - 8;
  history.replaceChildren(...lines);
  if (atBottom) history.scrollTop = history.scrollHeight;
  $("notes").replaceChildren(...tk.notes.map((n) => el("li", { class: "note" },
    el("span", { class: "from", text: n.author + " · " + when(n.at) }), el("p", { dir: "auto", text: n.text }))));
}

async function loadCanned(lang) {
  const r = await api("GET", "/canned?lang=" + encodeURIComponent(lang));
  state.canned = r.ok ? r.data.canned : [];
  const options = [el("option", { value: "", text: t("canned_none") })];
  for (const c of state.canned)
    options.push(el("option", { value: c.id, text: (c.title[consoleLanguage] || c.title.en || c.id) + (c.lang !== lang ? " (" + c.lang + ")" : "") }));
  $("canned").replaceChildren(...options);
}

async function ticketAction(path, body) {
  $("ticket-error").textContent = "";
  const r = await api("POST", "/tickets/" + state.ticketId + path, body);
  if (!r.ok) $("ticket-error").textContent = r.data.error || String(r.status);
  await Promise.all([refreshTicket(), refreshQueue()]);
  return r.ok;
}

async function sendReply(ev) {
  ev.preventDefault();
  const text = $("reply-text").value.trim();
  if (!text) return;
  if (await ticketAction("/reply", { text })) {
    $("reply-text").value = "";
    $("canned").value = "";
  }
}

async function addNote(ev) {
  ev.preventDefault();
  const text = $("note-text").value.trim();
  if (!text) return;
  if (await ticketAction("/notes", { text })) $("note-text").value = "";
}

function fillCloseForm() {
  const outcomes = [el("option", { value: "", text: t("choose_outcome") })];
  for (const o of state.me.outcomes) outcomes.push(el("option", { value: o, text: t("outcome_" + o) }));
  $("outcome").replaceChildren(...outcomes);
  $("referrals").replaceChildren(...state.me.referrals.map((r) =>
    el("label", { class: "check" }, el("input", { type: "checkbox", value: r, name: "referral" }), t("referral_" + r))));
}

async function closeCase(ev) {
  ev.preventDefault();
  const outcome = $("outcome").value;
  if (!outcome) return $("outcome").focus();
  const referrals = [...document.querySelectorAll("#referrals input:checked")].map((i) => i.value);
  if (await ticketAction("/close", { outcome, referrals })) {
    $("close-form").reset();
    closeTicketView();
  }
}

// ---- Live updates ----

async function refreshAll() {
  if (state.refreshing) return;
  state.refreshing = true;
  try { await Promise.all([refreshQueue(), refreshTicket()]); } finally { state.refreshing = false; }
}

function startLive() {
  stopLive();
  const es = new EventSource("/api/v1/events");
  state.events = es;
  es.addEventListener("change", refreshAll);
  es.addEventListener("open", () => { $("live").textContent = t("live_on"); $("live").className = "live on"; });
  es.addEventListener("error", () => {
    // The server ends each stream after a while and the browser reconnects by itself; when it refused
    // (too many streams), poll instead and try again later.
    if (es.readyState === EventSource.CLOSED) {
      $("live").textContent = t("live_off");
      $("live").className = "live off";
      setTimeout(() => { if (state.me && state.events === es) startLive(); }, 15000);
    }
  });
  state.pollTimer = setInterval(refreshAll, 15000);  // wait times and routing move with the clock
}

function stopLive() {
  if (state.events) state.events.close();
  state.events = null;
  clearInterval(state.pollTimer);
}

// ---- Wiring ----

document.addEventListener("DOMContentLoaded", () => {
  const saved = localStorage.getItem("approdo-console-lang") || (navigator.language || "en").slice(0, 2);
  $("ui-lang").value = saved === "it" ? "it" : "en";
  applyStaticWords($("ui-lang").value);
  $("ui-lang").addEventListener("change", () => {
    localStorage.setItem("approdo-console-lang", $("ui-lang").value);
    applyStaticWords($("ui-lang").value);
    if (state.me) {
      fillCloseForm();
      if (!$("report-view").hidden) showReportPage(reportPage);
      if (state.me.permissions.includes("work_tickets")) refreshAll();
      if (state.ticket) loadCanned(state.ticket.lang);
    }
  });
  $("login-form").addEventListener("submit", login);
  $("logout").addEventListener("click", logout);
  for (const id of ["filter-lang", "filter-priority", "filter-mine"]) $(id).addEventListener("change", refreshQueue);
  $("back").addEventListener("click", closeTicketView);
  $("claim").addEventListener("click", () => ticketAction("/claim"));
  $("release").addEventListener("click", () => ticketAction("/release"));
  $("transfer").addEventListener("click", () => ticketAction("/transfer", { to: $("transfer-to").value }));
  $("canned").addEventListener("change", () => {
    const c = state.canned.find((x) => x.id === $("canned").value);
    if (c) $("reply-text").value = c.text;  // editable before sending
    $("reply-text").focus();
  });
  $("reply-form").addEventListener("submit", sendReply);
  $("note-form").addEventListener("submit", addNote);
  $("close-form").addEventListener("submit", closeCase);
  $("period").addEventListener("change", loadReports);
  window.addEventListener("hashchange", () => { if (state.me) showView(); });
  start();
});
