// People and devices (/admin/people), for admins: people (add, role, counter, disable, reset
// password), devices (add with a one-time token and its pairing address, revoke) and the audit log.

import { api, ApiError } from "/static/api.js";
import { adminI18n, banner, errorWords, pageCalls, startShell } from "./admin-shell.js";
import { PEOPLE } from "./people-i18n.js";
import { setupDevices } from "./people-devices.js";
import { sendFile } from "./media-upload.js";

const ROLES = ["staff", "supervisor", "admin"];
const MIN_PASSWORD = 8;  // the server's weak_password minimum (server/auth.py)
const $ = (id) => document.getElementById(id);
const i18n = adminI18n(PEOPLE);
const timeZone = document.body.dataset.timezone || "Asia/Ho_Chi_Minh";
const state = { users: [], counters: [], me: null, resetFor: null, photoFor: null };

// -- shared helpers ---------------------------------------------------------------------------

function stamp(iso) {
  if (!iso) return i18n.t("none");
  const opts = { timeZone, day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  try { return new Intl.DateTimeFormat("vi-VN", opts).format(new Date(iso)); } catch { return iso; }
}

const say = banner($("people-message"));

// The server's own message (in the page's language) names the field and the rule.
const errorText = (err) => errorWords(i18n, err);

const call = pageCalls(i18n, say, () => shell.loginAgain());

/** "Nguyễn Văn Bảo" → "nguyenvanbao": the username offered while a full name is typed. */
export function loginFrom(fullName) {
  return fullName.replace(/[đĐ]/g, "d").normalize("NFD").replace(/[^A-Za-z0-9._-]/g, "").toLowerCase().slice(0, 64);
}

function cell(content) {
  const td = document.createElement("td");
  if (content instanceof Node) td.append(content);
  else td.textContent = content ?? "";
  return td;
}

function button(text, data, quiet = true) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = quiet ? "a-button a-button--quiet" : "a-button";
  b.textContent = text;
  Object.assign(b.dataset, data);
  return b;
}

function chip(text, kind) {
  const span = document.createElement("span");
  span.className = `a-chip a-chip--${kind}`;
  span.textContent = text;
  return span;
}

function select(options, value, data = {}) {
  const el = document.createElement("select");
  el.className = "p-select";
  Object.assign(el.dataset, data);
  for (const [v, text] of options) {
    const option = document.createElement("option");
    option.value = v;
    option.textContent = text;
    el.append(option);
  }
  el.value = value;
  return el;
}

const roleOptions = () => ROLES.map((r) => [r, i18n.t(`role.${r}`)]);
const counterOptions = () => [["", i18n.t("user.any_counter")],
  ...state.counters.map((c) => [String(c.number), `${c.number} — ${i18n.name(c.name)}`])];

// -- people ---------------------------------------------------------------------------------

async function loadUsers() {
  state.users = await call("users");
  renderUsers();
}

