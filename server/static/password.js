// "Change password": a logged-in person changes their own (POST /api/v1/me/password), from the
// console's or the admin pages' top bar. The dialog is server/templates/_password.html.
//
//   import { PASSWORD, setupPassword } from "/static/password.js";
//   const i18n = createI18n([COMMON, FOR_STAFF, PASSWORD, …]);
//   const pw = setupPassword(i18n, { onEnded: () => showLogin() });
//   button.addEventListener("click", () => pw.open(me.name));

import { api, ApiError } from "/static/api.js";

export const PASSWORD = {
  "password.open": ["Đổi mật khẩu", "Change password"],
  "password.title": ["Đổi mật khẩu của bạn", "Change your password"],
  "password.hint": ["Mật khẩu mới cần ít nhất 8 ký tự. Sau khi đổi, các phiên đăng nhập khác của bạn sẽ kết thúc.",
    "The new password needs at least 8 characters. Once changed, your other logins end."],
  "password.current": ["Mật khẩu hiện tại", "Current password"],
  "password.new": ["Mật khẩu mới", "New password"],
  "password.repeat": ["Nhập lại mật khẩu mới", "New password again"],
  "password.submit": ["Đổi mật khẩu", "Change password"],
  "password.cancel": ["Đóng", "Close"],
  "password.mismatch": ["Hai lần nhập mật khẩu mới không khớp nhau.", "The two new passwords do not match."],
  "password.same": ["Mật khẩu mới phải khác mật khẩu hiện tại.", "The new password must differ from the current one."],
  "password.done": ["Đã đổi mật khẩu. Lần sau hãy đăng nhập bằng mật khẩu mới.",
    "Password changed. Log in with the new one from now on."],
  "password.done_others": ["Đã đổi mật khẩu. {revoked} phiên đăng nhập khác của bạn đã kết thúc.",
    "Password changed. {revoked} other login(s) of yours ended."],
  "password.network": ["Không kết nối được với hệ thống; mật khẩu chưa đổi. Vui lòng thử lại.",
    "Could not reach the hall; the password is unchanged. Please try again."],
};

const $ = (id) => document.getElementById(id);

/** Wire the dialog; `onEnded()` runs when the server says this login is over (401). Returns {open(username)}. */
export function setupPassword(i18n, { onEnded = () => {} } = {}) {
  const dialog = $("dlg-own-password");
  const fields = ["own-password-current", "own-password-new", "own-password-repeat"].map($);
  let said = null;  // how to say the message shown: [key or error, kind], said again on a language switch

  function say(text, kind) {
    said = text ? [text, kind] : null;
    const box = $("own-password-message");
    box.className = `hq-banner hq-banner--${kind || "info"}`;
    box.textContent = text ? text() : "";
    box.hidden = !text;
  }

  dialog.addEventListener("click", (event) => { if (event.target === dialog) dialog.close(); });
  $("own-password-cancel").addEventListener("click", () => dialog.close());
  i18n.onChange(() => { if (said) say(...said); });

  $("own-password-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const [current, fresh, repeat] = fields.map((f) => f.value);
    if (fresh !== repeat) { say(() => i18n.t("password.mismatch"), "danger"); $("own-password-repeat").focus(); return; }
    if (fresh === current) { say(() => i18n.t("password.same"), "danger"); $("own-password-new").focus(); return; }
    const submit = $("own-password-submit");
    if (submit.disabled) return;
    submit.disabled = true;
    try {
      const done = await api("me/password", { method: "POST", body: { current, new: fresh }, lang: i18n.lang });
      for (const f of fields) f.value = "";
      say(() => (done.revoked ? i18n.t("password.done_others", { revoked: done.revoked }) : i18n.t("password.done")), "ok");
      $("own-password-cancel").focus();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) { dialog.close(); onEnded(); return; }
      say(() => (err instanceof ApiError ? i18n.error(err) : i18n.t("password.network")), "danger");
      const wrong = err instanceof ApiError && err.code === "wrong_password";
      if (wrong) $("own-password-current").value = "";
      (wrong ? $("own-password-current") : $("own-password-new")).focus();
    } finally {
      submit.disabled = false;
    }
  });

  return {
    open(username) {
      if (dialog.open) return;
      for (const f of fields) f.value = "";
      $("own-password-user").value = username || "";
      say(null);
      i18n.apply(dialog);
      dialog.showModal();
      $("own-password-current").focus();
    },
    close() { if (dialog.open) dialog.close(); },
    get isOpen() { return dialog.open; },
  };
}
