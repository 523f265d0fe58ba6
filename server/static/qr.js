// QR codes as inline SVG, drawn in the browser with the vendored qrcode-generator.
//
//   import { qrSvg } from "/static/qr.js";
//   element.innerHTML = qrSvg(url, { label: "Mã QR theo dõi số thứ tự" });

import qrcode from "./vendor/qrcode-generator/qrcode.mjs";

const escapeXml = (s) => String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

/** An <svg> string that scales to its box; dark modules as one path, a quiet zone of `margin`. */
export function qrSvg(text, { ecc = "M", margin = 4, label = "" } = {}) {
  const qr = qrcode(0, ecc);
  qr.addData(text, "Byte");
  qr.make();
  const n = qr.getModuleCount();
  const size = n + margin * 2;
  let d = "";
  for (let r = 0; r < n; r += 1) {
    for (let c = 0; c < n; c += 1) {
      if (qr.isDark(r, c)) d += `M${c + margin} ${r + margin}h1v1h-1z`;
    }
  }
  const title = label ? `<title>${escapeXml(label)}</title>` : "";
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" role="img"` +
    ` shape-rendering="crispEdges"${label ? ` aria-label="${escapeXml(label)}"` : ""}>${title}` +
    `<rect width="${size}" height="${size}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}
