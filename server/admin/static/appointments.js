// A day's bookings (/admin/appointments), for staff and up: in slot order, with their status, names and phones.

import { adminI18n, banner, pageCalls, startShell } from "./admin-shell.js";

export const APPT = {
  "appt.title": ["Lịch hẹn trong ngày", "The day's appointments"],
  "appt.day": ["Ngày", "Day"],
  "appt.empty": ["Không có lịch hẹn nào trong ngày này.", "No appointments on this day."],
  "appt.time": ["Giờ", "Time"],
  "appt.code": ["Mã", "Code"],
  "appt.service": ["Lĩnh vực", "Service"],
  "appt.status": ["Trạng thái", "Status"],
  "appt.ticket": ["Số thứ tự", "Ticket"],
  "appt.name": ["Họ tên", "Name"],
  "appt.phone": ["Điện thoại", "Phone"],
  "appt.late": ["đến muộn", "late"],
  "appt.summary": ["{total} lịch hẹn: {booked} chờ đến, {checked_in} đã lấy số, {served} đã phục vụ, {no_show} không đến, {cancelled} đã huỷ",
    "{total} bookings: {booked} expected, {checked_in} checked in, {served} served, {no_show} no-show, {cancelled} cancelled"],
  "appt.s.booked": ["Chờ đến", "Booked"],
  "appt.s.checked_in": ["Đã lấy số", "Checked in"],
  "appt.s.served": ["Đã phục vụ", "Served"],
  "appt.s.no_show": ["Không đến", "No-show"],
  "appt.s.cancelled": ["Đã huỷ", "Cancelled"],
};

const $ = (id) => document.getElementById(id);
const i18n = adminI18n(APPT);
const say = banner($("appt-message"));
let rows = [];
let call = null;

function today() {
  const tz = document.body.dataset.timezone || "Asia/Ho_Chi_Minh";
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date());
}

function cell(text) {
  const td = document.createElement("td");
  td.textContent = text ?? "—";
  return td;
}

function render() {
  i18n.apply();
  const counts = { booked: 0, checked_in: 0, served: 0, no_show: 0, cancelled: 0 };
  for (const r of rows) counts[r.status] = (counts[r.status] || 0) + 1;
  $("appt-summary").textContent = i18n.t("appt.summary", { total: rows.length, ...counts });
  $("appt-empty").hidden = rows.length > 0;
  $("appt-table").hidden = rows.length === 0;
  $("appt-rows").replaceChildren(...rows.map((r) => {
    const tr = document.createElement("tr");
    tr.dataset.status = r.status;
    const status = i18n.t(`appt.s.${r.status}`) + (r.late ? ` (${i18n.t("appt.late")})` : "");
    tr.append(cell(`${r.start}–${r.end}`), cell(r.code), cell(i18n.name(r.service_name) || r.service), cell(status),
      cell(r.ticket), cell(r.name), cell(r.phone));
    return tr;
  }));
}

async function load() {
  rows = await call(`appointments?date=${encodeURIComponent($("appt-day").value || today())}`);
  render();
}

$("appt-day").value = today();
$("appt-day").addEventListener("change", () => { load().catch(() => {}); });
call = pageCalls(i18n, say, () => shell.loginAgain());  // `shell` is set by the time a call fails
const shell = startShell(i18n, {
  role: "staff",
  async onReady() {
    try { await load(); } catch { /* said already */ }
  },
  onLang() { render(); },
});
