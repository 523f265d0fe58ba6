// The rating tablet facing the citizen at counter n (/rating/{n}#token=hqd_…): locked until the
// counter finishes a ticket, then four large faces; a low score asks for a reason; thanks;
// locked again when the server's window (rating.unlock_seconds) is over. One rating a ticket.

import { api, ApiError, pairedToken } from "/static/api.js";
import { COMMON, createI18n } from "/static/i18n.js";
import { HALL_EVENTS, connectHall } from "/static/live.js";
import { RATING } from "./rating-i18n.js";

const TOKEN_KEY = "hallq.rating.token";
const THANKS_MS = 6000;   // the thank-you stays this long, then the tablet locks
const NOTICE_MS = 5000;   // "already rated" / "too late", then locked

const $ = (id) => document.getElementById(id);
const body = document.body;
const counter = Number(body.dataset.counter);
const i18n = createI18n([COMMON, RATING], { lang: "vi" });
const state = {
  token: readToken(), ticket: null, deadline: 0, total: 1, reasons: [], lowScore: 2,
  score: null, reason: null, sending: false, counterName: null, center: null, services: new Map(),
  rated: new Set(), paired: true,
};
let lockTimer = null;

function readToken() {
  return pairedToken(TOKEN_KEY);
}

const ticketKey = (t) => `${t.number}|${t.finished_at}`;

// -- screens --------------------------------------------------------------------------------

function show(screen) {
  body.dataset.screen = screen;
  for (const section of document.querySelectorAll(".r-screen")) section.hidden = section.id !== `screen-${screen}`;
  $("countdown").hidden = !(screen === "rate" || screen === "reason");
  if (screen !== "reason") message("");
  render();
}

function message(text) {
  $("message").textContent = text;
  $("message").hidden = !text;
}

function render() {
  i18n.apply();
  $("counter-name").textContent = state.counterName ? i18n.name(state.counterName) : i18n.t("counter", { counter });
  $("center-name").textContent = state.center ? i18n.name(state.center) : "";
  $("pairing-text").textContent = i18n.t("pairing.text", { url: `${location.origin}/rating/${counter}` });
  const t = state.ticket;
  if (t) {
    const svc = state.services.get(t.service);
    $("rate-ticket").textContent = i18n.t("rating.ticket", { number: t.number, service: svc ? i18n.name(svc) : t.service });
  }
  if (state.score) $("reason-chosen").textContent = i18n.t("rating.reason.chosen", { score: i18n.t(`score.${state.score}`) });
  renderReasons();
}

function renderReasons() {
  $("reasons").replaceChildren(...state.reasons.map((r) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "r-reason";
    button.setAttribute("role", "radio");
    button.setAttribute("aria-checked", String(state.reason === r.code));
    button.dataset.reason = r.code;
    button.textContent = i18n.name(r.name);
    return button;
  }));
  $("reason-send").disabled = !state.reason || state.sending;
}

function showPairing(reasonKey, params) {
  state.paired = false;
  lock(false);
  $("pairing-reason").hidden = !reasonKey;
  $("pairing-reason").textContent = reasonKey ? i18n.t(reasonKey, params) : "";
  show("pairing");
}

// -- locked and unlocked ----------------------------------------------------------------

function lock(showScreen = true) {
  clearTimeout(lockTimer);
  state.ticket = null;
  state.score = null;
  state.reason = null;
  $("comment").value = "";
  i18n.setLang("vi");  // the next citizen starts in Vietnamese
  if (showScreen && state.paired) show("locked");
}

function unlock(target) {
  const same = state.ticket && ticketKey(state.ticket) === ticketKey(target.ticket);
  state.ticket = target.ticket;
  state.total = Math.max(1, target.seconds_left);
  state.deadline = Date.now() + target.seconds_left * 1000;
  clearTimeout(lockTimer);
  if (!same || !["rate", "reason"].includes(body.dataset.screen)) {
    state.score = null;
    state.reason = null;
    $("comment").value = "";
    show("rate");
  }
  tick();
}

