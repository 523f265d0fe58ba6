// Booking an appointment on a phone (/book), and a booking's own page (/book/{token}).
//
// Steps: a service (GET /appointments/services), a day, a free slot (GET /appointments/slots),
// an optional name and phone, then POST /appointments; the answer's token becomes the page's
// address, which shows the code, its QR code (typed or scanned at the kiosk) and the cancel button.

import { api, ApiError } from "/static/api.js";
import { COMMON, createI18n } from "/static/i18n.js";
import { qrSvg } from "/static/qr.js";
import { BOOK } from "./book-i18n.js";

const $ = (id) => document.getElementById(id);
const i18n = createI18n([COMMON, BOOK], { lang: "vi", storageKey: "hallq.status.lang" });
const parts = location.pathname.split("/").filter(Boolean);
const state = {
  view: "loading", services: [], service: null, day: null, slots: [], slot: null, booking: null,
  token: parts.length > 1 ? decodeURIComponent(parts[1]) : null, error: null, busy: false,
  keepDays: 30, graceMinutes: 15, center: null,
};

function show(view) {
  state.view = view;
  document.body.dataset.view = view;
  for (const section of document.querySelectorAll(".s-view")) section.hidden = section.id !== `view-${view}`;
  render();
}

function fail(err) {
  state.error = err instanceof ApiError ? i18n.error(err) : i18n.error("network");
  render();
}

/** A date (YYYY-MM-DD) as the citizen reads it: "Thứ Năm 26/11". */
function dayText(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return `${i18n.t(`weekday.${weekday}`)} ${String(d).padStart(2, "0")}/${String(m).padStart(2, "0")}`;
}

function button(label, sub, onClick, disabled = false) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "b-pick";
  b.disabled = disabled;
  b.append(label);
  if (sub) {
    const small = document.createElement("small");
    small.textContent = sub;
    b.append(small);
  }
  b.addEventListener("click", onClick);
  return b;
}

function render() {
  i18n.apply();
  $("center-name").textContent = state.center ? i18n.name(state.center) : "";
  const err = $("error");
  err.textContent = state.error || "";
  err.hidden = !state.error;
  const svc = state.service;
  if (state.view === "services") {
    const list = $("services");
    list.replaceChildren(...state.services.map((s) => {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "hq-button hq-button--quiet";
      b.textContent = i18n.name(s.name);
      b.addEventListener("click", () => pickService(s));
      return b;
    }));
    $("no-services").hidden = state.services.length > 0;
  } else if (state.view === "days" && svc) {
    $("days-service").textContent = i18n.name(svc.name);
    $("days").replaceChildren(...svc.days.map((d) => button(dayText(d), d === localToday() ? i18n.t("book.today") : d.slice(0, 4),
      () => pickDay(d))));
    $("no-days").hidden = svc.days.length > 0;
  } else if (state.view === "slots" && svc) {
    $("slots-day").textContent = `${i18n.name(svc.name)} · ${dayText(state.day)}`;
    $("slots").replaceChildren(...state.slots.map((s) => button(s.start, s.free > 0 ? i18n.t("book.free", { free: s.free }) : i18n.t("book.full"),
      () => pickSlot(s), s.free < 1)));
    $("no-slots").hidden = state.slots.some((s) => s.free > 0);
  } else if (state.view === "form" && svc) {
    $("sum-service").textContent = i18n.name(svc.name);
    $("sum-when").textContent = i18n.t("book.at", { time: `${state.slot.start}–${state.slot.end}`, date: dayText(state.day) });
    document.querySelector(".b-form .b-hint").textContent = i18n.t("book.privacy", { days: state.keepDays });
    $("submit").disabled = state.busy;
    $("submit").textContent = i18n.t(state.busy ? "book.booking" : "book.submit");
  } else if (state.view === "booking" && state.booking) {
    const b = state.booking;
    document.body.dataset.status = b.status;
    $("code").textContent = b.code;
    $("qr").innerHTML = qrSvg(b.code, { label: i18n.t("book.qr") });
    $("b-service").textContent = i18n.name(b.service_name) || b.service;
    $("b-when").textContent = i18n.t("book.at", { time: `${b.start}–${b.end}`, date: `${dayText(b.date)}/${b.date.slice(0, 4)}` });
    $("b-status").textContent = i18n.t(`book.status.${b.status}`);
    $("b-howto").textContent = i18n.t("book.howto", { grace: state.graceMinutes });
    $("b-howto").hidden = b.status !== "booked";
    $("cancel").hidden = b.status !== "booked";
    $("cancel").disabled = state.busy;
    $("again").hidden = b.status === "booked";
  }
}

