// The kiosk's service buttons: one large tile per service, in pages when there are many.
// When services have a `group` (a real center has 15–30 fields), the first screen shows the
// groups, and a group's tile opens its services. Every tile's text is fitted to its box.

/** Why a service cannot be tapped now, or null: "closed", "full" or "no_priority". */
export function blockedReason(service, { priority, fullUntil }) {
  if (!service.open) return "closed";
  if ((fullUntil.get(service.code) || 0) > Date.now()) return "full";
  if (priority && service.priority_allowed === false) return "no_priority";
  return null;
}

/**
 * What the first screen shows, in config order: a group for the services that share a
 * `group` name (at its first service's place), and each service without one on its own.
 * A group of one service is just that service: one tap fewer for the citizen.
 */
export function entries(services) {
  const groups = new Map();
  const out = [];
  for (const service of services) {
    const key = service.group ? service.group.vi : null;
    if (!key) { out.push({ service }); continue; }
    let group = groups.get(key);
    if (!group) {
      group = { key, name: service.group, services: [] };
      groups.set(key, group);
      out.push(group);
    }
    group.services.push(service);
  }
  return out.map((e) => (e.services && e.services.length === 1 ? { service: e.services[0] } : e));
}

/** The group `key`'s services, or null when there is no such group (any more). */
export function groupServices(services, key) {
  const group = entries(services).find((e) => e.key === key);
  return group ? group.services : null;
}

function hoursText(hours) {
  return (hours || []).map((h) => h.replace("-", "–")).join(", ");
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text != null) node.textContent = text;
  return node;
}

/** "Đang chờ: 12 · Dự kiến: ~15 phút", two lines (the dot is for screen readers). */
function stats(service, i18n) {
  const box = el("span", "k-service__stats");
  box.append(el("span", "", i18n.t("service.waiting", { waiting: service.waiting ?? 0 })));
  const seconds = service.estimated_wait_s;
  if (seconds !== undefined) {
    box.append(el("span", "k-sep", " · "));
    // null: no counter serving it is open yet ("Chưa có quầy mở"); 0: nobody ahead.
    const wait = i18n.wait(seconds);
    box.append(el("span", "", seconds === null || seconds < 60 ? wait : i18n.t("service.estimate", { wait })));
  }
  return box;
}

/** Fill one service tile's text and state from its service. */
function fillTile(tile, service, i18n, state) {
  const reason = blockedReason(service, state);
  const body = el("span", "k-tile__body");
  body.append(el("span", "k-service__name", dashes(i18n.name(service.name))));
  if (reason === "closed") {
    const why = service.closed && service.closed !== "out_of_hours" ? `kiosk.closed.${service.closed}` : "kiosk.closed";
    body.append(el("span", "k-service__reason", i18n.t(why)));
    if (service.closed_reason) {  // the manager's reason, or the holiday's name
      body.append(el("span", "k-service__hours", dashes(i18n.name(service.closed_reason))));
    } else if (service.hours && service.hours.length && service.closed !== "last_ticket") {
      body.append(el("span", "k-service__hours", i18n.t("kiosk.hours", { hours: hoursText(service.hours) })));
    }
  } else if (reason === "full") {
    body.append(el("span", "k-service__reason", i18n.t("kiosk.full")));
  } else {
    body.append(stats(service, i18n));
    if (reason === "no_priority") body.append(el("span", "k-service__reason", i18n.t("kiosk.no_priority")));
  }
  tile.replaceChildren(body);
  tile.setAttribute("aria-disabled", String(reason !== null));
  tile.dataset.reason = reason || "";
  tile.classList.toggle("is-blocked", reason !== null);
}

