// Calls to the hall's HTTP API (/api/v1) with the contract's JSON errors, and a backoff.
//
//   import { api, ApiError, NetworkError, Backoff } from "/static/api.js";
//   const services = await api("services", { token });
//   try { await api("tickets", { method: "POST", body: {...}, token, lang: "vi" }); }
//   catch (err) { if (err instanceof ApiError) show(i18n.error(err)); }
//
// ApiError: the server answered with {"error": {code, message, params}} (err.status, err.code,
// err.message, err.params). NetworkError: no answer (server down, timeout); the call may be retried.

export class ApiError extends Error {
  constructor(status, code, message, params) {
    super(message || code);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.params = params || {};
  }
}

export class NetworkError extends Error {
  constructor(message) {
    super(message);
    this.name = "NetworkError";
  }
}

/** One call to /api/v1/<path>; resolves to the JSON body, rejects with ApiError or NetworkError. */
export async function api(path, { method = "GET", body, token, lang, timeoutMs = 8000, signal } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  if (lang) headers["Accept-Language"] = lang;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  if (signal) signal.addEventListener("abort", () => controller.abort(), { once: true });
  let resp;
  try {
    resp = await fetch(path.startsWith("/") ? path : `/api/v1/${path}`, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body),
      signal: controller.signal, cache: "no-store", credentials: "same-origin",
    });
  } catch (err) {
    throw new NetworkError(String(err && err.message || err));
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try {
    data = await resp.json();
  } catch {
    // A proxy's HTML page or an empty answer: treat a 5xx as "no answer", others as malformed.
    if (resp.status >= 500 || resp.status === 0) throw new NetworkError(`HTTP ${resp.status}`);
    if (!resp.ok) throw new ApiError(resp.status, "malformed_response", `HTTP ${resp.status}`);
    return null;
  }
  if (!resp.ok) {
    const error = (data && data.error) || {};
    if (resp.status >= 502 && !error.code) throw new NetworkError(`HTTP ${resp.status}`);
    throw new ApiError(resp.status, error.code || `http_${resp.status}`, error.message, error.params);
  }
  return data;
}

/** Exponential backoff with jitter: next() gives the next delay in ms; reset() after success. */
export class Backoff {
  constructor({ minMs = 1000, maxMs = 15000, factor = 2 } = {}) {
    Object.assign(this, { minMs, maxMs, factor });
    this.attempt = 0;
  }

  next() {
    const base = Math.min(this.maxMs, this.minMs * this.factor ** this.attempt);
    this.attempt += 1;
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }

  reset() { this.attempt = 0; }
}

/** A random hex id from the browser's CSPRNG (crypto.randomUUID needs https; kiosks run on http). */
export function randomId(bytes = 16) {
  const buf = new Uint8Array(bytes);
  crypto.getRandomValues(buf);
  return Array.from(buf, (b) => b.toString(16).padStart(2, "0")).join("");
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A paired device's token: taken once from `#token=hqd_…` (then kept in localStorage under
 * `storageKey` and removed from the address), else the stored one; null when unpaired.
 */
export function pairedToken(storageKey) {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  let token = null;
  if (match) {
    token = decodeURIComponent(match[1]);
    try { localStorage.setItem(storageKey, token); } catch { /* kept for this page only */ }
    history.replaceState(null, "", location.pathname + location.search);  // the token leaves the URL
  }
  if (!token) {
    try { token = localStorage.getItem(storageKey); } catch { /* no storage */ }
  }
  return token || null;
}
