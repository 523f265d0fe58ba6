// The hall board's and the counter screens' own texts: Vietnamese first, English second.
// Shared texts (offline, waits, "Quầy {counter}") are in /static/i18n.js COMMON.

import { FOR_CITIZENS } from "/static/messages.js";

export const DISPLAY = {
  ...FOR_CITIZENS,
  "board.calling": ["Mời công dân có số", "Now calling"],
  "board.to_counter": ["Quầy {counter}", "Counter {counter}"],
  "board.recall": ["Gọi lại", "Recall"],
  "board.recent": ["Vừa gọi", "Recent calls"],
  "board.counters": ["Các quầy đang phục vụ", "Now serving"],
  "board.waiting": ["Số người đang chờ", "People waiting"],
  "board.no_calls": ["Chưa có lượt gọi", "No calls yet"],
  "board.idle": ["—", "—"],
  "board.out_of_hours": ["Ngoài giờ", "Closed"],
  "board.loading": ["Đang tải…", "Loading…"],

  "counter.label": ["Quầy số", "Counter"],
  "counter.called": ["Mời số", "Now calling"],
  "counter.serving": ["Đang phục vụ số", "Now serving"],
  "counter.ready": ["Sẵn sàng", "Ready"],
  "counter.closed": ["Quầy đóng", "Closed"],
  "counter.unknown": ["Không có quầy số {counter}", "There is no counter {counter}"],
  "counter.staff": ["Cán bộ tiếp nhận: {name}", "Officer: {name}"],

  "pause.break": ["Tạm nghỉ", "Paused"],
  "pause.meeting": ["Tạm nghỉ — họp", "Paused — meeting"],
  "pause.training": ["Tạm nghỉ — tập huấn", "Paused — training"],
  "pause.other": ["Tạm nghỉ", "Paused"],
  "status.closed_short": ["Đóng", "Closed"],

  "sound.enable": ["Bấm để bật âm thanh", "Click to turn on the sound"],

  "pairing.title": ["Màn hình chưa được ghép nối", "This display is not paired"],
  "pairing.text": ["Cán bộ kỹ thuật: tạo mã bằng lệnh “hallq device add TÊN --kind display” rồi mở {url}#token=MÃ trên màn hình này.",
                   "Technician: create a token with “hallq device add NAME --kind display”, then open {url}#token=TOKEN on this screen."],
  "pairing.rejected": ["Mã thiết bị của màn hình này không hợp lệ hoặc đã bị thu hồi.",
                       "This display's token is not valid or has been revoked."],
  "pairing.private": ["Bảng hiển thị công khai đã tắt; màn hình này cần mã thiết bị.",
                      "The public board is turned off; this screen needs a display token."],
};

/** Vietnamese weekday names for the board's date line (Intl's are lower-case in some builds). */
export const WEEKDAYS = {
  vi: ["Chủ Nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"],
  en: ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"],
};
