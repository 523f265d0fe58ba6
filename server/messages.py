"""The message catalog: every human text the server sends, Vietnamese first, English second."""
from __future__ import annotations

from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    "malformed_request": ("Yêu cầu không đúng định dạng JSON.", "The request is not well-formed JSON."),
    "invalid_value": ("Giá trị không hợp lệ cho {field} (cho phép: {allowed}).",
                      "Invalid value for {field} (allowed: {allowed})."),
    "missing_field": ("Thiếu trường bắt buộc: {field}.", "Missing required field: {field}."),
    "unauthenticated": ("Cần đăng nhập hoặc mã thiết bị hợp lệ.", "A valid login or device token is required."),
    "invalid_credentials": ("Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password."),
    "forbidden": ("Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this."),
    "csrf_failed": ("Yêu cầu từ trang khác bị từ chối.", "Cross-site request refused."),
    "not_found": ("Không tìm thấy {what}.", "{what} not found."),
    "unknown_service": ("Không có lĩnh vực {service}.", "There is no service {service}."),
    "unknown_counter": ("Không có quầy số {counter}.", "There is no counter {counter}."),
    "ticket_not_found": ("Không tìm thấy số thứ tự {number}.", "Ticket {number} not found."),
    "queue_empty": ("Không còn công dân nào đang chờ ở quầy {counter}.", "Nobody is waiting for counter {counter}."),
    "counter_busy": ("Quầy {counter} đang phục vụ một số khác; hãy kết thúc hoặc báo vắng trước.",
                     "Counter {counter} still holds a ticket; finish it or mark a no-show first."),
    "counter_paused": ("Quầy {counter} đang tạm nghỉ.", "Counter {counter} is paused."),
    "counter_not_paused": ("Quầy {counter} không tạm nghỉ.", "Counter {counter} is not paused."),
    "no_current_ticket": ("Quầy {counter} chưa gọi số nào.", "Counter {counter} has no current ticket."),
    "wrong_ticket_status": ("Số {number} đang ở trạng thái {status}.", "Ticket {number} is {status}."),
    "busy_try_again": ("Hệ thống đang bận, vui lòng thử lại.", "The hall is busy; please try again."),
    "service_closed": ("Lĩnh vực {service} hiện không tiếp nhận (giờ làm việc: {hours}).",
                       "Service {service} is closed now (hours: {hours})."),
    "daily_cap_reached": ("Lĩnh vực {service} đã hết số trong ngày ({cap}).",
                          "Service {service} has given out all {cap} numbers for today."),
    "priority_not_allowed": ("Lĩnh vực {service} không có số ưu tiên.", "Service {service} has no priority tickets."),
    "same_service": ("Số thứ tự đã ở lĩnh vực {service}.", "The ticket is already in service {service}."),
    "ticket_not_finished": ("Số {number} chưa được phục vụ xong.", "Ticket {number} is not finished yet."),
    "already_rated": ("Số {number} đã được đánh giá.", "Ticket {number} has already been rated."),
    "already_exists": ("{name} đã tồn tại.", "{name} already exists."),
    "weak_password": ("Mật khẩu cần ít nhất {minimum} ký tự.", "The password needs at least {minimum} characters."),
    "rate_limited": ("Thao tác quá nhanh, vui lòng chờ giây lát.", "Too many requests; please wait a moment."),
    "database_busy": ("Cơ sở dữ liệu đang bận, vui lòng thử lại.", "The database is busy; please try again."),
    "method_not_allowed": ("Phương thức không được hỗ trợ.", "Method not allowed."),
    "no_printer": ("Thiết bị này không có máy in.", "This device has no printer."),
    # A print failure as a kiosk may tell a citizen (print.code); the printer's own reason is for supervisors.
    "print_paper_out": ("Máy in hết giấy.", "The printer is out of paper."),
    "print_cover_open": ("Nắp máy in đang mở.", "The printer cover is open."),
    "print_offline": ("Máy in không phản hồi.", "The printer does not answer."),
    "print_timeout": ("Máy in không phản hồi kịp.", "The printer did not answer in time."),
    "print_fault": ("Máy in báo lỗi.", "The printer reports a fault."),
    "print_server_restarted": ("Hệ thống khởi động lại trước khi in phiếu.", "The system restarted before printing."),
    "print_failed": ("Không in được phiếu.", "The ticket could not be printed."),
    "wrong_counter": ("Bạn được phân công ở quầy {counter}.", "You are assigned to counter {counter}."),
    "call_specific_forbidden": ("Trung tâm không cho phép gọi số theo ý muốn.",
                                "This center does not allow calling a chosen number."),
    "same_counter": ("Số thứ tự đang ở quầy {counter}.", "The ticket is already at counter {counter}."),
    "nothing_to_rate": ("Quầy {counter} chưa có lượt phục vụ nào để đánh giá.",
                        "Counter {counter} has no service to rate right now."),
    "last_admin": ("Không thể bỏ quyền hoặc khoá quản trị viên cuối cùng.",
                   "The last active admin cannot be demoted or disabled."),
    "internal_error": ("Lỗi máy chủ.", "Server error."),
}


def message(code: str, lang: str = "vi", **params: Any) -> str:
    """The human text of a code, with its parameters filled in."""
    vi, en = MESSAGES.get(code, (code, code))
    text = en if lang == "en" else vi
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text