/** Fill one group tile: its name, how many services it holds and how many people wait in them. */
function fillGroup(tile, group, i18n, state) {
  const open = group.services.filter((s) => blockedReason(s, state) === null);
  const waiting = group.services.reduce((sum, s) => sum + (s.waiting ?? 0), 0);
  const body = el("span", "k-tile__body");
  body.append(el("span", "k-group__name", dashes(i18n.name(group.name))));
  const meta = el("span", "k-group__meta");
  meta.append(el("span", "", i18n.t("kiosk.group.count", { count: group.services.length })));
  meta.append(el("span", "k-sep", " · "));
  meta.append(el("span", "", open.length ? i18n.t("service.waiting", { waiting }) : i18n.t("kiosk.closed")));
  body.append(meta);
  tile.replaceChildren(body);
  // A group with nothing to take now still opens: its services say why and when.
  tile.classList.toggle("is-blocked", open.length === 0);
}

/**
 * Shrink a tile's text until it fits its box: names wrap first (CSS), then get smaller,
 * down to 45 % of their size; the figures below shrink less (to 75 %). Returns the factor.
 */
function fitTile(tile) {
  const body = tile.firstElementChild;
  if (!body || !tile.clientHeight) return 1;  // not on screen: fitted when it is shown
  const style = getComputedStyle(tile);
  const room = () => tile.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
  let fit = 1;
  tile.style.setProperty("--fit", "1");
  while (fit > 0.45 && (body.scrollHeight > room() + 0.5 || body.scrollWidth > body.clientWidth + 0.5)) {
    fit = Math.round((fit - 0.05) * 100) / 100;
    tile.style.setProperty("--fit", String(fit));
  }
  return fit;
}

/** Fit every tile of a page, then give them all the smallest size: one page, one type size. */
export function fitTiles(container) {
  const tiles = [...container.children].filter((t) => t.firstElementChild);
  const fit = Math.min(1, ...tiles.map(fitTile));
  for (const tile of tiles) tile.style.setProperty("--fit", String(fit));
}

/** A name's dashes stay with the word before them ("Đất đai –" never starts a line with "–"). */
function dashes(text) {
  return text.replace(/ ([–—-]) /g, "\u00a0$1 ");
}

/**
 * Draw page `page` of `list` (services, or first-screen entries) into `container`; returns the
 * number of pages; `empty` is said when the list is. state = {priority, fullUntil: Map(code -> ms)}; tiles carry data-code
 * (services) or data-group (groups).
 */
export function renderTiles(container, list, i18n, { page, pageSize, empty, ...state }) {
  const pages = Math.max(1, Math.ceil(list.length / pageSize));
  const current = Math.min(Math.max(0, page), pages - 1);
  const shown = list.slice(current * pageSize, (current + 1) * pageSize);
  container.replaceChildren();
  container.dataset.count = String(shown.length);
  if (!list.length) {
    container.append(el("p", "k-lead k-services__empty", empty || i18n.t("kiosk.empty")));
    return pages;
  }
  for (const item of shown) {
    const entry = item.code ? { service: item } : item;
    const tile = el("button", entry.service ? "k-service" : "k-group");
    tile.type = "button";
    if (entry.service) {
      tile.dataset.code = entry.service.code;
      fillTile(tile, entry.service, i18n, state);
    } else {
      tile.dataset.group = entry.key;
      fillGroup(tile, entry, i18n, state);
    }
    container.append(tile);
  }
  return pages;  // the caller fits the tiles once the rest of the screen is laid out (fitTiles)
}

/** Refresh, in place, the tile of a service and of its group, if they are on screen (live counts). */
export function refreshTile(container, services, service, i18n, state) {
  const tile = container.querySelector(`.k-service[data-code="${CSS.escape(service.code)}"]`);
  if (tile) fillTile(tile, service, i18n, state);
  const key = service.group ? service.group.vi : null;
  const groupTile = key && container.querySelector(`.k-group[data-group="${CSS.escape(key)}"]`);
  const group = groupTile && entries(services).find((e) => e.key === key);
  if (group) fillGroup(groupTile, group, i18n, state);
  if (tile || group) fitTiles(container);
}
