// The kiosk's search field: services by name, in either language, with or without diacritics
// ("ho tich" finds "Hộ tịch"), for centers with more services than one page holds.

/** Lowercase, without diacritics (NFD, combining marks dropped; đ has none to drop), one space. */
export function fold(text) {
  return String(text || "").normalize("NFD").replace(/\p{M}/gu, "").toLowerCase().replace(/đ/g, "d")
    .replace(/\s+/g, " ").trim();
}

/** What a service is found by: its own names only (a group's name would bring its neighbours). */
function haystack(service) {
  const name = service.name || {};
  return fold(`${name.vi || ""} | ${name.en || ""}`);
}

/** The services, in config order, whose names hold every word of `query` (folded). */
export function searchServices(services, query) {
  const words = fold(query).split(" ").filter(Boolean);
  if (!words.length) return services;
  return services.filter((service) => {
    const text = haystack(service);
    return words.every((word) => text.includes(word));
  });
}
