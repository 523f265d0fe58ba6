// The boards' scrolling notice on the dashboard: shows the hall's notice (live, from /hall) and
// saves a new one with PUT /api/v1/notice. Supervisors and admins; both fields empty clears it.

import { api, ApiError } from "/static/api.js";

export const NOTICE = {
  "notice.title": ["Dòng thông báo trên màn hình", "Notice on the hall boards"],
  "notice.hint": ["Dòng chữ chạy ở cuối màn hình sảnh. Để trống cả hai ô để tắt.",
    "The line that scrolls at the bottom of the hall boards. Leave both empty to turn it off."],
  "notice.vi": ["Tiếng Việt", "Vietnamese"],
  "notice.en": ["Tiếng Anh (không bắt buộc)", "English (optional)"],
  "notice.save": ["Lưu và hiển thị ngay", "Save and show now"],
  "notice.now": ["Đang hiển thị:", "Showing now:"],
  "notice.none": ["(không có thông báo)", "(no notice)"],
  "notice.saved": ["Đã lưu. Các màn hình đã cập nhật.", "Saved. The boards show it now."],
  "notice.cleared": ["Đã tắt dòng thông báo.", "The notice is off."],
  "notice.need_vi": ["Vui lòng nhập dòng tiếng Việt (tiếng Anh là bản dịch của nó).",
    "Please write the Vietnamese line first (the English one is its translation)."],
  "notice.network": ["Không lưu được — mất kết nối máy chủ. Vui lòng thử lại.", "Not saved — the server did not answer. Please try again."],
};

const $ = (id) => document.getElementById(id);
const FIELDS = { "text.vi": "notice-vi", "text.en": "notice-en" };

/** Wire the form; returns `show(notice)` for the snapshot's and notice_changed's notice. */
export function startNoticeForm(i18n, { onLoggedOut }) {
  let current;  // undefined until the first snapshot
  let edited = false;

  function show(notice) {
    current = notice || null;
    $("notice-now").textContent = current ? i18n.name(current) : i18n.t("notice.none");
    if (!edited) {  // someone else's change fills the fields, unless this person is typing
      $("notice-vi").value = current ? current.vi : "";
      $("notice-en").value = current ? current.en : "";
    }
  }

  function say(text, bad = false) {
    $("notice-message").textContent = text;
    $("notice-message").classList.toggle("a-message--bad", bad);
    $("notice-message").hidden = false;
  }

  for (const id of Object.values(FIELDS)) {
    $(id).addEventListener("input", () => { edited = true; $(id).removeAttribute("aria-invalid"); });
  }
  $("notice-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const id of Object.values(FIELDS)) $(id).removeAttribute("aria-invalid");
    const text = { vi: $("notice-vi").value.trim(), en: $("notice-en").value.trim() };
    const submit = $("notice-save");
    submit.disabled = true;
    try {
      const saved = await api("notice", { method: "PUT", body: { text }, lang: i18n.lang });
      edited = false;
      show(saved.notice);
      say(i18n.t(saved.notice ? "notice.saved" : "notice.cleared"));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) { onLoggedOut(); return; }
      const field = err instanceof ApiError ? FIELDS[err.params.field] : null;
      if (field) { $(field).setAttribute("aria-invalid", "true"); $(field).focus(); }
      const vi = err instanceof ApiError && err.code === "missing_field" && field === "notice-vi";
      say(vi ? i18n.t("notice.need_vi") : err instanceof ApiError ? err.message : i18n.t("notice.network"), true);
    } finally {
      submit.disabled = false;
    }
  });
  return { show, render: () => current !== undefined && show(current) };
}
