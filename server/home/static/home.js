// The landing page: texts from the catalog, the language switch.
import { COMMON, createI18n } from "/static/i18n.js";

const HOME = {
  "home.lead": ["Hệ thống lấy số thứ tự của trung tâm. Chọn trang cho từng thiết bị trong sảnh; mỗi thiết bị được ghép nối một lần bằng mã thiết bị.",
                "The center's queue-ticketing system. Pick the page for each device in the hall; each device is paired once with a device token."],
  "home.loopback": ["Máy chủ đang chỉ phục vụ trên máy này (127.0.0.1). Để kiosk, TV và máy tính ở quầy kết nối được, chạy “hallq serve --host 0.0.0.0” (hoặc địa chỉ mạng LAN của máy chủ) rồi mở trang bằng địa chỉ đó.",
                    "The server only listens on this machine (127.0.0.1). For kiosks, TVs and counter PCs to connect, run “hallq serve --host 0.0.0.0” (or the server's LAN address) and open the pages at that address."],
  "home.citizens": ["Cho công dân", "For citizens"],
  "home.kiosk": ["Kiosk lấy số", "Ticket kiosk"],
  "home.kiosk.text": ["Màn hình cảm ứng: chọn lĩnh vực, in phiếu số thứ tự. Cần mã thiết bị kiosk.", "Touch screen: choose a service, print a ticket. Needs a kiosk device token."],
  "home.board": ["Bảng gọi số trong sảnh", "Hall board"],
  "home.board.text": ["TV treo tường: số đang gọi, quầy, lời mời bằng giọng nói. Xem công khai hoặc ghép với mã màn hình.", "Wall TV: numbers called, counters, voice announcements. Public, or paired with a display token."],
  "home.phone": ["Theo dõi trên điện thoại", "Follow on a phone"],
  "home.book": ["Đặt lịch hẹn", "Book an appointment"],
  "home.book.text": ["Công dân đặt trước giờ đến trên điện thoại, rồi nhập mã tại ki-ốt (lĩnh vực có nhận đặt lịch).", "Citizens book a time on their phone, then enter the code at the kiosk (services that take bookings)."],
  "home.phone.text": ["Công dân quét mã QR trên phiếu để xem lượt của mình và đánh giá sau khi được phục vụ.", "Citizens scan the QR code on their ticket to follow their turn and rate the service."],
  "home.counters": ["Tại quầy", "At the counters"],
  "home.console": ["Bàn làm việc của cán bộ", "Staff console"],
  "home.console.text": ["Gọi số, gọi lại, bắt đầu, kết thúc, vắng mặt, chuyển, tạm nghỉ. Đăng nhập bằng tài khoản cán bộ.", "Call, recall, start, finish, no-show, transfer, pause. Log in as staff."],
  "home.counter_screen": ["Màn hình trên quầy", "Counter screen"],
  "home.rating": ["Máy đánh giá tại quầy", "Rating tablet"],
  "home.office": ["Quản lý", "Management"],
  "home.dashboard": ["Theo dõi trực tiếp", "Live dashboard"],
  "home.dashboard.text": ["Sảnh đang diễn ra: hàng chờ, quầy, máy in, cảnh báo. Dành cho giám sát viên.", "The hall now: queues, counters, printers, alerts. For supervisors."],
  "home.sites": ["Các trung tâm", "Centers"],
  "home.sites.text": ["Máy chủ cấp tỉnh: mọi trung tâm trực tiếp, cảnh báo, xếp hạng theo mục tiêu.",
                      "The province's server: every center live, alerts, rankings against the targets."],
  "home.reports": ["Báo cáo", "Reports"],
  "home.reports.text": ["Thời gian chờ, thời gian phục vụ, mức độ hài lòng; xuất CSV và Excel.", "Waiting and service times, satisfaction; CSV and Excel exports."],
  "home.people": ["Nhân sự và thiết bị", "People and devices"],
  "home.people.text": ["Tài khoản cán bộ, mã thiết bị, nhật ký. Dành cho quản trị viên.", "Staff accounts, device tokens, audit log. For admins."],
  "home.api": ["API cho phần mềm một cửa", "API for integrations"],
  "home.api.text": ["Tài liệu OpenAPI của REST API /api/v1.", "The OpenAPI document of the REST API /api/v1."],
  "home.pair": ["Ghép nối một thiết bị", "Pairing a device"],
  "home.pair.people": ["Trên máy chủ, tạo tài khoản cho từng người (không có tài khoản hay mật khẩu mặc định):", "On the server, create an account for each person (there are no default accounts or passwords):"],
  "home.pair.device": ["Đăng ký từng thiết bị; dòng cuối cùng in ra là mã thiết bị (chỉ hiện một lần):", "Register each device; the last line printed is its token (shown once):"],
  "home.pair.open": ["Trên thiết bị, mở trang của nó một lần với mã ở sau dấu #:", "On the device, open its page once with the token after the #:"],
  "home.pair.keep": ["Thiết bị giữ mã trong trình duyệt; mã không bao giờ được gửi trong địa chỉ trang. Thu hồi bằng “hallq device revoke TÊN” hoặc ở trang Nhân sự và thiết bị.",
                     "The device keeps the token in its browser; it is never sent in the page address. Revoke it with “hallq device revoke NAME” or on the People and devices page."],
};

const i18n = createI18n([COMMON, HOME], { lang: "vi", storageKey: "hallq-home-lang" });
document.getElementById("lang").addEventListener("click", () => i18n.toggle());
function render() {
  i18n.apply(document);
  const center = document.getElementById("center");
  center.textContent = center.dataset[i18n.lang] || center.dataset.vi;
}
i18n.onChange(render);
render();
