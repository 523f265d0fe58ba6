// The boards' media zone (/admin/media), for admins: upload an image or a short video (with its
// progress), see every item with a thumbnail and when it plays, schedule it, delete it. Open
// boards follow each change live (`media_changed`).

import { api, ApiError } from "/static/api.js";
import { adminI18n, banner, errorWords, pageCalls, startShell } from "./admin-shell.js";
import { sendFile } from "./media-upload.js";

export const MEDIA = {
  "media.title": ["Hình ảnh và video trên bảng hiển thị", "Images and videos on the hall boards"],
  "media.upload": ["Tải lên", "Upload"],
  "media.file": ["Tệp ảnh hoặc video", "Image or video file"],
  "media.send": ["Tải lên", "Upload"],
  "media.rule": ["Ảnh PNG, JPEG, WebP tối đa 5 MB; video MP4, WebM tối đa 50 MB (phát không tiếng). "
    + "Mục mới được chiếu mọi ngày, cả ngày, sau các mục đã có.",
  "Images PNG, JPEG, WebP up to 5 MB; videos MP4, WebM up to 50 MB (played muted). "
    + "A new item plays every day, all day, after the others."],
  "media.sending": ["Đang tải lên {name}… {percent}%", "Uploading {name}… {percent}%"],
  "media.added": ["Đã tải lên {name}; các bảng hiển thị đang mở đã nhận.", "{name} uploaded; open boards have it."],
  "media.choose": ["Hãy chọn một tệp.", "Choose a file first."],
  "media.pick": ["Chọn tệp…", "Choose a file…"],
  "media.none": ["Chưa chọn tệp nào", "No file chosen"],
  "media.list": ["Danh sách phát", "Playlist"],
  "media.empty": ["Chưa có hình ảnh hay video nào.", "No images or videos yet."],
  "media.image": ["Ảnh", "Image"],
  "media.video": ["Video", "Video"],
  "media.every_day": ["Mọi ngày", "Every day"],
  "media.all_day": ["cả ngày", "all day"],
  "media.window": ["{from}–{until}", "{from}–{until}"],
  "media.dates": ["từ {from} đến {until}", "from {from} to {until}"],
  "media.open": ["…", "…"],
  "media.shows_for": ["{seconds} giây mỗi lượt", "{seconds} s each time"],
  "media.to_end": ["phát hết video", "plays to its end"],
  "media.meta": ["{size} · thứ tự {order} · {by}, {at}", "{size} · order {order} · {by}, {at}"],
  "media.on": ["Đang bật", "On"],
  "media.off": ["Đã tắt", "Off"],
  "media.turn_off": ["Tắt", "Turn off"],
  "media.turn_on": ["Bật", "Turn on"],
  "media.schedule": ["Lịch chiếu", "Schedule"],
  "media.schedule_title": ["Lịch chiếu: {name}", "Schedule: {name}"],
  "media.from": ["Từ ngày", "From"],
  "media.until": ["Đến ngày (gồm cả ngày này)", "Until (included)"],
  "media.time_from": ["Từ giờ", "From time"],
  "media.time_until": ["Đến giờ", "Until time"],
  "media.seconds": ["Số giây hiển thị ảnh", "Seconds an image stays"],
  "media.order": ["Thứ tự", "Order"],
  "media.weekdays": ["Các ngày trong tuần", "Days of the week"],
  "media.enabled": ["Chiếu mục này", "Play this item"],
  "media.schedule_note": ["Để trống ngày hoặc giờ: không giới hạn. Giờ theo múi giờ của trung tâm.",
    "Leave a day or time empty: no limit. Times are the center's."],
  "media.saved": ["Đã lưu lịch chiếu của {name}.", "Schedule of {name} saved."],
  "media.delete": ["Xoá", "Delete"],
  "media.delete_title": ["Xoá {name} khỏi bảng hiển thị?", "Delete {name} from the boards?"],
  "media.delete_note": ["Mục này biến mất khỏi mọi bảng hiển thị ngay lập tức và không khôi phục được.",
    "It leaves every board at once and cannot be brought back."],
  "media.deleted": ["Đã xoá {name}.", "{name} deleted."],
  "day.1": ["T2", "Mon"], "day.2": ["T3", "Tue"], "day.3": ["T4", "Wed"], "day.4": ["T5", "Thu"],
  "day.5": ["T6", "Fri"], "day.6": ["T7", "Sat"], "day.7": ["CN", "Sun"],
  "confirm.cancel": ["Huỷ", "Cancel"],
  "confirm.save": ["Lưu", "Save"],
};