function localToday() {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
}

async function loadServices() {
  try {
    state.services = await api("appointments/services", { lang: i18n.lang });
    if (state.services.length) {
      state.keepDays = state.services[0].keep_days;
      state.graceMinutes = state.services[0].grace_minutes;
    }
    state.error = null;
    show("services");
  } catch (err) { fail(err); show("services"); }
}

function pickService(s) {
  state.service = s;
  state.error = null;
  show("days");
}

async function pickDay(day) {
  state.day = day;
  state.error = null;
  try {
    state.slots = await api(`appointments/slots?service=${encodeURIComponent(state.service.code)}&date=${day}`, { lang: i18n.lang });
    show("slots");
  } catch (err) { fail(err); }
}

function pickSlot(slot) {
  state.slot = slot;
  state.error = null;
  show("form");
  $("name").focus({ preventScroll: true });
}

$("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  if (state.busy) return;
  state.busy = true;
  state.error = null;
  render();
  const body = { service: state.service.code, date: state.day, start: state.slot.start, lang: i18n.lang };
  const name = $("name").value.trim();
  const phone = $("phone").value.trim();
  if (name) body.name = name;
  if (phone) body.phone = phone;
  try {
    const made = await api("appointments", { method: "POST", body, lang: i18n.lang });
    state.booking = made;
    state.token = made.token;
    history.replaceState(null, "", `/book/${encodeURIComponent(made.token)}`);
    show("booking");
  } catch (err) {
    fail(err);
    if (err instanceof ApiError && (err.code === "slot_full" || err.code === "slot_unavailable")) {
      await pickDay(state.day);  // the slots as they are now; the message stays
      state.error = i18n.error(err);
      render();
    }
  } finally {
    state.busy = false;
    render();
  }
});

$("cancel").addEventListener("click", async () => {
  if (!window.confirm(i18n.t("book.cancel_confirm"))) return;
  state.busy = true;
  render();
  try {
    state.booking = await api(`appointments/${encodeURIComponent(state.token)}/cancel`, { method: "POST", lang: i18n.lang });
    state.error = null;
  } catch (err) { fail(err); } finally {
    state.busy = false;
    render();
  }
});

async function loadBooking() {
  try {
    api("appointments/services", { lang: i18n.lang }).then((list) => {
      if (list.length) { state.graceMinutes = list[0].grace_minutes; render(); }
    }).catch(() => {});
    state.booking = await api(`appointments/${encodeURIComponent(state.token)}`, { lang: i18n.lang });
    show("booking");
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) show("missing");
    else { fail(err); show("missing"); }
  }
}

for (const back of document.querySelectorAll("[data-back]")) {
  back.addEventListener("click", () => { state.error = null; show(back.dataset.back); });
}
$("lang").addEventListener("click", () => i18n.toggle());
i18n.onChange(render);
i18n.apply();
if (state.token) loadBooking(); else loadServices();
// The center's name, from the public snapshot (a hall that closes it keeps the page's own title only).
api("state", { lang: i18n.lang }).then((snap) => { state.center = snap.center ? snap.center.name : null; render(); }).catch(() => {});
