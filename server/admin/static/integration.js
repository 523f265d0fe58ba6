// For the one-stop office's software (/admin/integration): find a ticket by its case-file code (mã hồ sơ),
// see where each webhook receiver's deliveries stand, and send a dead letter again (admins).

import { adminI18n, banner, errorWords, makeFormat, pageCalls, startShell } from "./admin-shell.js";

export const INTEGRATION = {
  "nav.integration": ["Tích hợp một cửa", "One-stop integration"],
  "int.title": ["Tích hợp với phần mềm một cửa", "Integration with the one-stop software"],
  "int.search": ["Tìm số thứ tự theo mã hồ sơ", "Find a ticket by its case-file code"],
  "int.code": ["Mã hồ sơ (hoặc một phần)", "Case-file code (or a part of it)"],
  "int.find": ["Tìm", "Find"],
  "int.rule": ["Ít nhất 3 ký tự, không phân biệt hoa thường; tối đa 50 kết quả, mới nhất trước.",
    "At least 3 characters, any case; up to 50 results, newest first."],
  "int.too_short": ["Hãy nhập ít nhất 3 ký tự của mã hồ sơ.", "Type at least 3 characters of the case-file code."],
  "int.found_none": ["Không có số thứ tự nào mang mã hồ sơ chứa “{query}”.", "No ticket has a case-file code containing “{query}”."],
  "int.col.code": ["Mã hồ sơ", "Case-file code"],
  "int.col.number": ["Số thứ tự", "Ticket"],
  "int.col.service": ["Lĩnh vực", "Service"],
  "int.col.day": ["Ngày", "Day"],
  "int.col.outcome": ["Kết quả", "Outcome"],
  "int.col.note": ["Ghi chú", "Note"],
  "int.col.staff": ["Cán bộ", "Staff"],
  "int.col.at": ["Lúc", "At"],
  "int.col.name": ["Nơi nhận", "Receiver"],
  "int.col.events": ["Sự kiện", "Events"],
  "int.col.pending": ["Đang chờ gửi", "Waiting"],
  "int.col.state": ["Tình trạng", "State"],
  "int.col.dead": ["Thư lỗi", "Dead letters"],
  "int.col.event": ["Sự kiện", "Event"],
  "int.col.attempts": ["Số lần thử", "Tries"],
  "int.col.answer": ["Trả lời cuối", "Last answer"],
  "int.hooks": ["Webhook", "Webhooks"],
  "int.hooks_note": ["Nơi nhận được khai báo trong config.yaml (webhooks:); khoá bí mật không bao giờ hiển thị.",
    "Receivers are set in config.yaml (webhooks:); their secrets are never shown."],
  "int.hooks_none": ["Chưa khai báo nơi nhận nào.", "No receivers configured."],
  "int.ok": ["Bình thường", "OK"],
  "int.failing": ["Đang thử lại ({count} lần): {error}", "Retrying ({count} tries): {error}"],
  "int.dead": ["Gửi không thành công (thư lỗi)", "Failed deliveries (dead letters)"],
  "int.dead_note": ["Sự kiện bị nơi nhận từ chối nhiều lần được để riêng ở đây để các sự kiện sau vẫn được gửi.",
    "Events a receiver kept refusing wait here, so the ones after them still go."],
  "int.dead_none": ["Không có thư lỗi.", "No dead letters."],
  "int.resend": ["Gửi lại", "Send again"],
  "int.queued": ["Sẽ gửi lại ngay", "Sending again"],
  "int.resent": ["Đã xếp lượt gửi lại sự kiện {event} của số {number}.", "{event} of ticket {number} will be sent again."],
  "case_outcome.received": ["Tiếp nhận hồ sơ", "Application received"],
  "case_outcome.returned": ["Trả kết quả", "Result returned"],
  "case_outcome.guidance": ["Hướng dẫn thủ tục", "Guidance only"],
  "case_outcome.incomplete": ["Hồ sơ chưa đầy đủ", "Incomplete documents"],
};

const $ = (id) => document.getElementById(id);
const i18n = adminI18n(INTEGRATION);
const fmt = makeFormat(i18n, document.body.dataset.timezone || "Asia/Ho_Chi_Minh");
const say = banner($("int-message"));
const call = pageCalls(i18n, say, () => shell.loginAgain());
const state = { me: null, query: "", found: null, hooks: [], dead: [], services: new Map() };

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text == null || text === "" ? i18n.t("none") : String(text);
  if (cls) td.className = cls;
  return td;
}

