// The hall's set-up (/admin/hall), for admins: services, counters, the boards' settings, the center's
// holidays and the boards' notice, read with GET /api/v1/setup and changed through the set-up API. The lists follow
// every `setup_changed` (another admin's change, or an import) without a reload.

import { api, ApiError } from "/static/api.js";
import { HALL_EVENTS, connectHall } from "/static/live.js";
import { adminI18n, banner, startShell } from "./admin-shell.js";
import { attachPicker, parseDay, showDay } from "./datepicker.js";
import { setupBoards } from "./hall-board.js";
import { setupCounterEditor } from "./hall-counter.js";
import { setupPriority } from "./hall-priority.js";
import { $, DAYS, button, clearErrors, el, fieldError, hoursByDay, refusalText, spansText } from "./hall-forms.js";
import { HALL } from "./hall-i18n.js";
import { setupServiceEditor } from "./hall-service.js";
import { NOTICE, startNoticeForm } from "./notice-form.js";

const i18n = adminI18n(HALL, NOTICE);
const timeZone = document.body.dataset.timezone || "Asia/Ho_Chi_Minh";
const state = { services: [], counters: [], holidays: [], boards: {}, priority_categories: [], version: null };
const RETRY_MS = 3000;
const DEBOUNCE_MS = 200;

/** Today in the center's zone, ISO: the calendars open on it. */
function today() {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

const say = banner($("hall-message"));

// -- loading --------------------------------------------------------------------------------------

let loadTimer = null;
let loading = false;
let again = false;

function soon() {
  clearTimeout(loadTimer);
  loadTimer = setTimeout(load, DEBOUNCE_MS);
}

async function load() {
  if (loading) { again = true; return; }
  loading = true;
  try {
    const setup = await api("setup", { lang: i18n.lang });
    Object.assign(state, { services: setup.services, counters: setup.counters, holidays: setup.holidays,
      boards: setup.boards || {}, priority_categories: setup.priority_categories || [], version: setup.version });
    document.body.dataset.version = String(setup.version);
    render();
    boards.loadDevices();  // a display paired meanwhile shows up with the next change
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) shell.loginAgain();
    else { say(i18n.t("hall.load_error"), "warn"); clearTimeout(loadTimer); loadTimer = setTimeout(load, RETRY_MS); }
  } finally {
    loading = false;
    if (again) { again = false; soon(); }
  }
}

function render() {
  renderServices();
  renderCounters();
  renderHolidays();
  counters.render();
  boards.render();
  priority.render();
}

// -- services -------------------------------------------------------------------------------------

const short = (day) => i18n.t(`dow.${day}`);

/** ["T2–T6: 07:30-11:30, 13:30-17:00", "T7: 07:30-11:30"]: runs of days with the same hours, a line each. */
function hoursSummary(hours) {
  const { same, days } = hoursByDay(hours);
  if (same) return [`${i18n.t("hours.every_day")}: ${spansText(days.mon)}`];
  const runs = [];
  for (const day of DAYS) {
    const text = spansText(days[day]);
    const last = runs[runs.length - 1];
    if (last && last.text === text) last.to = day;
    else runs.push({ from: day, to: day, text });
  }
  const open = runs.filter((r) => r.text);
  if (!open.length) return [i18n.t("hours.never")];
  return open.map((r) => `${short(r.from)}${r.to !== r.from ? `–${short(r.to)}` : ""}: ${r.text}`);
}

function servedBy(code) {
  return state.counters.filter((c) => c.services.includes(code)).map((c) => c.number);
}

function renderServices() {
  $("services").tBodies[0].replaceChildren(...state.services.map((s) => {
    const counterNumbers = servedBy(s.code);
    const extras = [
      s.group ? el("span", { class: "a-chip" }, i18n.name(s.group)) : null,
      s.priority_allowed ? el("span", { class: "a-chip" }, i18n.t("svc.priority")) : null,
      counterNumbers.length ? el("span", { class: "a-note" }, counterNumbers.map((n) => i18n.t("counter", { counter: n })).join(", "))
        : el("span", { class: "a-chip a-chip--warn" }, i18n.t("svc.no_counter")),
    ];
    const limits = [s.last_ticket_at ? i18n.t("svc.last_ticket", { time: s.last_ticket_at }) : null,
      s.closed_days && s.closed_days.length ? i18n.t("svc.closed_days", { n: s.closed_days.length }) : null].filter(Boolean);
    const state_ = s.open === false
      ? [el("span", { class: "a-chip a-chip--danger" }, i18n.t("svc.is_closed")),
        s.closed_reason ? el("span", { class: "a-note h-reason" }, i18n.name(s.closed_reason)) : null]
      : [el("span", { class: "a-chip a-chip--ok" }, i18n.t("svc.is_open"))];
    return el("tr", { dataset: { service: s.code, open: String(s.open !== false) } },
      el("td", {}, el("div", { class: "h-name" }, el("span", { class: "a-code" }, s.code), el("strong", {}, i18n.name(s.name))),
        el("div", { class: "h-extras" }, extras)),
      el("td", { class: "a-nowrap" }, s.numbers),
      el("td", { class: "h-hours-cell" }, hoursSummary(s.hours).map((line) => el("div", { class: "h-run" }, line)),
        limits.length ? el("div", { class: "a-note" }, limits.join(" · ")) : null),
      el("td", { class: "num" }, String(s.daily_cap ?? "—")),
      el("td", {}, el("div", { class: "h-state" }, state_)),
      el("td", {}, el("div", { class: "p-actions" },
        button(i18n.t("svc.edit"), { edit: s.code }, { label: `${i18n.t("svc.edit")} ${s.code}` }),
        s.open === false ? button(i18n.t("svc.open"), { reopen: s.code }) : button(i18n.t("svc.close"), { close: s.code }))));
  }));
}

