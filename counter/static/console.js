// The staff console (/counter): log in, take a counter, then call and serve tickets with one
// key or one tap. The login is the session cookie; every change is a same-origin JSON POST.

import { api, ApiError } from "/static/api.js";
import { COMMON, createI18n } from "/static/i18n.js";
import { HALL_EVENTS, connectHall } from "/static/live.js";
import { CONSOLE } from "./console-i18n.js";
import {
  applicable, currentTicket, renderBar, renderDesk, renderPick, renderQueue, renderTaken, tickDesk,
} from "./console-desk.js";
import { setupDialogs } from "./console-dialogs.js";
import { setupCase } from "./console-case.js";
import { PASSWORD, setupPassword } from "/static/password.js";

const COUNTER_KEY = "hallq.console.counter";
const DEFAULT_REASONS = ["break", "meeting", "training", "other"].map((code) => ({ code, name: null }));
// Layout-independent keys (e.code), so Caps Lock or a Vietnamese input method does not matter.
const KEYS = {
  KeyN: "call-next", KeyR: "recall", KeyS: "start", KeyF: "finish", KeyV: "no-show",
  KeyT: "transfer", KeyP: "pause", KeyC: "call",
};
const DONE = {
  "call-next": "done.called", call: "done.called", recall: "done.recalled", start: "done.started",
  finish: "done.finished", "no-show": "done.no_show", pause: "done.paused", resume: "done.resumed",
};

const $ = (id) => document.getElementById(id);
const body = document.body;
const i18n = createI18n([COMMON, PASSWORD, CONSOLE], { lang: "vi", storageKey: "hallq.console.lang" });
const state = {
  me: null, counterNo: null, counters: new Map(), services: new Map(), queue: null, queueAt: 0,
  busy: false, pending: null, clockOffsetMs: 0, online: null,
  settings: { allow_call_specific: true, pause_reasons: DEFAULT_REASONS },
};
let hall = null;
const dialogs = setupDialogs({ state, i18n, act, afterClose: focusDesk });
const caseForm = setupCase({ focusDesk });
const passwordDialog = setupPassword(i18n, { onEnded: () => sessionEnded(new ApiError(401, "unauthenticated")) });
$("dlg-own-password").addEventListener("close", focusDesk);

// -- views ----------------------------------------------------------------------------------

function show(view) {
  body.dataset.view = view;
  for (const section of document.querySelectorAll(".c-view")) section.hidden = section.id !== `view-${view}`;
  if (view !== "console") dialogs.closeAll();
  if (view === "login") passwordDialog.close();
  render();
}

function render() {
  i18n.apply();
  renderBar(state, i18n);
  if (body.dataset.view === "console") {
    renderDesk(state, i18n);
    caseForm.render(currentTicket(state.counters.get(state.counterNo)));
    renderQueue(state, i18n);
    renderTaken(state, i18n);
  }
  if (body.dataset.view === "pick") renderPick(state, i18n, bound());
}

function focusDesk() {
  if (body.dataset.view === "console" && !dialogs.anyOpen && !passwordDialog.isOpen) $("view-console").focus({ preventScroll: true });
}

// Banners keep how to say their text, not the text: the language switch says it again.
const banners = new Map();  // element id -> () => text

/** Show a banner (id) with `text`: a string, or a function of the current language. */
function banner(id, text) {
  const el = $(id);
  const say = typeof text === "function" ? text : () => text;
  banners.set(id, say);
  el.textContent = text ? say() : "";
  el.hidden = !el.textContent;
}

function sayAgain() {
  for (const [id, text] of banners) if (!$(id).hidden) $(id).textContent = text();
}

let messageTimer = null;
function say(text, kind = "ok") {
  const box = $("message");
  box.className = `hq-banner hq-banner--${kind} c-message`;
  banner("message", text);
  clearTimeout(messageTimer);
  if (text) messageTimer = setTimeout(() => { box.hidden = true; }, kind === "ok" ? 5000 : 12000);
}

function errorText(err) {
  return err instanceof ApiError ? i18n.error(err) : i18n.error("network");
}

/** A 401 anywhere means the login is over: back to the form, saying why. */
function sessionEnded(err) {
  if (!(err instanceof ApiError) || err.status !== 401 || err.code === "invalid_credentials") return false;
  state.me = null;
  showLogin(() => i18n.error("unauthenticated"));
  return true;
}

/** The counter this browser works at, kept across reloads (private windows may refuse). */
function remembered() {
  try { return localStorage.getItem(COUNTER_KEY); } catch { return null; }
}
function remember(n) {
  try {
    if (n === null) localStorage.removeItem(COUNTER_KEY);
    else localStorage.setItem(COUNTER_KEY, String(n));
  } catch { /* remembered for this page only */ }
}

// -- logging in and out ----------------------------------------------------------------

function showLogin(error = "") {
  show("login");
  banner("login-error", error);
  $("password").value = "";
  ($("username").value ? $("password") : $("username")).focus();
}

