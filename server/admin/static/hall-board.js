// The boards on /admin/hall: every paired display device and every board with settings but no device
// yet, each with what it shows (services, counters), its layout, its turn and its media zone. The
// editor sends the whole settings (PUT /boards/NAME); "Hiện tất cả" removes them (DELETE). Open
// boards follow at once (they read their settings again on `setup_changed`).

import { api, ApiError } from "/static/api.js";
import { $, button, clearErrors, el, fieldError, note, showRefusal } from "./hall-forms.js";

const LAYOUTS = ["auto", "landscape", "portrait"];
const ROTATIONS = [0, 90, 270];
const DEFAULTS = { services: null, counters: null, layout: "auto", rotate: 0, media: true };

export function setupBoards({ i18n, state, say, onLoggedOut }) {
  const form = $("board-form");
  const dialog = $("dlg-board");
  let displays = [];  // paired display devices' names
  let editing = null;

  /** Paired displays (GET /devices), then boards set up before pairing, by name. */
  function rows() {
    const names = [...new Set([...displays, ...Object.keys(state.boards)])].sort((a, b) => a.localeCompare(b, "vi"));
    return names.map((name) => ({ name, paired: displays.includes(name), own: name in state.boards,
      ...DEFAULTS, ...(state.boards[name] || {}) }));
  }

  async function loadDevices() {
    try {
      const devices = await api("devices", { lang: i18n.lang });
      displays = devices.filter((d) => d.kind === "display" && !d.revoked).map((d) => d.name);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) onLoggedOut();
    }
    render();
  }

  const chips = (items, all) => (items
    ? el("ul", { class: "h-chips" }, items.map((item) => el("li", { class: "a-chip" }, item)))
    : el("div", { class: "a-note" }, all));

  function render() {
    const list = rows();
    $("boards-none").hidden = list.length > 0;
    $("boards").hidden = list.length === 0;
    $("boards").tBodies[0].replaceChildren(...list.map((b) => el("tr", { dataset: { board: b.name } },
      el("td", {}, el("div", { class: "h-name" }, el("strong", {}, b.name)),
        el("div", { class: "h-extras" },
          el("span", { class: b.paired ? "a-chip a-chip--ok" : "a-chip a-chip--warn" }, i18n.t(b.paired ? "brd.paired" : "brd.not_paired")),
          b.own ? el("span", { class: "a-note" }, i18n.t("brd.own")) : null)),
      el("td", {}, chips(b.services, i18n.t("brd.all_services")),
        chips(b.counters && b.counters.map((n) => i18n.t("counter", { counter: n })), i18n.t("brd.all_counters"))),
      el("td", {}, el("div", {}, i18n.t(`brd.layout.${b.layout}`)),
        b.rotate ? el("div", { class: "a-note" }, i18n.t("brd.rotated", { deg: b.rotate })) : null),
      el("td", {}, i18n.t(b.media ? "brd.media_on" : "brd.media_off")),
      el("td", {}, el("div", { class: "p-actions" },
        button(i18n.t("svc.edit"), { editBoard: b.name }, { label: i18n.t("brd.title_edit", { name: b.name }) }),
        b.own ? button(i18n.t("brd.reset"), { resetBoard: b.name }, { label: i18n.t("brd.reset_one", { name: b.name }) }) : null)))));
  }

  /** Ticks for every service (or counter), those in `chosen` ticked; `chosen` null: "all" ticked, the rest off. */
  function fillPicks(box, all, items, chosen) {
    $(box).replaceChildren(...items.map(({ value, label }) => el("label", { class: "h-check" },
      el("input", { type: "checkbox", value: String(value), checked: chosen ? chosen.includes(value) : false }), ` ${label}`)));
    $(all).checked = !chosen;
    syncAll(all, box);
  }

  function syncAll(all, box) {
    const off = $(all).checked;
    $(box).setAttribute("aria-disabled", String(off));
    for (const input of $(box).querySelectorAll("input")) input.disabled = off;
  }
  $("brd-services-all").addEventListener("change", () => syncAll("brd-services-all", "brd-services"));
  $("brd-counters-all").addEventListener("change", () => syncAll("brd-counters-all", "brd-counters"));

  function open(name = null) {
    editing = name;
    const b = rows().find((r) => r.name === name) || { name: "", ...DEFAULTS };
    clearErrors(form);
    $("board-error").hidden = true;
    $("board-title").textContent = name ? i18n.t("brd.title_edit", { name }) : i18n.t("brd.title_new");
    $("brd-name").value = b.name;
    $("brd-name").disabled = Boolean(name);
    $("brd-layout").replaceChildren(...LAYOUTS.map((v) => el("option", { value: v }, i18n.t(`brd.layout.${v}`))));
    $("brd-layout").value = b.layout;
    $("brd-rotate").replaceChildren(...ROTATIONS.map((v) => el("option", { value: String(v) }, i18n.t(`brd.rotate.${v}`))));
    $("brd-rotate").value = String(b.rotate);
    $("brd-media").checked = b.media;
    fillPicks("brd-services", "brd-services-all",
      state.services.map((s) => ({ value: s.code, label: `${s.code} — ${i18n.name(s.name)}` })), b.services);
    fillPicks("brd-counters", "brd-counters-all",
      state.counters.map((c) => ({ value: c.number, label: i18n.name(c.name) })), b.counters);
    i18n.apply(dialog);
    dialog.showModal();
    (name ? $("brd-layout") : $("brd-name")).focus();
  }

  /** The ticked values, or null when "all" is ticked; undefined when none is (refused here). */
  function picked(all, box, read) {
    if ($(all).checked) return null;
    const values = [...$(box).querySelectorAll("input:checked")].map((input) => read(input.value));
    return values.length ? values : undefined;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    $("board-error").hidden = true;
    const name = editing || $("brd-name").value.trim();
    if (!name) return fieldError(form, "name", i18n.t("brd.need_name"));
    const body = {
      services: picked("brd-services-all", "brd-services", String),
      counters: picked("brd-counters-all", "brd-counters", Number),
      layout: $("brd-layout").value,
      rotate: Number($("brd-rotate").value),
      media: $("brd-media").checked,
    };
    for (const field of ["services", "counters"]) {
      if (body[field] === undefined) return fieldError(form, field, i18n.t("brd.need_one"));
    }
    const save = $("board-save");
    save.disabled = true;
    try {
      const saved = await api(`boards/${encodeURIComponent(name)}`, { method: "PUT", body, lang: i18n.lang });
      state.boards[saved.name] = { services: saved.services, counters: saved.counters, layout: saved.layout,
        rotate: saved.rotate, media: saved.media };
      render();
      dialog.close();
      say(i18n.t("brd.saved", { name: saved.name }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) onLoggedOut();
      else showRefusal(i18n, form, $("board-error"), err);
    } finally {
      save.disabled = false;
    }
  });

  async function reset(name) {
    try {
      await api(`boards/${encodeURIComponent(name)}`, { method: "DELETE", lang: i18n.lang });
      delete state.boards[name];
      render();
      say(i18n.t("brd.removed", { name }));
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) onLoggedOut();
      else if (!(err instanceof ApiError && err.status === 404)) note($("hall-message"), i18n.error(err));
    }
  }

  $("boards").addEventListener("click", (event) => {
    const b = event.target.closest("button");
    if (b && b.dataset.editBoard) open(b.dataset.editBoard);
    else if (b && b.dataset.resetBoard) reset(b.dataset.resetBoard);
  });
  $("board-new").addEventListener("click", () => open());

  return { render, loadDevices };
}
