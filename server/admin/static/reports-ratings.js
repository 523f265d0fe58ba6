// The reports page's ratings part: how many low scores gave each reason, and what citizens
// wrote (newest first, a page at a time), from GET /api/v1/reports/ratings for the same range.

import { api } from "/static/api.js";

const PAGE = 20;
const $ = (id) => document.getElementById(id);

export const RATINGS = {
  "ratings.reasons": ["Lý do chưa hài lòng", "Why citizens were not satisfied"],
  "ratings.reasons_note": ["{low} lượt chưa hài lòng / không hài lòng trong {all} lượt đánh giá",
                           "{low} low ratings of {all}"],
  "ratings.comments": ["Góp ý của công dân", "What citizens wrote"],
  "ratings.comments_note": ["{shown} trong {total} góp ý, mới nhất trước", "{shown} of {total} comments, newest first"],
  "ratings.no_comments": ["Chưa có góp ý nào trong khoảng này.", "No comments in this period."],
  "ratings.pages": ["Trang góp ý", "Comment pages"],
  "ratings.newer": ["‹ Mới hơn", "‹ Newer"],
  "ratings.older": ["Cũ hơn ›", "Older ›"],
  "ratings.no_reason": ["Không chọn lý do", "No reason given"],
  "th.reason": ["Lý do", "Reason"],
  "th.count": ["Số lượt", "Ratings"],
  "th.share": ["Tỷ lệ", "Share"],
  "th.when": ["Thời gian", "When"],
  "th.ticket": ["Số thứ tự", "Ticket"],
  "th.counter_staff": ["Quầy · cán bộ", "Counter · staff"],
  "th.score": ["Mức đánh giá", "Rating"],
  "th.comment": ["Góp ý", "Comment"],
};

/** ctx: {i18n, fmt, el, serviceName(code), showDay(isoDay)}; returns {load(from, to), render()}. */
export function setupRatings(ctx) {
  const { i18n, fmt, el } = ctx;
  let range = null;
  let offset = 0;
  let data = null;

  async function load(from, to, at = 0) {
    range = [from, to];
    offset = at;
    try {
      data = await api(`reports/ratings?from=${from}&to=${to}&limit=${PAGE}&offset=${offset}`, { lang: i18n.lang, timeoutMs: 60000 });
    } catch {
      data = null;  // the figures above still stand; the next load tries again
    }
    render();
  }

  function reasonName(code) {
    if (!data || !code) return i18n.t("ratings.no_reason");
    const reason = data.reasons.find((r) => r.code === code);
    return reason ? i18n.name(reason.name) : code;
  }

  function render() {
    if (!data) {
      $("rep-reasons").replaceChildren();
      $("rep-comments").replaceChildren();
      return;
    }
    const low = data.low_ratings;
    $("rep-reasons-note").textContent = i18n.t("ratings.reasons_note", { low: fmt.number(low), all: fmt.number(data.ratings) });
    const rows = [...data.reasons.map((r) => [r.code, i18n.name(r.name), r.count]),
      ["", i18n.t("ratings.no_reason"), data.without_reason]];
    $("rep-reasons").replaceChildren(
      el("thead", {}, el("tr", {}, el("th", {}, i18n.t("th.reason")), el("th", { class: "num" }, i18n.t("th.count")),
        el("th", { class: "num" }, i18n.t("th.share")))),
      el("tbody", {}, rows.map(([code, name, n]) => el("tr", { dataset: { reason: code } },
        el("td", {}, name), el("td", { class: "num", dataset: { field: "count" } }, fmt.number(n)),
        el("td", { class: "num" }, fmt.percent(low ? n / low : null, 1))))));

    const items = data.comments.items;
    $("rep-comments-note").textContent = items.length
      ? i18n.t("ratings.comments_note", { shown: `${fmt.number(offset + 1)}–${fmt.number(offset + items.length)}`,
        total: fmt.number(data.comments.total) })
      : "";
    $("rep-comments").replaceChildren(
      el("thead", {}, el("tr", {}, ...["th.when", "th.ticket", "th.counter_staff", "th.score", "th.comment"]
        .map((k) => el("th", {}, i18n.t(k))))),
      el("tbody", {}, items.length ? items.map((c) => el("tr", { dataset: { number: c.number } },
        el("td", { class: "a-nowrap" }, `${ctx.showDay(c.day)} ${fmt.time(c.at)}`),
        el("td", {}, el("strong", {}, c.number), el("br"), el("span", { class: "a-note" }, ctx.serviceName(c.service))),
        el("td", {}, c.counter == null ? i18n.t("none") : i18n.t("counter", { counter: c.counter }),
          c.staff ? el("br") : null, c.staff ? el("span", { class: "a-note" }, c.staff_name || c.staff) : null),
        el("td", {}, el("span", { class: `a-chip a-score a-score--${c.score}` }, i18n.t(`score.${c.score}`)),
          c.reason ? el("br") : null, c.reason ? el("span", { class: "a-note" }, reasonName(c.reason)) : null),
        el("td", { class: "a-comment", dataset: { field: "comment" } }, c.comment)))
        : [el("tr", {}, el("td", { colspan: "5", class: "hq-muted" }, i18n.t("ratings.no_comments")))]));
    $("rep-comments-newer").disabled = offset === 0;
    $("rep-comments-older").disabled = offset + items.length >= data.comments.total;
  }

  $("rep-comments-newer").addEventListener("click", () => range && load(...range, Math.max(0, offset - PAGE)));
  $("rep-comments-older").addEventListener("click", () => range && load(...range, offset + PAGE));
  return { load, render };
}