const stamp = (iso) => (iso ? `${fmt.day(iso.slice(0, 10))} ${fmt.time(iso)}` : i18n.t("none"));
const outcome = (code) => (code ? i18n.t(`case_outcome.${code}`) : "");

function renderFound() {
  const body = $("case-results").tBodies[0];
  body.replaceChildren();
  const rows = state.found || [];
  for (const { ticket, case: c } of rows) {
    const tr = document.createElement("tr");
    tr.dataset.code = c.code || "";
    tr.append(cell(c.code), cell(ticket.number),
      cell(state.services.has(ticket.service) ? i18n.name(state.services.get(ticket.service)) : ticket.service), cell(fmt.day(ticket.business_day)),
      cell(outcome(c.outcome)), cell(c.note, "a-wrap"), cell(c.staff), cell(stamp(c.at)));
    body.append(tr);
  }
  $("case-results-wrap").hidden = !rows.length;
  $("case-empty").hidden = state.found === null || rows.length > 0;
  $("case-empty").textContent = i18n.t("int.found_none", { query: state.query });
}

function renderHooks() {
  const body = $("hooks").tBodies[0];
  body.replaceChildren();
  for (const h of state.hooks) {
    const tr = document.createElement("tr");
    tr.dataset.name = h.name;
    const name = cell(h.name);
    const url = document.createElement("div");
    url.className = "a-note";
    url.textContent = h.url;
    name.append(url);
    const health = h.failures ? i18n.t("int.failing", { count: h.failures, error: h.last_error || "" }) : i18n.t("int.ok");
    tr.append(name, cell(h.events.join(", "), "a-wrap"), cell(fmt.number(h.pending), "num"), cell(health, "a-wrap"),
      cell(fmt.number(h.dead_letters), "num"));
    if (h.failures) tr.dataset.level = "near";
    body.append(tr);
  }
  $("hooks-wrap").hidden = !state.hooks.length;
  $("hooks-empty").hidden = state.hooks.length > 0;

  const dead = $("dead").tBodies[0];
  dead.replaceChildren();
  const admin = state.me && state.me.role === "admin";
  for (const d of state.dead) {
    const tr = document.createElement("tr");
    tr.dataset.id = d.id;
    const answer = d.last_status ? `${d.last_status} ${d.last_error || ""}` : d.last_error;
    const act = document.createElement("td");
    if (admin) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "a-button a-button--quiet";
      button.dataset.resend = d.id;
      button.disabled = d.resend;
      button.textContent = i18n.t(d.resend ? "int.queued" : "int.resend");
      act.append(button);
    }
    tr.append(cell(d.receiver), cell(d.event), cell(d.number), cell(fmt.number(d.attempts), "num"),
      cell(answer, "a-wrap"), cell(stamp(d.at)), act);
    dead.append(tr);
  }
  $("dead-wrap").hidden = !state.dead.length;
  $("dead-empty").hidden = state.dead.length > 0;
}

async function loadHooks() {
  [state.hooks, state.dead] = await Promise.all([call("webhooks"), call("webhooks/dead-letters")]);
  renderHooks();
}

$("case-search").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("case-query");
  state.query = input.value.trim();
  input.removeAttribute("aria-invalid");
  if (state.query.length < 3) {  // said in words here; the API would name its field
    input.setAttribute("aria-invalid", "true");
    say(i18n.t("int.too_short"), "warn");
    return;
  }
  try {
    state.found = await call(`tickets?case_code=${encodeURIComponent(state.query)}`);
    renderFound();
  } catch (err) {
    input.setAttribute("aria-invalid", "true");
    say(errorWords(i18n, err), "danger");
  }
});

$("dead").addEventListener("click", async (event) => {
  const button = event.target.closest("[data-resend]");
  if (!button) return;
  button.disabled = true;
  try {
    const { dead_letter: d } = await call(`webhooks/dead-letters/${button.dataset.resend}/resend`, { method: "POST", body: {} });
    say(i18n.t("int.resent", { event: d.event, number: d.number || "" }));
    await loadHooks();
  } catch (err) {
    button.disabled = false;
    say(errorWords(i18n, err), "danger");
  }
});

const shell = startShell(i18n, {
  role: "supervisor",
  async onReady(me) {
    state.me = me;
    try {
      const services = await call("services");
      state.services = new Map(services.map((s) => [s.code, s.name]));
      await loadHooks();
    } catch { /* said already */ }
    $("case-query").focus();
  },
  onLang() { renderFound(); renderHooks(); },
});
