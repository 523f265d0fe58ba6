// The service editor on /admin/hall: a new service or an existing one, in a dialog. Opening hours are
// typed per weekday (Mon..Sun, "07:30-11:30, 13:30-17:00") with a "same every day" shortcut; the
// service's own closed days are picked on a calendar. Saving sends POST /services, or a PATCH with
// only what changed; closing a service with people waiting asks first (would_strand).

import { attachPicker, parseDay, showDay } from "./datepicker.js";
import { $, Cancelled, DAYS, button, changed, clearErrors, el, fieldError, fillPair, hoursByDay, pair, parseSpans,
  note, send, showRefusal, spansText } from "./hall-forms.js";

// A new service starts as a Vietnamese center's week: Monday to Friday, morning and afternoon.
const WORKDAY = ["07:30-11:30", "13:30-17:00"];
const NEW_HOURS = Object.fromEntries(DAYS.slice(0, 5).map((d) => [d, WORKDAY]));
const MINUTE = 60;

export function setupServiceEditor({ i18n, today, state, say, onLoggedOut }) {
  const form = $("service-form");
  const dialog = $("dlg-service");
  let editing = null;  // the service as loaded, or null for a new one
  let days = [];       // its closed days, ISO

  // -- opening hours ---------------------------------------------------------------------------

  function hoursRows() {
    const rows = [el("div", { class: "h-hours__row", dataset: { field: "hours.every", every: "true" } },
      el("label", { for: "svc-hours-every", class: "h-day" }, i18n.t("f.every_day")),
      el("input", { id: "svc-hours-every", spellcheck: "false", placeholder: spansText(WORKDAY), "aria-describedby": "svc-hours-hint" }))];
    for (const day of DAYS) {
      rows.push(el("div", { class: "h-hours__row", dataset: { field: `hours.${day}`, day } },
        el("label", { for: `svc-hours-${day}`, class: "h-day" }, i18n.t(`day.${day}`)),
        el("input", { id: `svc-hours-${day}`, spellcheck: "false", placeholder: i18n.t("f.closed"), "aria-describedby": "svc-hours-hint" })));
    }
    $("svc-hours-rows").replaceChildren(...rows);
  }

  function showSame() {
    const same = $("svc-same").checked;
    for (const row of $("svc-hours-rows").children) row.hidden = same ? !row.dataset.every : Boolean(row.dataset.every);
    $("svc-copy-monday").hidden = same;
  }

  function fillHours(hours) {
    const { same, days: byDay } = hoursByDay(hours);
    $("svc-same").checked = same;
    $("svc-hours-every").value = spansText(byDay.mon);
    for (const day of DAYS) $(`svc-hours-${day}`).value = spansText(byDay[day]);
    showSame();
  }

  // Switching between "same every day" and per day carries what was typed over.
  $("svc-same").addEventListener("change", () => {
    if ($("svc-same").checked) $("svc-hours-every").value = $("svc-hours-mon").value;
    else for (const day of DAYS) $(`svc-hours-${day}`).value = $("svc-hours-every").value;
    showSame();
    ($("svc-same").checked ? $("svc-hours-every") : $("svc-hours-mon")).focus();
  });
  $("svc-copy-monday").addEventListener("click", () => {
    for (const day of DAYS.slice(1, 5)) $(`svc-hours-${day}`).value = $("svc-hours-mon").value;
  });

  /** The hours the API's way, or null after saying which row is wrong. */
  function readHours() {
    if ($("svc-same").checked) {
      const { spans, bad } = parseSpans($("svc-hours-every").value);
      if (bad) { fieldError(form, "hours.every", i18n.t("f.bad_span", { span: bad })); return null; }
      return spans;
    }
    const out = {};
    for (const day of DAYS) {
      const { spans, bad } = parseSpans($(`svc-hours-${day}`).value);
      if (bad) { fieldError(form, `hours.${day}`, i18n.t("f.bad_span", { span: bad })); return null; }
      if (spans.length) out[day] = spans;  // a day left out is a day closed
    }
    return out;
  }

  // -- closed days -------------------------------------------------------------------------------

  function renderDays() {
    $("svc-days").replaceChildren(...(days.length ? days.map((iso) => el("li", { class: "h-chip", dataset: { day: iso } },
      showDay(iso), button("×", { removeDay: iso }, { label: i18n.t("f.remove_day", { day: showDay(iso) }), cls: "h-chip__x" })))
      : [el("li", { class: "hq-muted h-chips__none" }, i18n.t("f.closed_days_none"))]));
  }

  function addDay() {
    form.querySelector('[data-for="closed_days"]')?.remove();
    const iso = parseDay($("svc-day").value);
    if (!iso) { fieldError(form, "closed_days", i18n.t("f.bad_day")); return; }
    $("svc-day").removeAttribute("aria-invalid");
    if (!days.includes(iso)) days = [...days, iso].sort();
    $("svc-day").value = "";
    renderDays();
    $("svc-day").focus();
  }

  $("svc-day-add").addEventListener("click", addDay);
  $("svc-day").addEventListener("keydown", (event) => { if (event.key === "Enter") { event.preventDefault(); addDay(); } });
  $("svc-days").addEventListener("click", (event) => {
    const b = event.target.closest("[data-remove-day]");
    if (!b) return;
    days = days.filter((d) => d !== b.dataset.removeDay);
    renderDays();
    $("svc-day").focus();
  });
  attachPicker($("svc-day"), form.querySelector('[data-calendar="svc-day"]'), { i18n, today });

  // -- the form ----------------------------------------------------------------------------------

  // -- appointments ------------------------------------------------------------------------------

  let bookingHoursText = "";  // as filled in: hours given per weekday are kept unless this text changes

  function showBooking() {
    $("svc-booking-fields").hidden = !$("svc-booking").checked;
  }
  $("svc-booking").addEventListener("change", showBooking);

  function fillBooking(b) {
    $("svc-booking").checked = Boolean(b);
    const v = b || { slot_minutes: 15, per_slot: 1, days_ahead: 14, cutoff_minutes: 60, hours: null };
    $("svc-slot").value = v.slot_minutes;
    $("svc-per-slot").value = v.per_slot;
    $("svc-days-ahead").value = v.days_ahead;
    $("svc-cutoff").value = v.cutoff_minutes;
    const byDay = v.hours && !Array.isArray(v.hours);
    bookingHoursText = byDay ? "" : spansText(v.hours || []);
    $("svc-booking-hours").value = bookingHoursText;
    $("svc-booking-hours").placeholder = byDay ? i18n.t("f.booking_by_day") : spansText(WORKDAY);
    showBooking();
  }

  /** The booking settings the API's way (null: none), or undefined after saying what is wrong. */
  function readBooking() {
    if (!$("svc-booking").checked) return null;
    const text = $("svc-booking-hours").value;
    let hours = editing && editing.booking ? editing.booking.hours : null;
    if (text !== bookingHoursText) {
      const { spans, bad } = parseSpans(text);
      if (bad) { fieldError(form, "booking.hours", i18n.t("f.bad_span", { span: bad })); return undefined; }
      hours = spans.length ? spans : null;
    }
    return { slot_minutes: number("svc-slot"), per_slot: number("svc-per-slot"), hours,  // the API's order: unchanged is equal
      days_ahead: number("svc-days-ahead"), cutoff_minutes: number("svc-cutoff") };
  }

  function showReason() {
    $("svc-reason").hidden = $("svc-open").checked;
  }
  $("svc-open").addEventListener("change", showReason);

  function fillGroups() {
    const groups = state.services.map((s) => s.group).filter(Boolean);
    for (const lang of ["vi", "en"]) {
      const names = [...new Set(groups.map((g) => g[lang]).filter(Boolean))].sort((a, b) => a.localeCompare(b, lang));
      $(`group-choices-${lang}`).replaceChildren(...names.map((name) => el("option", { value: name })));
    }
  }

  function open(code = null) {
    editing = code ? state.services.find((s) => s.code === code) || null : null;
    const s = editing || { code: "", name: null, group: null, note: null, numbers: "", hours: NEW_HOURS, closed_days: [],
      daily_cap: 999, last_ticket_at: null, priority_allowed: true, default_service_time_s: 300, target_wait_s: 1800,
      open: true, closed_reason: null };
    clearErrors(form);
    $("service-error").hidden = true;
    $("service-title").textContent = editing ? i18n.t("svc.title_edit", { code: s.code }) : i18n.t("svc.title_new");
    $("service-save").textContent = i18n.t(editing ? "f.save" : "f.create");
    $("svc-code").value = s.code;
    $("svc-code").disabled = Boolean(editing);
    fillPair("svc-name-vi", "svc-name-en", s.name);
    fillPair("svc-group-vi", "svc-group-en", s.group);
    fillPair("svc-note-vi", "svc-note-en", s.note);
    fillPair("svc-reason-vi", "svc-reason-en", s.closed_reason);
    $("svc-numbers").value = s.numbers || "";
    hoursRows();
    fillHours(s.hours);
    days = [...(s.closed_days || [])].sort();
    renderDays();
    $("svc-cap").value = s.daily_cap ?? "";
    $("svc-last").value = s.last_ticket_at || "";
    $("svc-service-time").value = s.default_service_time_s == null ? "" : s.default_service_time_s / MINUTE;
    $("svc-target").value = s.target_wait_s == null ? "" : Math.round(s.target_wait_s / MINUTE);
    $("svc-priority").checked = Boolean(s.priority_allowed);
    $("svc-open").checked = s.open !== false;
    fillBooking(s.booking || null);
    showReason();
    fillGroups();
    i18n.apply(dialog);
    dialog.showModal();
    (editing ? $("svc-name-vi") : $("svc-code")).focus();
  }

  const number = (id) => ($(id).value.trim() === "" ? null : Number($(id).value));
  const seconds = (id) => (number(id) == null ? null : Math.round(number(id) * MINUTE));

  /** The form as a ServiceSpec (without code), or null after saying what is wrong. */
  function read() {
    const hours = readHours();
    if (hours === null) return null;
    const booking = readBooking();
    if (booking === undefined) return null;
    const open = $("svc-open").checked;
    return {
      name: pair("svc-name-vi", "svc-name-en", { required: true }),
      group: pair("svc-group-vi", "svc-group-en"),
      note: pair("svc-note-vi", "svc-note-en"),
      numbers: $("svc-numbers").value.trim(),
      hours,
      closed_days: days,
      daily_cap: number("svc-cap"),
      last_ticket_at: $("svc-last").value.trim() || null,
      priority_allowed: $("svc-priority").checked,
      default_service_time_s: seconds("svc-service-time"),
      target_wait_s: seconds("svc-target"),
      open,
      closed_reason: open ? null : pair("svc-reason-vi", "svc-reason-en"),
      booking,
    };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    $("service-error").hidden = true;
    const spec = read();
    if (!spec) return;
    const save = $("service-save");
    save.disabled = true;
    try {
      if (editing) {
        const body = changed(editing, spec);
        if (Object.keys(body).length) await patch(editing, body);
        say(i18n.t("svc.saved", { code: editing.code }));
      } else {
        const code = $("svc-code").value.trim().toUpperCase();
        await send(i18n, "services", "POST", { code, ...withoutEmpty(spec) });
        say(i18n.t("svc.added", { code }));
      }
      dialog.close();
    } catch (err) {
      if (err instanceof Cancelled) note($("service-error"), i18n.t("strand.cancelled"), "warn");
      else if (err.status === 401) onLoggedOut();
      else showRefusal(i18n, form, $("service-error"), err);
    } finally {
      save.disabled = false;
    }
  });

  /** A PATCH that, closing a service with people waiting, asks first. */
  function patch(service, body) {
    return send(i18n, `services/${encodeURIComponent(service.code)}`, "PATCH", body, (waiting) => ({
      text: i18n.t("strand.service", { waiting, name: i18n.name(service.name) }), go: i18n.t("strand.go_service"),
    }));
  }

  // -- open / close from the list --------------------------------------------------------------------

  let closing = null;
  function openClose(code) {
    closing = state.services.find((s) => s.code === code);
    if (!closing) return;
    clearErrors($("close-form"));
    $("close-error").hidden = true;
    $("close-title").textContent = i18n.t("close.title", { name: i18n.name(closing.name) });
    fillPair("close-vi", "close-en", closing.closed_reason);
    $("close-vi").placeholder = i18n.t("f.reason_example");
    i18n.apply($("dlg-close"));
    $("dlg-close").showModal();
    $("close-vi").focus();
  }

  $("close-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const service = closing;
    clearErrors($("close-form"));
    $("dlg-close").close();  // the strand question, if any, comes in its own dialog
    try {
      await patch(service, { open: false, closed_reason: pair("close-vi", "close-en") });
      say(i18n.t("svc.closed_done", { code: service.code }));
    } catch (err) {
      if (err instanceof Cancelled) return say(i18n.t("strand.cancelled"), "warn");
      if (err.status === 401) return onLoggedOut();
      $("dlg-close").showModal();
      showRefusal(i18n, $("close-form"), $("close-error"), err);
    }
  });

  async function reopen(code) {
    const service = state.services.find((s) => s.code === code);
    try {
      await patch(service, { open: true, closed_reason: null });
      say(i18n.t("svc.opened_done", { code }));
    } catch (err) {
      if (err.status === 401) onLoggedOut();
      else say(err instanceof Cancelled ? i18n.t("strand.cancelled") : i18n.error(err), "danger");
    }
  }

  return { open, openClose, reopen, get editing() { return dialog.open; } };
}

/** A new service's spec without the optional fields left empty: the API's defaults fill them. */
function withoutEmpty(spec) {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== null && v !== ""));
}