const $ = (id) => document.getElementById(id);
const i18n = adminI18n(MEDIA);
const timeZone = document.body.dataset.timezone || "Asia/Ho_Chi_Minh";
const state = { items: [], editing: null, deleting: null };

const say = banner($("media-message"));

// The server's own message (in the page's language) names the field and the rule.
const errorText = (err) => errorWords(i18n, err);

const call = pageCalls(i18n, say, () => shell.loginAgain());

const day = (iso) => (iso ? iso.split("-").reverse().join("/") : "");
const name = (item) => item.title || `#${item.id}`;

function stamp(iso) {
  const opts = { timeZone, day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  try { return new Intl.DateTimeFormat("vi-VN", opts).format(new Date(iso)); } catch { return iso; }
}

function size(bytes) {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** When an item plays, in words: "T2, T4 · 07:30–11:30 · từ 01/01/2026 đến …". */
function when(item) {
  const days = item.weekdays.length === 7 ? i18n.t("media.every_day") : item.weekdays.map((d) => i18n.t(`day.${d}`)).join(", ");
  const hours = item.time_from ? i18n.t("media.window", { from: item.time_from, until: item.time_until }) : i18n.t("media.all_day");
  const parts = [days, hours];
  if (item.from || item.until) {
    parts.push(i18n.t("media.dates", { from: day(item.from) || i18n.t("media.open"), until: day(item.until) || i18n.t("media.open") }));
  }
  parts.push(item.kind === "image" ? i18n.t("media.shows_for", { seconds: item.seconds }) : i18n.t("media.to_end"));
  return parts.join(" · ");
}

function thumb(item) {
  const el = document.createElement(item.kind === "video" ? "video" : "img");
  el.className = "m-thumb";
  el.src = item.kind === "video" ? `${item.url}#t=0.5` : item.url;  // a video shows a frame, not a black box
  if (item.kind === "video") { el.muted = true; el.preload = "metadata"; } else { el.alt = ""; el.loading = "lazy"; }
  return el;
}

function button(text, data, extra = "a-button--quiet") {
  const b = document.createElement("button");
  b.type = "button";
  b.className = `a-button ${extra}`;
  b.textContent = text;
  Object.assign(b.dataset, data);
  return b;
}

function render() {
  $("media-empty").hidden = state.items.length > 0;
  $("media-list").replaceChildren(...state.items.map((item) => {
    const li = document.createElement("li");
    li.className = "m-item";
    li.dataset.id = item.id;
    li.dataset.enabled = String(item.enabled);
    const info = document.createElement("div");
    info.className = "m-info";
    const title = document.createElement("span");
    title.className = "m-info__title";
    title.textContent = `${i18n.t(`media.${item.kind}`)} · ${name(item)}`;
    const plays = document.createElement("span");
    plays.className = "m-info__when";
    plays.textContent = when(item);
    const meta = document.createElement("span");
    meta.className = "m-info__meta";
    meta.textContent = `${i18n.t(item.enabled ? "media.on" : "media.off")} · ${i18n.t("media.meta", {
      size: size(item.size), order: item.order, by: item.created_by.replace(/^user:/, ""), at: stamp(item.created_at) })}`;
    info.append(title, plays, meta);
    const actions = document.createElement("div");
    actions.className = "p-actions";
    actions.append(
      button(i18n.t(item.enabled ? "media.turn_off" : "media.turn_on"), { toggle: item.id }),
      button(i18n.t("media.schedule"), { schedule: item.id }),
      button(i18n.t("media.delete"), { delete: item.id }, "a-button--quiet"),
    );
    li.append(thumb(item), info, actions);
    return li;
  }));
}

async function load() {
  state.items = await call("media");
  render();
}

function replace(item) {
  state.items = state.items.map((m) => (m.id === item.id ? item : m)).sort((a, b) => a.order - b.order || a.id - b.id);
  render();
}

// -- upload ---------------------------------------------------------------------------------

/** The chosen file's name beside our own button (or that none is chosen). */
function showChosen() {
  const file = $("media-file").files[0];
  const name = $("media-file-name");
  name.textContent = file ? file.name : i18n.t("media.none");
  name.classList.toggle("is-chosen", Boolean(file));
}
$("media-file").addEventListener("change", showChosen);

$("media-upload").addEventListener("submit", async (event) => {
  event.preventDefault();
  const file = $("media-file").files[0];
  if (!file) { say(i18n.t("media.choose"), "danger"); $("media-file").focus(); return; }
  const progress = $("media-progress");
  progress.hidden = false;
  progress.value = 0;
  $("media-send").disabled = true;
  const show = (share) => {
    progress.value = share;
    say(i18n.t("media.sending", { name: file.name, percent: Math.round(share * 100) }), "info");
  };
  show(0);
  try {
    const item = await sendFile("media", file, { lang: i18n.lang, onProgress: show });
    state.items.push(item);
    render();
    $("media-upload").reset();
    showChosen();
    say(i18n.t("media.added", { name: name(item) }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) shell.loginAgain();
    else say(errorText(err), "danger");
  } finally {
    progress.hidden = true;
    $("media-send").disabled = false;
  }
});

// -- the list's buttons -----------------------------------------------------------------------

$("media-list").addEventListener("click", async (event) => {
  const el = event.target.closest("button");
  if (!el) return;
  const item = state.items.find((m) => String(m.id) === (el.dataset.toggle || el.dataset.schedule || el.dataset.delete));
  if (!item) return;
  if (el.dataset.toggle) {
    try { replace(await call(`media/${item.id}`, { method: "PATCH", body: { enabled: !item.enabled } })); } catch { /* said */ }
  } else if (el.dataset.schedule) {
    openSchedule(item);
  } else {
    state.deleting = item;
    $("delete-title").textContent = i18n.t("media.delete_title", { name: name(item) });
    i18n.apply($("dlg-delete"));
    $("dlg-delete").showModal();
  }
});

$("delete-form").addEventListener("submit", async () => {
  const item = state.deleting;
  try {
    await call(`media/${item.id}`, { method: "DELETE" });
    state.items = state.items.filter((m) => m.id !== item.id);
    render();
    say(i18n.t("media.deleted", { name: name(item) }));
  } catch { /* said */ }
});

// -- the schedule dialog ------------------------------------------------------------------------

function renderDays(checked) {
  $("s-weekdays").replaceChildren(...[1, 2, 3, 4, 5, 6, 7].map((d) => {
    const label = document.createElement("label");
    label.className = "m-day";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.value = String(d);
    box.checked = checked.includes(d);
    label.append(box, ` ${i18n.t(`day.${d}`)}`);
    return label;
  }));
}

function openSchedule(item) {
  state.editing = item;
  $("schedule-title").textContent = i18n.t("media.schedule_title", { name: name(item) });
  $("s-from").value = item.from || "";
  $("s-until").value = item.until || "";
  $("s-time-from").value = item.time_from || "";
  $("s-time-until").value = item.time_until || "";
  $("s-seconds").value = String(item.seconds);
  $("s-seconds-field").hidden = item.kind !== "image";
  $("s-order").value = String(item.order);
  $("s-enabled").checked = item.enabled;
  renderDays(item.weekdays);
  $("schedule-error").hidden = true;
  i18n.apply($("dlg-schedule"));
  $("dlg-schedule").showModal();
}

$("schedule-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const item = state.editing;
  const body = {
    from: $("s-from").value || null, until: $("s-until").value || null,
    time_from: $("s-time-from").value || null, time_until: $("s-time-until").value || null,
    weekdays: [...$("s-weekdays").querySelectorAll("input:checked")].map((box) => Number(box.value)),
    order: Number($("s-order").value), enabled: $("s-enabled").checked,
  };
  if (item.kind === "image") body.seconds = Number($("s-seconds").value);
  try {
    const saved = await api(`media/${item.id}`, { method: "PATCH", body, lang: i18n.lang });
    $("dlg-schedule").close();
    replace(saved);
    say(i18n.t("media.saved", { name: name(saved) }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) { $("dlg-schedule").close(); shell.loginAgain(); return; }
    $("schedule-error").textContent = errorText(err);  // the server's words name the field and its rule
    $("schedule-error").hidden = false;
  }
});

for (const dialog of document.querySelectorAll(".p-dialog")) {
  dialog.addEventListener("click", (event) => {
    if (event.target.closest("[data-close]")) dialog.close();
  });
}

// -- start ------------------------------------------------------------------------------------

const shell = startShell(i18n, {
  role: "admin",
  async onReady() {
    try { await load(); } catch { /* said already */ }
  },
  onLang() { render(); },
});
