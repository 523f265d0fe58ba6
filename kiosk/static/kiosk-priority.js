// The kiosk's priority categories: config.yaml's `priority_categories`, from GET /kiosk-settings.
// Their names join the catalog as `priority.{code}`, so every screen that names a category
// (the choices, the chosen bar, the ticket) says what the center configured.

import { fitTiles } from "./kiosk-services.js";

export class PriorityCategories {
  constructor(i18n) {
    this.i18n = i18n;
    this.list = [];  // [{code, name: {vi, en}}], in config order
  }

  get offered() { return this.list.length > 0; }

  /** Take the server's list; the names become catalog entries. */
  set(categories) {
    this.list = Array.isArray(categories) ? categories.filter((c) => c && c.code && c.name) : [];
    this.i18n.extend(Object.fromEntries(this.list.map((c) => [`priority.${c.code}`, [c.name.vi, c.name.en || c.name.vi]])));
  }

  name(code) {
    const key = `priority.${code}`;
    return this.i18n.t(this.i18n.has(key) ? key : "priority.other");
  }

  /** "Ưu tiên: người cao tuổi, người khuyết tật, …" for the button that opens the choices. */
  summary() {
    const locale = this.i18n.lang === "en" ? "en" : "vi";
    const names = this.list.map((c) => {
      const name = this.name(c.code);
      return name.charAt(0).toLocaleLowerCase(locale) + name.slice(1);
    });
    return this.i18n.t("kiosk.priority.open", { categories: names.join(", ") });
  }

  /** One large button per category in `box` (made again only when the list changes). */
  render(box) {
    const codes = this.list.map((c) => c.code).join(" ");
    if (box.dataset.codes !== codes) {
      box.replaceChildren(...this.list.map((c) => {
        const choice = document.createElement("button");
        choice.type = "button";
        choice.className = "k-choice";
        choice.dataset.category = c.code;
        const name = document.createElement("span");
        name.className = "k-choice__name";
        choice.append(name);
        return choice;
      }));
      box.dataset.codes = codes;
      box.dataset.count = String(this.list.length);
    }
    for (const choice of box.children) choice.firstElementChild.textContent = this.name(choice.dataset.category);
    fitTiles(box);
  }
}