/** Ask the server what may be rated now: on load, on every finish here, after reconnecting. */
async function check() {
  if (!state.token) { showPairing(null); return; }
  try {
    const target = await api(`counters/${counter}/rating`, { token: state.token, lang: i18n.lang });
    state.paired = true;
    state.reasons = target.reasons || [];
    state.lowScore = target.low_score || 2;
    if (target.ticket && !state.rated.has(ticketKey(target.ticket))) unlock(target);
    else if (["loading", "pairing", "rate", "reason"].includes(body.dataset.screen)) lock();
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) showPairing("pairing.rejected");
    else if (err instanceof ApiError && err.code === "unknown_counter") showPairing("pairing.unknown_counter", { counter });
    else if (body.dataset.screen === "loading") lock();  // no answer: locked until the hall is back
  }
}

function tick() {
  if (!["rate", "reason"].includes(body.dataset.screen)) return;
  const left = state.deadline - Date.now();
  $("countdown-bar").style.transform = `scaleX(${Math.max(0, Math.min(1, left / (state.total * 1000)))})`;
  if (left <= 0 && !state.sending) lock();
}

// -- rating ---------------------------------------------------------------------------------

function choose(score) {
  if (state.sending || !state.ticket) return;
  state.score = score;
  if (score <= state.lowScore && state.reasons.length) {
    state.reason = null;
    show("reason");
  } else {
    send();
  }
}

async function send() {
  if (state.sending || !state.ticket) return;
  state.sending = true;
  render();
  const payload = { score: state.score };
  if (state.reason) payload.reason = state.reason;
  const comment = $("comment").value.trim();
  if (comment && state.score <= state.lowScore) payload.comment = comment;
  const ticket = state.ticket;
  try {
    await api(`counters/${counter}/rating`, { method: "POST", body: payload, token: state.token, lang: i18n.lang });
    finish(ticket, "rating.thanks.title", "rating.thanks.text", THANKS_MS);
  } catch (err) {
    const code = err instanceof ApiError ? err.code : "network";
    if (code === "already_rated") finish(ticket, "rating.already", null, NOTICE_MS);
    else if (code === "nothing_to_rate") finish(ticket, "rating.expired", null, NOTICE_MS);
    else if (err instanceof ApiError && (err.status === 401 || err.status === 403)) showPairing("pairing.rejected");
    else message(i18n.error(code));
  } finally {
    state.sending = false;
    render();
  }
}

function finish(ticket, titleKey, textKey, ms) {
  state.rated.add(ticketKey(ticket));
  $("thanks-title").dataset.i18n = titleKey;
  $("thanks-text").dataset.i18n = textKey || "rating.thanks.text";
  $("thanks-text").hidden = !textKey;
  body.dataset.result = titleKey === "rating.thanks.title" ? "thanks" : "notice";
  show("thanks");
  clearTimeout(lockTimer);
  lockTimer = setTimeout(() => lock(), ms);
}

document.querySelector(".r-faces").addEventListener("click", (event) => {
  const face = event.target.closest("[data-score]");
  if (face) choose(Number(face.dataset.score));
});
$("reasons").addEventListener("click", (event) => {
  const button = event.target.closest("[data-reason]");
  if (!button) return;
  state.reason = button.dataset.reason;
  renderReasons();
});
$("reason-send").addEventListener("click", () => send());
$("reason-back").addEventListener("click", () => { state.score = null; state.reason = null; show("rate"); });
$("lang").addEventListener("click", () => i18n.toggle());
i18n.onChange(() => render());
setInterval(tick, 250);

// -- live -----------------------------------------------------------------------------------

connectHall({
  token: state.token,  // the live feed is closed to anonymous clients when the public board is off
  events: [...HALL_EVENTS, "ticket_finished"],
  onSnapshot(snap) {
    const c = (snap.counters || []).find((x) => x.number === counter);
    state.counterName = c ? c.name : null;
    state.center = snap.center ? snap.center.name : null;
    state.services = new Map((snap.services || []).map((s) => [s.code, s.name]));
    render();
    check();  // a finish may have happened while we were away
  },
  onEvent(name, payload) {
    if (payload.counter !== counter) return;
    if (name === "ticket_finished") check();
    else if (name === "ticket_rated" && ["rate", "reason"].includes(body.dataset.screen) && !state.sending) check();
    else if (name === "counter_changed" && payload.state) { state.counterName = payload.state.name; render(); }
  },
  onOnline() { $("offline").hidden = true; },
  onOffline() { $("offline").hidden = false; },
});
check();