$("login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const submit = $("login-submit");
  if (submit.disabled) return;
  submit.disabled = true;
  $("login-error").hidden = true;
  try {
    await api("login", { method: "POST", body: { username: $("username").value.trim(), password: $("password").value },
      lang: i18n.lang });
    $("password").value = "";
    await loggedIn(await api("me", { lang: i18n.lang }));
  } catch (err) {
    showLogin(() => errorText(err));
  } finally {
    submit.disabled = false;
  }
});

async function loggedIn(me) {
  if (me.kind !== "user") { showLogin(() => i18n.error("forbidden")); return; }
  state.me = me;
  await Promise.all([loadSettings(), loadCounters()]);
  connectLive();
  const stored = Number(remembered()) || null;
  const n = me.counter || stored;
  const c = n && state.counters.get(n);
  if (c && c.staff === me.name && c.status !== "closed") enter(n);
  else if (me.counter) await take(me.counter);
  else showPick();
}

$("change-password").addEventListener("click", () => passwordDialog.open(state.me && state.me.name));

$("logout").addEventListener("click", async () => {
  const c = state.counters.get(state.counterNo);
  try {
    if (body.dataset.view === "console" && c && c.staff === state.me.name && c.status !== "closed") {
      await api(`counters/${state.counterNo}/leave`, { method: "POST", body: {}, lang: i18n.lang });
    }
    await api("logout", { method: "POST", body: {}, lang: i18n.lang });
  } catch (err) {
    if (err instanceof ApiError && err.code === "counter_busy") { say(() => i18n.t("leave.busy"), "danger"); return; }
    if (!(err instanceof ApiError && err.status === 401)) { say(() => errorText(err), "danger"); return; }
  }
  remember(null);
  state.me = null;
  state.counterNo = null;
  showLogin();
});

/** The console's settings from the server when it has them; the defaults otherwise. */
async function loadSettings() {
  try {
    const s = await api("console-settings", { lang: i18n.lang });
    if (typeof s.allow_call_specific === "boolean") state.settings.allow_call_specific = s.allow_call_specific;
    if (Array.isArray(s.pause_reasons) && s.pause_reasons.length) state.settings.pause_reasons = s.pause_reasons;
  } catch { /* an older server: the defaults, and a 403 call_specific_forbidden turns calling off */ }
}

async function loadCounters() {
  const counters = await api("counters", { lang: i18n.lang });
  state.counters = new Map(counters.map((c) => [c.number, c]));
}

// -- choosing a counter ------------------------------------------------------------------

function bound() {
  return state.me && state.me.counter && state.me.role === "staff" ? state.me.counter : null;
}

function showPick(error = "") {
  state.counterNo = null;
  show("pick");
  banner("pick-error", error);
  $("pick-number").value = bound() ? String(bound()) : "";
  $("pick-number").focus();
}

$("pick-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const n = Number($("pick-number").value.trim());
  if (n) take(n);
});
$("pick-list").addEventListener("click", (event) => {
  const button = event.target.closest("[data-counter]");
  if (button) take(Number(button.dataset.counter));
});

async function take(n) {
  try {
    const out = await api(`counters/${n}/take`, { method: "POST", body: {}, lang: i18n.lang });
    state.counters.set(n, out.counter);
    enter(n);
  } catch (err) {
    if (!sessionEnded(err)) showPick(() => errorText(err));
  }
}

function enter(n) {
  state.counterNo = n;
  state.queue = null;
  remember(n);
  show("console");
  say("");
  focusDesk();
  loadQueue();
}

$("leave").addEventListener("click", async () => {
  try {
    await api(`counters/${state.counterNo}/leave`, { method: "POST", body: {}, lang: i18n.lang });
    remember(null);
    showPick();
  } catch (err) {
    if (sessionEnded(err)) return;
    say(() => (err instanceof ApiError && err.code === "counter_busy" ? i18n.t("leave.busy") : errorText(err)), "danger");
  }
});

$("take-again").addEventListener("click", () => take(state.counterNo));

// -- acting ---------------------------------------------------------------------------------

/** One counter action; the answer brings the counter's new state. */
async function act(action, payload = {}) {
  if (state.busy || state.counterNo === null) return;
  state.busy = true;
  const before = currentTicket(state.counters.get(state.counterNo));
  renderDesk(state, i18n);
  try {
    const out = await api(`counters/${state.counterNo}/${action}`, { method: "POST", body: payload, lang: i18n.lang });
    if (out.counter) state.counters.set(state.counterNo, out.counter);
    const ticket = out.ticket || before;
    if (action === "finish") caseForm.finished();
    say(() => doneText(action, payload, ticket));
    loadQueue();
  } catch (err) {
    state.pending = null;  // what was typed ahead assumed this had worked
    if (sessionEnded(err)) return;
    if (err instanceof ApiError && err.code === "call_specific_forbidden") state.settings.allow_call_specific = false;
    say(() => errorText(err), "danger");
    caseForm.refused(err);
    if (err instanceof ApiError && err.status === 409) refreshCounter();
  } finally {
    state.busy = false;
    render();
    focusDesk();
    const next = state.pending;
    state.pending = null;
    if (next && body.dataset.view === "console") trigger(next);
  }
}

