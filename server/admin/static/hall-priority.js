// The priority categories of /admin/hall: who may take a priority ticket at the kiosk (người cao tuổi,
// người khuyết tật, …). The whole list is sent each time (PUT /api/v1/priority-categories); an empty
// list offers no priority ticket. Tickets already issued keep their category.

import { api, ApiError } from "/static/api.js";
import { $, button, clearErrors, el, fieldError, refusalText } from "./hall-forms.js";

const CODE = /^[a-z][a-z0-9_]{0,31}$/;

export function setupPriority({ i18n, state, say, onLoggedOut }) {
  function render() {
    const list = state.priority_categories || [];
    $("priority-none").hidden = list.length > 0;
    $("priority").hidden = list.length === 0;
    $("priority").tBodies[0].replaceChildren(...list.map((c) => el("tr", { dataset: { code: c.code } },
      el("td", { class: "a-nowrap" }, c.code),
      el("td", {}, i18n.name(c.name)),
      el("td", {}, button(i18n.t("pri.remove"), { removeCategory: c.code })))));
  }

  async function put(categories) {
    const saved = await api("priority-categories", { method: "PUT", body: { categories }, lang: i18n.lang });
    state.priority_categories = saved.categories;
    render();
    say(i18n.t("pri.saved"));
  }

  function refused(err) {
    if (err instanceof ApiError && err.status === 401) return onLoggedOut();
    const field = err instanceof ApiError ? (err.params.field || "").replace(/^categories\.\d+\./, "") : "";
    if (!fieldError($("priority-add"), field, refusalText(i18n, err))) {
      $("priority-error").textContent = refusalText(i18n, err);
      $("priority-error").hidden = false;
    }
  }

  $("priority-add").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = $("priority-add");
    clearErrors(form);
    $("priority-error").hidden = true;
    const code = $("priority-code").value.trim();
    const name = { vi: $("priority-vi").value.trim(), en: $("priority-en").value.trim() };
    if (!CODE.test(code)) return fieldError(form, "code", i18n.t("pri.bad_code"));
    if ((state.priority_categories || []).some((c) => c.code === code)) {
      return fieldError(form, "code", i18n.t("pri.twice", { code }));
    }
    if (!name.vi) return fieldError(form, "name.vi", i18n.t("pri.need_name"));
    try {
      await put([...(state.priority_categories || []), { code, name }]);
      form.reset();
      $("priority-code").focus();
    } catch (err) {
      refused(err);
    }
  });

  $("priority").addEventListener("click", async (event) => {
    const b = event.target.closest("[data-remove-category]");
    if (!b) return;
    try {
      await put((state.priority_categories || []).filter((c) => c.code !== b.dataset.removeCategory));
    } catch (err) {
      refused(err);
    }
  });

  return { render };
}