$("services").addEventListener("click", (event) => {
  const b = event.target.closest("button");
  if (!b) return;
  if (b.dataset.edit) services.open(b.dataset.edit);
  else if (b.dataset.close) services.openClose(b.dataset.close);
  else if (b.dataset.reopen) services.reopen(b.dataset.reopen);
});
$("service-new").addEventListener("click", () => services.open());

// -- counters -------------------------------------------------------------------------------------

function renderCounters() {
  $("counters").tBodies[0].replaceChildren(...state.counters.map((c) => el("tr", { dataset: { counter: String(c.number) } },
    el("td", {}, el("div", { class: "h-name" }, el("span", { class: "a-code" }, String(c.number)), el("strong", {}, i18n.name(c.name))),
      c.display_name ? el("div", { class: "a-note" }, `${i18n.t("col.display_name")}: ${i18n.name(c.display_name)}`) : null),
    el("td", { class: "a-wrap" }, el("ol", { class: "h-inline-list" }, c.services.map((code) => {
      const s = state.services.find((x) => x.code === code);
      return el("li", { class: "a-chip", title: s ? i18n.name(s.name) : code }, code);
    }))),
    el("td", {}, i18n.t(`picking.${c.picking || "oldest_first"}.short`)),
    el("td", {}, c.priority_ratio || i18n.t("cnt.none")),
    el("td", {}, button(i18n.t("svc.edit"), { edit: String(c.number) }, { label: i18n.t("cnt.title_edit", { number: c.number }) })))));
}

$("counters").addEventListener("click", (event) => {
  const b = event.target.closest("button[data-edit]");
  if (b) counters.open(Number(b.dataset.edit));
});
$("counter-new").addEventListener("click", () => counters.open());

// -- holidays: the whole list is sent each time (PUT /holidays) -----------------------------------------

function renderHolidays() {
  const list = [...state.holidays].sort((a, b) => a.date.localeCompare(b.date));
  $("holidays-none").hidden = list.length > 0;
  $("holidays").hidden = list.length === 0;
  $("holidays").tBodies[0].replaceChildren(...list.map((h) => el("tr", { dataset: { day: h.date } },
    el("td", { class: "a-nowrap" }, showDay(h.date)),
    el("td", {}, i18n.name(h.name)),
    el("td", {}, button(i18n.t("hol.remove"), { removeHoliday: h.date })))));
}

async function putHolidays(holidays) {
  const saved = await api("holidays", { method: "PUT", body: { holidays }, lang: i18n.lang });
  state.holidays = saved.holidays;
  renderHolidays();
  say(i18n.t("hol.saved"));
}

function holidayError(err) {
  if (err instanceof ApiError && err.status === 401) return shell.loginAgain();
  const field = err instanceof ApiError ? (err.params.field || "").replace(/^holidays\.\d+\./, "") : "";
  if (!fieldError($("holiday-add"), field, refusalText(i18n, err))) {
    $("holiday-error").textContent = refusalText(i18n, err);
    $("holiday-error").hidden = false;
  }
}

$("holiday-add").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = $("holiday-add");
  clearErrors(form);
  $("holiday-error").hidden = true;
  const date = parseDay($("holiday-date").value);
  const name = { vi: $("holiday-vi").value.trim(), en: $("holiday-en").value.trim() };
  if (!date) return fieldError(form, "date", i18n.t("f.bad_day"));
  if (!name.vi) return fieldError(form, "name.vi", i18n.t("hol.need_name"));
  if (state.holidays.some((h) => h.date === date)) return fieldError(form, "date", i18n.t("hol.twice", { day: showDay(date) }));
  try {
    await putHolidays([...state.holidays, { date, name }]);
    form.reset();
    $("holiday-date").focus();
  } catch (err) {
    holidayError(err);
  }
});

$("holidays").addEventListener("click", async (event) => {
  const b = event.target.closest("[data-remove-holiday]");
  if (!b) return;
  try {
    await putHolidays(state.holidays.filter((h) => h.date !== b.dataset.removeHoliday));
  } catch (err) {
    holidayError(err);
  }
});

attachPicker($("holiday-date"), document.querySelector('[data-calendar="holiday-date"]'), { i18n, today });
$("holiday-vi").placeholder = i18n.t("hol.example");

// -- dialogs, start ---------------------------------------------------------------------------------

for (const dialog of document.querySelectorAll(".p-dialog")) {
  dialog.addEventListener("click", (event) => {
    if (event.target.closest("[data-close]")) dialog.close();
  });
}

const shell = startShell(i18n, {
  role: "admin",
  onReady() {
    load();
    connectHall({
      events: [...new Set([...HALL_EVENTS, "setup_changed"])],
      onSnapshot: (snap) => { notice.show(snap.notice); soon(); },
      onEvent: (name, payload) => {
        if (name === "notice_changed") notice.show(payload.notice);
        else if (name === "setup_changed") soon();
      },
      onOnline: () => shell.setLive(true),
      onOffline: () => shell.setLive(false),
    });
  },
  onLang() {
    render();
    notice.render();
    $("holiday-vi").placeholder = i18n.t("hol.example");
  },
});
const notice = startNoticeForm(i18n, { onLoggedOut: () => shell.loginAgain() });
const onLoggedOut = () => shell.loginAgain();
const services = setupServiceEditor({ i18n, today, state, say, onLoggedOut });
const counters = setupCounterEditor({ i18n, state, say, onLoggedOut });
const boards = setupBoards({ i18n, state, say, onLoggedOut });
const priority = setupPriority({ i18n, state, say, onLoggedOut });