function renderUsers() {
  $("users").tBodies[0].replaceChildren(...state.users.map((u) => {
    const tr = document.createElement("tr");
    tr.dataset.username = u.username;
    tr.dataset.active = String(u.active);
    const name = document.createElement("strong");
    name.textContent = u.username;
    const nameCell = cell(name);
    if (state.me && u.username === state.me.name) nameCell.append(` ${i18n.t("user.you")}`);
    const fullName = document.createElement("input");
    fullName.className = "p-name";
    fullName.maxLength = 100;
    fullName.spellcheck = false;
    fullName.value = u.full_name || "";
    fullName.placeholder = i18n.t("user.full_name_none", { name: u.username });
    fullName.dataset.fullName = u.username;
    fullName.setAttribute("aria-label", i18n.t("user.full_name_label", { name: u.username }));
    const nameBox = document.createElement("div");
    nameBox.className = "p-person";
    if (u.photo_url) {
      const photo = document.createElement("img");
      photo.className = "p-photo";
      photo.src = u.photo_url;
      photo.alt = i18n.t("user.photo_of", { name: u.username });
      nameBox.append(photo);
    }
    nameBox.append(fullName);
    const actions = document.createElement("div");
    actions.className = "p-actions";
    actions.append(
      button(i18n.t(u.active ? "user.disable" : "user.enable"), { toggle: u.username }),
      button(i18n.t("user.reset"), { reset: u.username }),
      button(i18n.t(u.photo_url ? "user.photo_change" : "user.photo_set"), { photo: u.username }),
    );
    if (u.photo_url) actions.append(button(i18n.t("user.photo_remove"), { unphoto: u.username }));
    tr.append(
      nameCell,
      cell(nameBox),
      cell(select(roleOptions(), u.role, { role: u.username })),
      cell(select(counterOptions(), u.counter == null ? "" : String(u.counter), { counter: u.username })),
      cell(chip(i18n.t(u.active ? "user.active" : "user.disabled"), u.active ? "ok" : "off")),
      cell(stamp(u.created_at)),
      cell(actions),
    );
    return tr;
  }));
}

async function change(username, patch, doneKey = "user.changed") {
  say("");
  try {
    const user = await call(`users/${encodeURIComponent(username)}`, { method: "PATCH", body: patch });
    state.users = state.users.map((u) => (u.username === username ? user : u));
    say(i18n.t(doneKey, { name: username }));
    refreshAudit();
    return true;
  } catch {
    return false;
  } finally {
    renderUsers();  // a refused change puts the old value back
  }
}

$("users").addEventListener("change", (event) => {
  const el = event.target;
  if (el.dataset.fullName) {
    const user = state.users.find((u) => u.username === el.dataset.fullName);
    if (user && el.value.trim() !== (user.full_name || "")) change(user.username, { full_name: el.value.trim() || null }, "user.renamed");
  } else if (el.dataset.role) change(el.dataset.role, { role: el.value });
  else if (el.dataset.counter) change(el.dataset.counter, { counter: el.value ? Number(el.value) : null });
});

$("users").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.dataset.fullName) event.target.blur();  // saves, by its change event
});

$("users").addEventListener("click", (event) => {
  const el = event.target.closest("button");
  if (!el) return;
  if (el.dataset.toggle) {
    const user = state.users.find((u) => u.username === el.dataset.toggle);
    if (user) change(user.username, { active: !user.active }, user.active ? "user.disabled_done" : "user.changed");
  } else if (el.dataset.reset) {
    openReset(el.dataset.reset);
  } else if (el.dataset.photo) {
    state.photoFor = el.dataset.photo;
    $("photo-file").value = "";
    $("photo-file").click();
  } else if (el.dataset.unphoto) {
    setPhoto(el.dataset.unphoto, null);
  }
});

// -- photos: shown on the counter screen and the rating tablet beside the full name ----------

const photoInput = document.createElement("input");
photoInput.type = "file";
photoInput.id = "photo-file";
photoInput.accept = "image/png,image/jpeg,image/webp";
photoInput.hidden = true;
document.body.append(photoInput);
photoInput.addEventListener("change", () => {
  if (photoInput.files[0] && state.photoFor) setPhoto(state.photoFor, photoInput.files[0]);
});

/** Set (a file) or remove (null) a person's photo, and say how it went. */
async function setPhoto(username, file) {
  const path = `users/${encodeURIComponent(username)}/photo`;
  say(file ? i18n.t("user.photo_sending", { name: username }) : "", "info");
  try {
    const user = file ? await sendFile(path, file, { method: "PUT", lang: i18n.lang })
      : await api(path, { method: "DELETE", lang: i18n.lang });
    state.users = state.users.map((u) => (u.username === username ? user : u));
    renderUsers();
    say(i18n.t(file ? "user.photo_done" : "user.photo_removed", { name: username }));
    refreshAudit();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) shell.loginAgain();
    else say(`${errorText(err)} ${file ? i18n.t("user.photo_rule") : ""}`.trim(), "danger");
  }
}

