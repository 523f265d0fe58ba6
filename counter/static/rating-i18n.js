// The rating tablet's own texts: Vietnamese first, English second.
// Reasons for a low rating come from the server (config rating.reasons) with their names;
// errors, as a citizen reads them, are the catalog's FOR_CITIZENS (server/messages.py).

import { FOR_CITIZENS } from "/static/messages.js";

export const RATING = {
  ...FOR_CITIZENS,
  "rating.locked.title": ["Cảm ơn Ông/Bà", "Thank you"],
  "rating.locked.text": ["Mời Ông/Bà đánh giá sau khi được phục vụ.", "Please rate our service when you are done."],
  "rating.question": ["Ông/Bà có hài lòng với sự phục vụ?", "Are you satisfied with our service?"],
  "rating.ticket": ["Số thứ tự {number} · {service}", "Ticket {number} · {service}"],
  "rating.reason.title": ["Xin Ông/Bà cho biết lý do", "Please tell us why"],
  "rating.reason.chosen": ["Ông/Bà đã chọn: {score}", "You chose: {score}"],
  "rating.comment": ["Góp ý thêm (không bắt buộc)", "Anything to add? (optional)"],
  "rating.send": ["Gửi đánh giá", "Send"],
  "rating.back": ["Quay lại", "Back"],
  "rating.sending": ["Đang gửi…", "Sending…"],
  "rating.thanks.title": ["Cảm ơn Ông/Bà đã đánh giá!", "Thank you for your rating!"],
  "rating.thanks.text": ["Ý kiến của Ông/Bà giúp chúng tôi phục vụ tốt hơn.", "Your opinion helps us serve you better."],
  "rating.already": ["Lượt phục vụ này đã được đánh giá. Cảm ơn Ông/Bà!", "This service has already been rated. Thank you!"],
  "rating.expired": ["Đã hết thời gian đánh giá lượt phục vụ này.", "The time to rate this service is over."],
  "rating.time_left": ["Còn {seconds} giây", "{seconds} s left"],
  "rating.staff": ["Cán bộ tiếp nhận: {name}", "Officer: {name}"],

  "pairing.title": ["Máy đánh giá chưa được ghép nối", "This rating tablet is not paired"],
  "pairing.text": ["Cán bộ kỹ thuật: tạo mã bằng lệnh “hallq device add TÊN --kind rating” rồi mở {url}#token=MÃ trên máy này.",
                   "Technician: create a token with “hallq device add NAME --kind rating”, then open {url}#token=TOKEN on this tablet."],
  "pairing.rejected": ["Mã thiết bị của máy này không hợp lệ hoặc đã bị thu hồi.", "This tablet's token is not valid or has been revoked."],
  "pairing.unknown_counter": ["Không có quầy số {counter}.", "There is no counter {counter}."],
};