function doneText(action, payload, ticket) {
  const number = ticket ? ticket.number : "";
  if (action === "transfer") {
    return payload.counter
      ? i18n.t("done.transferred_counter", { number, target: i18n.t("counter", { counter: payload.counter }) })
      : i18n.t("done.transferred_service", { number, target: i18n.name(state.services.get(payload.service)?.name) || payload.service });
  }
  if (action === "finish" && payload.case_code) return i18n.t("case.saved", { number, code: payload.case_code });
  return DONE[action] ? i18n.t(DONE[action], { number }) : "";
}

async function refreshCounter() {
  try { await loadCounters(); render(); } catch { /* the live connection will bring it */ }
}

/** Press an action's button, by key or tap; dialogs for the ones that need a choice. */
function trigger(action) {
  if (body.dataset.view !== "console") return;
  if (state.busy) { state.pending = action; return; }  // typed ahead: done once the answer is in
  if (action === "pause" && applicable(state).resume) action = "resume";
  const button = document.querySelector(`.c-act[data-action="${action}"]`);
  if (!button || button.disabled || button.hidden) {
    if (button) { button.classList.remove("is-denied"); void button.offsetWidth; button.classList.add("is-denied"); }
    return;
  }
  if (action === "transfer" || action === "pause" || action === "call") dialogs.open(action);
  else act(action, action === "finish" ? caseForm.payload() : {});
}

document.querySelector(".c-actions").addEventListener("click", (event) => {
  const button = event.target.closest("[data-action]");
  if (button) trigger(button.dataset.action);
});
$("view-console").addEventListener("click", (event) => {
  const button = event.target.closest("[data-call]");
  if (button && !button.disabled) act("call", { number: button.dataset.call });
});

document.addEventListener("keydown", (event) => {
  if (body.dataset.view !== "console" || dialogs.anyOpen || passwordDialog.isOpen) return;
  if (event.ctrlKey || event.altKey || event.metaKey || event.repeat) return;
  const target = event.target instanceof Element ? event.target : body;
  if (target.closest("input, textarea, select")) return;
  if (caseForm.capture(event)) return;  // a digit: a scanned (or typed) case-file code begins
  let action = KEYS[event.code] || null;
  // Space and Enter call the next ticket, unless they are pressing a focused button.
  if (!action && (event.key === " " || event.key === "Enter") && !target.closest("button, a, summary")) action = "call-next";
  if (!action) return;
  event.preventDefault();
  trigger(action);
});

// -- the queue and the live hall --------------------------------------------------------

let queueTimer = null;
let queueSeq = 0;
function scheduleQueue() {
  clearTimeout(queueTimer);
  queueTimer = setTimeout(loadQueue, 150);
}

async function loadQueue() {
  if (state.counterNo === null) return;
  const mine = ++queueSeq;
  try {
    const q = await api(`counters/${state.counterNo}/queue`, { lang: i18n.lang });
    if (mine !== queueSeq) return;  // a newer answer is on its way
    state.queue = q;
    state.queueAt = performance.now();
    if (body.dataset.view === "console") { renderQueue(state, i18n); renderDesk(state, i18n); }
  } catch (err) {
    sessionEnded(err);
  }
}

function setOnline(online) {
  state.online = online;
  $("offline").hidden = online;
  if (body.dataset.view === "console") renderDesk(state, i18n);
}

function connectLive() {
  if (hall) return;
  hall = connectHall({
    events: [...HALL_EVENTS, "ticket_finished"],
    onSnapshot(snap) {
      if (snap.server_time) state.clockOffsetMs = Date.parse(snap.server_time) - Date.now();
      state.services = new Map((snap.services || []).map((s) => [s.code, s]));
      for (const c of snap.counters || []) state.counters.set(c.number, c);
      render();
      loadQueue();
    },
    onEvent(name, payload) {
      if (name === "counter_changed" && payload.state) {
        state.counters.set(payload.counter, payload.state);
        if (payload.counter === state.counterNo || body.dataset.view === "pick") render();
      } else if (name === "queue_changed") {
        const svc = state.services.get(payload.service);
        if (svc) svc.waiting = payload.waiting;
        scheduleQueue();
      }
    },
    onOnline() { setOnline(true); loadQueue(); },
    onOffline() { setOnline(false); },
  });
}

// -- start ----------------------------------------------------------------------------------

$("lang").addEventListener("click", () => i18n.toggle());
i18n.onChange(() => { render(); sayAgain(); });
setInterval(() => { if (body.dataset.view === "console") tickDesk(state, i18n); }, 1000);

(async function boot() {
  try {
    await loggedIn(await api("me", { lang: i18n.lang }));
  } catch (err) {
    showLogin(err instanceof ApiError && err.status === 401 ? "" : () => errorText(err));
  }
})();