// While the username was not typed by hand, it follows the full name ("Nguyễn Văn Bảo" → nguyenvanbao).
let usernameTyped = false;
$("new-username").addEventListener("input", () => { usernameTyped = $("new-username").value !== ""; });
$("new-full-name").addEventListener("input", () => {
  if (!usernameTyped) $("new-username").value = loginFrom($("new-full-name").value);
});

const FIELD_OF = { invalid_username: "new-username", invalid_full_name: "new-full-name", weak_password: "new-password",
  already_exists: "new-username" };

$("user-add").addEventListener("submit", async (event) => {
  event.preventDefault();
  for (const id of Object.values(FIELD_OF)) $(id).removeAttribute("aria-invalid");
  const body = { username: $("new-username").value.trim(), role: $("new-role").value, password: $("new-password").value };
  const fullName = $("new-full-name").value.trim();
  if (fullName) body.full_name = fullName;
  if ($("new-counter").value) body.counter = Number($("new-counter").value);
  try {
    await call("users", { method: "POST", body });
  } catch (err) {
    const field = err instanceof ApiError ? FIELD_OF[err.code] || (err.code === "missing_field" && emptyField()) : null;
    if (field) { $(field).setAttribute("aria-invalid", "true"); $(field).focus(); }
    return;
  }
  usernameTyped = false;
  say(i18n.t("user.added", { name: body.username }));
  $("user-add").reset();
  fillAddForms();
  await loadUsers();
  refreshAudit();
  $("new-username").focus();
});

function emptyField() {
  return ["new-username", "new-password"].find((id) => !$(id).value.trim()) || null;
}

// -- password reset -------------------------------------------------------------------------

function randomPassword() {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

function openReset(username) {
  state.resetFor = username;
  $("password-title").textContent = i18n.t("user.reset_title", { name: username });
  $("password-note").textContent = i18n.t("user.reset_note", { name: username });
  $("password-error").hidden = true;
  $("reset-password").value = randomPassword();
  i18n.apply($("dlg-password"));
  $("dlg-password").showModal();
  $("reset-password").select();
}

$("password-generate").addEventListener("click", () => { $("reset-password").value = randomPassword(); $("reset-password").select(); });
$("password-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const password = $("reset-password").value;
  if (password.length < MIN_PASSWORD) {
    $("password-error").textContent = i18n.error("weak_password", { minimum: MIN_PASSWORD });
    $("password-error").hidden = false;
    return;
  }
  $("dlg-password").close();
  await change(state.resetFor, { password }, "user.reset_done");
});

for (const dialog of document.querySelectorAll(".p-dialog")) {
  dialog.addEventListener("click", (event) => {
    if (event.target.closest("[data-close]")) dialog.close();
  });
}

// -- start ----------------------------------------------------------------------------------

function fillAddForms() {
  $("new-full-name").placeholder = i18n.t("user.full_name_example");
  const role = $("new-role").value || "staff";
  $("new-role").replaceChildren(...select(roleOptions(), role).options);
  $("new-role").value = role;
  const counter = $("new-counter").value;
  $("new-counter").replaceChildren(...select(counterOptions(), counter).options);
  $("new-counter").value = counter;
  devices.fillForm();
}

const devices = setupDevices({ i18n, call, say, cell, button, chip, select, stamp, state });
const refreshAudit = () => devices.loadAudit().catch(() => {});

const shell = startShell(i18n, {
  role: "admin",
  async onReady(me) {
    state.me = me;
    try {
      state.counters = await call("counters");
      fillAddForms();
      await Promise.all([loadUsers(), devices.loadDevices(), devices.loadAudit()]);
    } catch { /* said already */ }
  },
  onLang() {
    fillAddForms();
    renderUsers();
    devices.render();
  },
});
