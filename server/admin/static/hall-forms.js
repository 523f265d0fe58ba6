// What the hall set-up page's editors share: building elements, a refusal said next to its field,
// opening hours typed as text, and the would_strand confirmation that sends the change again.

import { api, ApiError } from "/static/api.js";
import { el } from "./admin-shell.js";

export const $ = (id) => document.getElementById(id);
export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

export { el };  // the hall page's modules take it from here with the rest

export function button(text, data = {}, { quiet = true, label = null, cls = "" } = {}) {
  return el("button", { type: "button", class: `a-button${quiet ? " a-button--quiet" : ""} ${cls}`.trim(),
    dataset: data, "aria-label": label }, text);
}

/** {vi, en} from two fields; null when both are empty (an optional pair the API takes as null). */
export function pair(viId, enId, { required = false } = {}) {
  const vi = $(viId).value.trim();
  const en = $(enId).value.trim();
  if (!vi && !en && !required) return null;
  return { vi, en };
}

export function fillPair(viId, enId, value) {
  $(viId).value = value ? value.vi || "" : "";
  $(enId).value = value ? value.en || "" : "";
}

/** The keys of `after` whose value differs from `before`'s: what a PATCH needs to carry. */
export function changed(before, after) {
  const out = {};
  for (const [key, value] of Object.entries(after)) {
    if (JSON.stringify(value ?? null) !== JSON.stringify(before[key] ?? null)) out[key] = value;
  }
  return out;
}

// -- opening hours as text: "07:30-11:30, 13:30-17:00" ----------------------------------------

const SPAN = /^(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})$/;

/** {spans: ["07:30-11:30", ...], bad: "the first span that is not one" | null} */
export function parseSpans(text) {
  const spans = [];
  for (const raw of text.split(/[,;]/)) {
    const token = raw.trim();
    if (!token) continue;
    const m = SPAN.exec(token);
    if (!m) return { spans, bad: token };
    const [h1, m1, h2, m2] = m.slice(1).map(Number);
    const start = h1 * 60 + m1;
    const end = h2 * 60 + m2;
    if (m1 > 59 || m2 > 59 || start >= end || end > 24 * 60) return { spans, bad: token };
    const pad = (n) => String(n).padStart(2, "0");
    spans.push(`${pad(h1)}:${m[2]}-${pad(h2)}:${m[4]}`);
  }
  return { spans, bad: null };
}

export const spansText = (spans) => (spans || []).join(", ");

/** Hours the API's way ([...] every day, or {mon: [...], ...}) as {same, days: {mon: [...], ...}}. */
export function hoursByDay(hours) {
  if (Array.isArray(hours)) return { same: true, days: Object.fromEntries(DAYS.map((d) => [d, hours])) };
  const days = Object.fromEntries(DAYS.map((d) => [d, (hours && hours[d]) || []]));
  const first = JSON.stringify(days.mon);
  return { same: DAYS.every((d) => JSON.stringify(days[d]) === first) && days.mon.length > 0, days };
}

// -- refusals next to their field ---------------------------------------------------------------

// Codes whose field the API may leave unsaid.
const FIELD_OF_CODE = { service_code_in_use: "code", numbers_overlap: "numbers", counter_number_in_use: "number",
  unknown_service: "services" };
// The page's own rule for a field, said for invalid_value and missing_field instead of the API's field names.
const RULE_OF = { code: "rule.code", name: "rule.name", numbers: "rule.numbers", daily_cap: "rule.daily_cap",
  last_ticket_at: "rule.time", note: "rule.note", default_service_time_s: "rule.minutes", target_wait_s: "rule.minutes",
  number: "rule.number", services: "rule.services", priority_ratio: "rule.ratio", hours: "f.hours_hint",
  closed_days: "f.bad_day", date: "f.bad_day" };

export function clearErrors(form) {
  for (const p of form.querySelectorAll(".h-error[data-for]")) p.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
}

/** The box (data-field) that holds `field`: "hours.mon.1" → hours.mon, else hours; "name" → name.vi. */
function boxOf(form, field) {
  let path = field;
  while (path) {
    const box = form.querySelector(`[data-field="${CSS.escape(path)}"]`) || form.querySelector(`[data-field^="${CSS.escape(path)}."]`);
    if (box) return box;
    path = path.includes(".") ? path.slice(0, path.lastIndexOf(".")) : "";
  }
  return null;
}

/** Say `text` under the box of `field` in `form`; false when the form has no such field. */
export function fieldError(form, field, text) {
  const box = field ? boxOf(form, field) : null;
  if (!box) return false;
  const id = `err-${form.id}-${box.dataset.field.replace(/\W/g, "-")}`;
  const note = el("p", { class: "h-error", id, role: "alert", dataset: { for: box.dataset.field } }, text);
  box.append(note);
  const input = box.matches("input, select, textarea") ? box : box.querySelector("input, select, textarea");
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-errormessage", id);
    input.focus();
  }
  return true;
}

/** An API refusal in words: the page's rule for a field where it has one, else the catalog's or the server's. */
export function refusalText(i18n, err) {
  if (!(err instanceof ApiError)) return i18n.error("network");
  const field = err.params.field || FIELD_OF_CODE[err.code] || "";
  const rule = RULE_OF[field.split(".")[0]] || RULE_OF[field.split(".").pop()];
  if ((err.code === "invalid_value" || err.code === "missing_field") && rule) return i18n.t(rule);
  return i18n.error(err);
}

/** A line in a form's banner: "danger" for a refusal, "warn" for a change not made. */
export function note(banner, text, kind = "danger") {
  banner.textContent = text;
  banner.className = `hq-banner hq-banner--${kind} a-message`;
  banner.hidden = !text;
}

/** Show a refusal next to its field, or in the form's banner. */
export function showRefusal(i18n, form, banner, err) {
  const field = err instanceof ApiError ? err.params.field || FIELD_OF_CODE[err.code] : null;
  const text = refusalText(i18n, err);
  note(banner, "");
  if (!fieldError(form, field, text)) note(banner, text);
}

// -- would_strand: ask, then the same change again with confirm: true -----------------------------

export class Cancelled extends Error {}

function askStrand(i18n, { waiting, text, go }) {
  const dialog = $("dlg-strand");
  $("strand-title").textContent = i18n.t("strand.title", { waiting });
  $("strand-text").textContent = text;
  $("strand-go").textContent = go;
  i18n.apply(dialog);
  return new Promise((resolve) => {
    const done = (answer) => {
      dialog.removeEventListener("close", onClose);
      $("strand-form").removeEventListener("submit", onGo);
      resolve(answer);
    };
    const onClose = () => done(false);
    const onGo = (event) => { event.preventDefault(); dialog.removeEventListener("close", onClose); dialog.close(); done(true); };
    dialog.addEventListener("close", onClose);
    $("strand-form").addEventListener("submit", onGo);
    dialog.showModal();
    $("strand-cancel").focus();  // the safe answer is the one Enter gives
  });
}

/**
 * Send a change; a 409 would_strand asks first (`strand(waiting)` → {text, go}) and sends it again with
 * confirm: true. Rejects with Cancelled when the person says no (nothing was changed), else the ApiError.
 */
export async function send(i18n, path, method, body, strand) {
  try {
    return await api(path, { method, body, lang: i18n.lang });
  } catch (err) {
    if (!(err instanceof ApiError) || err.code !== "would_strand" || !strand) throw err;
    const waiting = err.params.waiting;
    if (!(await askStrand(i18n, { waiting, ...strand(waiting) }))) throw new Cancelled();
    return api(path, { method, body: { ...body, confirm: true }, lang: i18n.lang });
  }
}
