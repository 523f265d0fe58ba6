// A file sent to the API as multipart field `file`, with its progress: the media zone's uploads
// and people's photos. fetch() cannot report an upload's progress; XMLHttpRequest can.
//
//   const item = await sendFile("media", file, { lang, onProgress: (share) => bar.value = share });

import { ApiError, NetworkError } from "/static/api.js";

/** POST (or `method`) `file` to /api/v1/<path>; resolves to the JSON answer, rejects with ApiError or NetworkError. */
export function sendFile(path, file, { method = "POST", lang, onProgress = () => {} } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, `/api/v1/${path}`);
    xhr.setRequestHeader("Accept", "application/json");
    if (lang) xhr.setRequestHeader("Accept-Language", lang);
    xhr.responseType = "json";
    xhr.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener("load", () => {
      const data = xhr.response;
      if (xhr.status >= 200 && xhr.status < 300) { resolve(data); return; }
      const error = (data && data.error) || {};
      if (!error.code && (xhr.status >= 500 || xhr.status === 0)) reject(new NetworkError(`HTTP ${xhr.status}`));
      else reject(new ApiError(xhr.status, error.code || `http_${xhr.status}`, error.message, error.params));
    });
    xhr.addEventListener("error", () => reject(new NetworkError("upload failed")));
    const form = new FormData();
    form.append("file", file, file.name);
    xhr.send(form);
  });
}
