// The kiosk's service buttons: one large tile per service, in pages when there are many.

/** Why a service cannot be tapped now, or null: "closed", "full" or "no_priority". */
export function blockedReason(service, { priority, fullUntil }) {
  if (!service.open) return "closed";
  if ((fullUntil.get(service.code) || 0) > Date.now()) return "full";
  if (priority && service.priority_allowed === false) return "no_priority";
  return null;
}

function hoursText(hours) {
  return (hours || []).map((h) => h.replace("-", "–")).join(", ");
}

/** "Đang chờ: 12 · Dự kiến: ~15 phút", shown as two lines (the dot is for screen readers). */
function stats(service, i18n) {
  const box = el("span", "k-service__stats");
  box.append(el("span", "", i18n.t("service.waiting", { waiting: service.waiting ?? 0 })));
  const seconds = service.estimated_wait_s;
  if (seconds != null) {
    box.append(el("span", "k-sep", " · "));
    const wait = i18n.wait(seconds);
    box.append(el("span", "", seconds < 30 ? wait : i18n.t("service.estimate", { wait })));
  }
  return box;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

/** Fill one tile's text and state from its service. */
function fillTile(tile, service, i18n, state) {
  const reason = blockedReason(service, state);
  tile.replaceChildren();
  tile.append(el("span", "k-service__name", i18n.name(service.name)));
  if (reason === "closed") {
    tile.append(el("span", "k-service__reason", i18n.t("kiosk.closed")));
    if (service.hours && service.hours.length) {
      tile.append(el("span", "k-service__hours", i18n.t("kiosk.hours", { hours: hoursText(service.hours) })));
    }
  } else if (reason === "full") {
    tile.append(el("span", "k-service__reason", i18n.t("kiosk.full")));
  } else {
    tile.append(stats(service, i18n));
    if (reason === "no_priority") tile.append(el("span", "k-service__reason", i18n.t("kiosk.no_priority")));
  }
  tile.setAttribute("aria-disabled", String(reason !== null));
  tile.dataset.reason = reason || "";
  tile.classList.toggle("is-blocked", reason !== null);
}

/**
 * Draw page `page` of the services into `container`; returns the number of pages.
 * state = {priority, fullUntil: Map(code -> ms)}; tiles carry data-code.
 */
export function renderServices(container, services, i18n, { page, pageSize, ...state }) {
  const pages = Math.max(1, Math.ceil(services.length / pageSize));
  const current = Math.min(Math.max(0, page), pages - 1);
  const shown = services.slice(current * pageSize, (current + 1) * pageSize);
  container.replaceChildren();
  container.dataset.count = String(shown.length);
  if (!services.length) {
    container.append(el("p", "k-lead", i18n.t("kiosk.empty")));
    return pages;
  }
  for (const service of shown) {
    const tile = el("button", "k-service");
    tile.type = "button";
    tile.dataset.code = service.code;
    fillTile(tile, service, i18n, state);
    container.append(tile);
  }
  return pages;
}

/** Refresh one service's tile in place (live counts), if it is on the current page. */
export function refreshTile(container, service, i18n, state) {
  const tile = container.querySelector(`.k-service[data-code="${CSS.escape(service.code)}"]`);
  if (tile) fillTile(tile, service, i18n, state);
}
