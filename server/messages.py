"""The message catalog: what the server and the pages say, Vietnamese first, English second.

The one source for error texts (MESSAGES, filled with each error's params), the default priority
categories (PRIORITY) and the names a refusal gives; the pages read the same catalog as
/static/messages.js (`catalog_js()`), so a page and the server never word a code two ways.
Where a citizen's screen or a staff page needs other words for a code (no codes, no field names;
citizens addressed as Ông/Bà), FOR_CITIZENS and FOR_STAFF say them, here beside the server's.
"""
from __future__ import annotations

import json
from typing import Any

MESSAGES: dict[str, tuple[str, str]] = {
    "malformed_request": ("Yêu cầu không đúng định dạng JSON.", "The request is not well-formed JSON."),
    "invalid_value": ("Giá trị không hợp lệ cho {field} (cho phép: {allowed}).",
                      "Invalid value for {field} (allowed: {allowed})."),
    "missing_field": ("Thiếu trường bắt buộc: {field}.", "Missing required field: {field}."),
    "unauthenticated": ("Cần đăng nhập hoặc mã thiết bị hợp lệ.", "A valid login or device token is required."),
    "invalid_credentials": ("Tên đăng nhập hoặc mật khẩu không đúng.", "Wrong username or password."),
    # `hallq agent` (kiosk/agent.py) prints these as its one line before it exits
    "not_an_agent_kiosk": ("Thiết bị {name} không phải ki-ốt có máy in \"agent\" "
                           "(hallq device add {name} --kind kiosk --printer agent).",
                           "the device {name} is not a kiosk with an \"agent\" printer "
                           "(hallq device add {name} --kind kiosk --printer agent)"),
    "agent_replaced": ("Một agent khác vừa kết nối bằng mã của ki-ốt này.",
                       "another agent has connected with this kiosk's token"),
    "forbidden": ("Bạn không có quyền thực hiện thao tác này.", "You are not allowed to do this."),
    # `forbidden` naming what it needs (the code stays `forbidden`; see message() below)
    "forbidden.role": ("Thao tác này dành cho {role_name}.", "This is for {role_name}."),
    "forbidden.device": ("Thao tác này dành cho {device_name}.", "This is for {device_name}."),
    "csrf_failed": ("Yêu cầu từ trang khác bị từ chối.", "Cross-site request refused."),
    "not_found": ("Không tìm thấy {what}.", "{what} not found."),
    "unknown_service": ("Không có lĩnh vực {service}.", "There is no service {service}."),
    "unknown_counter": ("Không có quầy số {counter}.", "There is no counter {counter}."),
    "service_code_in_use": ("Mã lĩnh vực {service} đã có; hãy chọn mã khác.",
                            "The service code {service} is already in use; choose another."),
    "counter_number_in_use": ("Quầy số {counter} đã có; hãy chọn số khác.",
                              "Counter {counter} already exists; choose another number."),
    "numbers_overlap": ("Lĩnh vực {service} ({numbers}) và {other} ({other_numbers}) sẽ cùng phát số {shared}; "
                        "mỗi lĩnh vực cần dải số hoặc tiền tố riêng.",
                        "Services {service} ({numbers}) and {other} ({other_numbers}) would both hand out {shared}; "
                        "give each its own block or prefix."),
    "would_strand": ("{waiting} người đang chờ ở lĩnh vực {services} sẽ bị ảnh hưởng. Gửi lại với confirm: true để vẫn thay đổi.",
                     "Waiting now in {services}: {waiting}, who would be affected. Send again with confirm: true to go ahead."),
    "ticket_not_found": ("Không tìm thấy số thứ tự {number}.", "Ticket {number} not found."),
    "ambiguous_number": ("Số {number} đang có ở nhiều lĩnh vực ({services}); hãy chọn lĩnh vực cần gọi.",
                         "Number {number} is held in several services ({services}); say which service to call."),
    "queue_empty": ("Không còn công dân nào đang chờ ở quầy {counter}.", "Nobody is waiting for counter {counter}."),
    "counter_busy": ("Quầy {counter} đang phục vụ một số khác; hãy kết thúc, chuyển hoặc báo vắng trước.",
                     "Counter {counter} still holds a ticket; finish it, transfer it or mark a no-show first."),
    "counter_paused": ("Quầy {counter} đang tạm nghỉ.", "Counter {counter} is paused."),
    "counter_not_paused": ("Quầy {counter} không tạm nghỉ.", "Counter {counter} is not paused."),
    "no_current_ticket": ("Quầy {counter} chưa gọi số nào.", "Counter {counter} has no current ticket."),
    "wrong_ticket_status": ("Số {number} đang ở trạng thái {status}.", "Ticket {number} is {status}."),
    "busy_try_again": ("Hệ thống đang bận, vui lòng thử lại.", "The hall is busy; please try again."),
    # Said by the pages alone: the server could not be reached, or answered something unknown.
    "network": ("Không kết nối được với hệ thống. Vui lòng thử lại.", "Cannot reach the hall system. Please try again."),
    "generic": ("Đã có lỗi xảy ra. Vui lòng thử lại.", "Something went wrong. Please try again."),
    "service_closed": ("Lĩnh vực {service} hiện không tiếp nhận (giờ làm việc: {hours}).",
                       "Service {service} is closed now (hours: {hours})."),
    "daily_cap_reached": ("Lĩnh vực {service} đã hết số trong ngày ({cap}).",
                          "Service {service} has given out all {cap} numbers for today."),
    "priority_not_allowed": ("Lĩnh vực {service} không có số ưu tiên.", "Service {service} has no priority tickets."),
    "same_service": ("Số thứ tự đã ở lĩnh vực {service}.", "The ticket is already in service {service}."),
    "ticket_not_finished": ("Số {number} chưa được phục vụ xong.", "Ticket {number} is not finished yet."),
    "already_rated": ("Số {number} đã được đánh giá.", "Ticket {number} has already been rated."),
    "already_exists": ("{name} đã tồn tại.", "{name} already exists."),
    "wrong_password": ("Mật khẩu hiện tại không đúng.", "The current password is wrong."),
    # appointments (server/appointments.py, docs/appointments.md)
    "booking_not_offered": ("Lĩnh vực {service} không nhận đặt lịch hẹn.", "Service {service} takes no appointments."),
    "slot_unavailable": ("Khung giờ {start} ngày {date} của lĩnh vực {service} không nhận đặt lịch.",
                         "The {start} slot on {date} of service {service} takes no booking."),
    "slot_full": ("Khung giờ {start} ngày {date} đã kín chỗ; vui lòng chọn giờ khác.",
                  "The {start} slot on {date} is full; please choose another time."),
    "too_many_bookings": ("Số điện thoại này đã có {limit} lịch hẹn chưa sử dụng.",
                          "This phone number already holds {limit} unused bookings."),
    "appointment_not_found": ("Không tìm thấy lịch hẹn {booking}.", "No appointment {booking}."),
    "appointment_used": ("Lịch hẹn {booking} đã được sử dụng hoặc đã hủy.", "Appointment {booking} has already been used or cancelled."),
    "appointment_wrong_day": ("Lịch hẹn {booking} là ngày {date} lúc {start}, không phải hôm nay.",
                              "Appointment {booking} is on {date} at {start}, not today."),
    # the province (server/province.py, docs/province.md)
    "unknown_site": ("Không có trung tâm {site}.", "There is no center {site}."),
    "province_only": ("Tham số {field} chỉ dùng trên máy chủ cấp tỉnh (province: true).",
                      "{field} is only for a province server (province: true)."),
    "not_a_province": ("Máy chủ này không phải máy chủ cấp tỉnh (province: true).",
                       "This server is not a province server (province: true)."),
    "site_revoked": ("Trung tâm {site} đã bị thu hồi quyền gửi số liệu lên tỉnh.",
                     "The center {site} may no longer report to this province (revoked)."),
    "upstream_gap": ("Thiếu số liệu: tỉnh đã nhận đến {acked_seq}, cần gửi tiếp từ {expected}.",
                     "A gap in the reports: the province has up to {acked_seq}, send from {expected} on."),
    "invalid_site_name": ("Tên trung tâm cần từ 1 đến {maximum} ký tự, không xuống dòng hay chứa ký tự điều khiển.",
                          "A center's name needs 1 to {maximum} characters, with no line breaks or control characters."),
    "weak_password": ("Mật khẩu cần ít nhất {minimum} ký tự.", "The password needs at least {minimum} characters."),
    "rate_limited": ("Thao tác quá nhanh, vui lòng chờ giây lát rồi thử lại.",
                     "Too many requests; please wait a moment and try again."),
    "database_busy": ("Cơ sở dữ liệu đang bận, vui lòng thử lại.", "The database is busy; please try again."),
    "method_not_allowed": ("Phương thức không được hỗ trợ.", "Method not allowed."),
    "no_printer": ("Thiết bị này không có máy in.", "This device has no printer."),
    "invalid_device_name": ("Tên thiết bị cần từ 1 đến {maximum} ký tự (chữ có dấu và dấu / đều được), "
                            "không để trống, không xuống dòng hay chứa ký tự điều khiển, không có đoạn . hoặc ..",
                            "A device name needs 1 to {maximum} characters (any letters, / included), not blank, "
                            "with no line breaks, control characters, or . or .. between slashes."),
    "printer_kiosk_only": ("Chỉ kiosk mới có máy in; thiết bị loại {kind} không dùng máy in.",
                           "Only kiosks have a printer; a {kind} device has none."),
    "invalid_device_printer": ("Máy in không hợp lệ: dùng địa chỉ serial://, usb://, tcp://, file://, dummy://, "
                               "\"agent\" (máy in nối vào máy tính của kiosk) hoặc tên một máy in trong "
                               "config.yaml ({names}){detail}.",
                               "Invalid printer: use a serial://, usb://, tcp://, file:// or dummy:// address, "
                               "\"agent\" (a printer on the kiosk's own PC) or the name of a printer in "
                               "config.yaml ({names}){detail}."),
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
    "invalid_username": ("Tên đăng nhập chỉ gồm chữ không dấu, số và . _ - (ví dụ: {example}); "
                         "họ tên đầy đủ nhập ở ô Họ và tên.",
                         "A username holds only letters without accents, digits and . _ - (e.g. {example}); "
                         "put the full name in the Full name field."),
    "invalid_full_name": ("Họ và tên: từ 1 đến {maximum} ký tự, không có ký tự điều khiển (ví dụ: Nguyễn Văn Bảo).",
                          "Full name: 1 to {maximum} characters, no control characters (e.g. Nguyễn Văn Bảo)."),
    # Case files at finish (server/queueing/cases.py)
    "invalid_case_code": ("Mã hồ sơ không hợp lệ: tối đa {maximum} ký tự, chỉ gồm chữ không dấu, chữ số và . - _ / "
                          "(ví dụ: 000.00.12.H41-261201-0001).",
                          "Invalid case-file code: up to {maximum} characters, only letters without accents, "
                          "digits and . - _ / (e.g. 000.00.12.H41-261201-0001)."),
    "nothing_to_amend": ("Không còn sửa được đánh giá của số {number} (chỉ người đã đánh giá, trong {seconds} giây).",
                         "The rating of ticket {number} can no longer be changed (only by who gave it, "
                         "within {seconds} s)."),
    "json_too_deep": ("Dữ liệu JSON lồng nhau quá sâu (tối đa {limit} cấp).",
                      "The JSON is nested too deeply (at most {limit} levels)."),
    "invalid_notice": ("Dòng thông báo: tối đa {maximum} ký tự mỗi ngôn ngữ, không xuống dòng, không có ký tự điều khiển.",
                       "Notice: up to {maximum} characters per language, on one line, no control characters."),
    "invalid_text": ("Văn bản chứa ký tự Unicode không hợp lệ.", "The text holds characters that are not valid Unicode."),
    "too_many_connections": ("Quá nhiều kết nối từ cùng một địa chỉ; vui lòng thử lại sau.",
                             "Too many connections from one address; please try again later."),
    "bad_request": ("Yêu cầu không hợp lệ.", "Bad request."),
    "unsupported_file": ("Tệp không đúng loại: chỉ nhận {allowed} (hệ thống đọc nội dung tệp, không xem đuôi tên tệp).",
                         "Unsupported file: only {allowed} (the file's content decides, not its name)."),
    "file_too_large": ("Tệp quá lớn: tối đa {maximum_mb} MB.", "The file is too large: at most {maximum_mb} MB."),
}

# Names of what a refusal needs, in each language (filled into `forbidden.role` / `.device`).
ROLE_NAMES: dict[str, tuple[str, str]] = {
    "staff": ("cán bộ trở lên (staff)", "staff and up (staff)"),
    "supervisor": ("giám sát viên trở lên (supervisor)", "supervisors and up (supervisor)"),
    "admin": ("quản trị viên (admin)", "administrators (admin)"),
}
DEVICE_NAMES: dict[str, tuple[str, str]] = {
    "kiosk": ("ki-ốt lấy số (kiosk)", "kiosks (kiosk)"),
    "display": ("màn hình (display)", "displays (display)"),
    "rating": ("máy đánh giá (rating)", "rating tablets (rating)"),
}


# What a citizen's screen (kiosk, phone, rating tablet, board) says instead: what happened and what to do.
FOR_CITIZENS: dict[str, tuple[str, str]] = {
    "service_closed": ("Lĩnh vực này hiện không tiếp nhận hồ sơ.", "This service is not taking tickets now."),
    "daily_cap_reached": ("Lĩnh vực này đã hết số trong ngày. Xin mời Ông/Bà quay lại vào ngày làm việc tiếp theo.",
                          "This service has given out all its numbers for today. Please come back on the next working day."),
    "priority_not_allowed": ("Lĩnh vực này không có số ưu tiên.", "This service has no priority tickets."),
    "unknown_service": ("Lĩnh vực này không còn. Vui lòng chọn lĩnh vực khác.",
                        "This service no longer exists. Please choose another."),
    "unauthenticated": ("Thiết bị chưa được cấp quyền.", "This device is not authorised."),
    "forbidden": ("Thiết bị không có quyền thực hiện thao tác này.", "This device may not do this."),
    "not_found": ("Không tìm thấy.", "Not found."),
    "database_busy": ("Hệ thống đang bận, vui lòng thử lại.", "The hall is busy; please try again."),
    "invalid_value": ("Lựa chọn không hợp lệ, vui lòng chọn lại.", "That choice is not valid; please choose again."),
    "ticket_not_finished": ("Hồ sơ chưa được giải quyết xong.", "The ticket is not finished yet."),
    "nothing_to_rate": ("Đã hết thời gian đánh giá lượt phục vụ này.", "The time to rate this service is over."),
    "already_rated": ("Lượt phục vụ này đã được đánh giá. Cảm ơn Ông/Bà!", "This service has already been rated. Thank you!"),
    "nothing_to_amend": ("Đã hết thời gian góp ý cho lượt đánh giá này; điểm đánh giá của Ông/Bà vẫn được ghi nhận.",
                         "The time to add to this rating is over; your score is recorded all the same."),
    "generic": ("Đã có lỗi xảy ra. Vui lòng thử lại hoặc hỏi cán bộ hướng dẫn.",
                "Something went wrong. Please try again or ask a staff member."),
    "appointment_not_found": ("Không tìm thấy mã lịch hẹn này. Ông/Bà vui lòng kiểm tra lại mã, hoặc lấy số thường.",
                              "This booking code was not found. Please check the code, or take an ordinary ticket."),
    "appointment_used": ("Mã lịch hẹn này đã được sử dụng hoặc đã hủy.", "This booking code has already been used or cancelled."),
    "appointment_wrong_day": ("Lịch hẹn này không phải hôm nay. Xin mời Ông/Bà đến vào đúng ngày đã hẹn, hoặc lấy số thường.",
                              "This booking is not for today. Please come on the booked day, or take an ordinary ticket."),
    "slot_full": ("Khung giờ này vừa kín chỗ. Vui lòng chọn giờ khác.", "This time has just filled up. Please choose another."),
    "slot_unavailable": ("Khung giờ này không còn nhận đặt lịch. Vui lòng chọn giờ khác.",
                         "This time no longer takes bookings. Please choose another."),
    "too_many_bookings": ("Số điện thoại này đã có đủ số lịch hẹn chưa sử dụng. Ông/Bà có thể huỷ bớt lịch hẹn cũ.",
                          "This phone number already holds as many unused bookings as it may. You may cancel one."),
}
# What the staff console and the admin pages say instead: a person at a page, not an API client.
FOR_STAFF: dict[str, tuple[str, str]] = {
    "unauthenticated": ("Phiên đăng nhập đã hết. Vui lòng đăng nhập lại.", "Your session has ended. Please log in again."),
    "csrf_failed": ("Yêu cầu bị từ chối vì không đến từ trang này. Hãy tải lại trang.",
                    "The request was refused because it did not come from this page. Reload the page."),
    "not_found": ("Không tìm thấy.", "Not found."),
    "missing_field": ("Vui lòng điền đủ các ô bắt buộc.", "Please fill in the required fields."),
    "counter_paused": ("Quầy đang tạm nghỉ. Nhấn P để tiếp tục.", "The counter is paused. Press P to resume."),
    "wrong_ticket_status": ("Số này không còn ở trạng thái cho phép thao tác đó.",
                            "That ticket is no longer in a state that allows this."),
    "ticket_not_found": ("Không có số này trong hàng chờ của quầy hôm nay.", "That number is not in this counter's queue today."),
    "wrong_counter": ("Bạn được phân công ở quầy khác.", "You are assigned to another counter."),
    "already_exists": ("Tên này đã có.", "That name is already taken."),
}

# The priority categories a hall offers unless config.yaml's priority_categories says otherwise,
# named as the one person who holds the ticket (the kiosk's choice, the ticket, the phone).
PRIORITY: dict[str, tuple[str, str]] = {
    "elderly": ("Người cao tuổi", "Elderly person"),
    "disability": ("Người khuyết tật", "Person with a disability"),
    "pregnant": ("Phụ nữ mang thai", "Pregnant woman"),
    "small_children": ("Người có con nhỏ", "Person with a small child"),
}
PRIORITY_OTHER = ("Ưu tiên", "Priority")  # how a page names a category it does not know


def _keyed(prefix: str, table: dict[str, tuple[str, str]]) -> dict[str, list[str]]:
    return {f"{prefix}.{code}": list(pair) for code, pair in table.items()}


def catalog_js() -> str:
    """/static/messages.js: the catalog for the pages' i18n (static/i18n.js), as a JavaScript module."""
    everyone = {**_keyed("error", MESSAGES), **_keyed("priority", {**PRIORITY, "other": PRIORITY_OTHER}),
                **_keyed("role_name", ROLE_NAMES), **_keyed("device_name", DEVICE_NAMES)}
    parts = ["// Generated by the server from server/messages.py, the one message catalog: edit it there.\n"]
    for name, table in (("MESSAGES", everyone), ("FOR_CITIZENS", _keyed("error", FOR_CITIZENS)),
                        ("FOR_STAFF", _keyed("error", FOR_STAFF))):
        parts.append(f"export const {name} = {json.dumps(table, ensure_ascii=False, indent=1)};\n")
    return "\n".join(parts)


def message(code: str, lang: str = "vi", **params: Any) -> str:
    """The human text of a code, with its parameters filled in."""
    en_lang = lang == "en"
    if code == "forbidden" and params.get("role") in ROLE_NAMES:  # a refusal names the role it needs
        code, params = "forbidden.role", {**params, "role_name": ROLE_NAMES[params["role"]][en_lang]}
    elif code == "forbidden" and params.get("device") in DEVICE_NAMES:
        code, params = "forbidden.device", {**params, "device_name": DEVICE_NAMES[params["device"]][en_lang]}
    vi, en = MESSAGES.get(code, (code, code))
    text = en if en_lang else vi
    try:
        return text.format(**params)
    except (KeyError, IndexError):
        return text


# Labels for what exports show instead of codes. Statuses use the pages' own words (COMMON
# `status.*` in server/static/i18n.js, without the counter); outcomes are what a day did to a ticket.
LABELS: dict[str, tuple[str, str]] = {
    "status.waiting": ("Đang chờ", "Waiting"),
    "status.called": ("Đã gọi", "Called"),
    "status.serving": ("Đang phục vụ", "Being served"),
    "status.done": ("Đã xong", "Done"),
    "status.no_show": ("Vắng mặt", "Missed (no-show)"),
    "status.cancelled": ("Đã huỷ", "Cancelled"),
    "outcome.done": ("Đã phục vụ", "Served"),
    "outcome.no_show": ("Vắng mặt", "No-show"),
    "outcome.cancelled": ("Đã huỷ", "Cancelled"),
    "outcome.expired": ("Hết hạn (đóng ngày)", "Expired (day closed)"),
    "outcome.waiting": ("Đang chờ", "Waiting"),
    "outcome.called": ("Đã gọi", "Called"),
    "outcome.serving": ("Đang phục vụ", "Being served"),
    # The one-row-per-ticket export: the columns, in order (the last four keep the codes).
    "col.site": ("Trung tâm", "Center"),  # a province's exports (server/reports/province.py)
    "col.day": ("Ngày", "Day"),
    "col.number": ("Số thứ tự", "Number"),
    "col.service": ("Lĩnh vực", "Service"),
    "col.service_name": ("Tên lĩnh vực", "Service name"),
    "col.service_now": ("Lĩnh vực sau chuyển", "Service after transfer"),
    "col.status": ("Trạng thái", "Status"),
    "col.outcome": ("Kết quả", "Outcome"),
    "col.priority": ("Ưu tiên", "Priority"),
    "col.priority_category": ("Đối tượng ưu tiên", "Priority group"),
    "col.counter": ("Quầy", "Counter"),
    "col.staff": ("Cán bộ", "Staff"),
    "col.issued_at": ("Lấy số", "Issued"),
    "col.called_at": ("Được gọi", "Called"),
    "col.started_at": ("Bắt đầu", "Started"),
    "col.finished_at": ("Kết thúc", "Finished"),
    "col.wait_s": ("Chờ (giây)", "Wait (s)"),
    "col.service_s": ("Phục vụ (giây)", "Service (s)"),
    "col.transfers": ("Số lần chuyển", "Transfers"),
    "col.score": ("Đánh giá", "Rating"),
    "col.reason": ("Lý do", "Reason"),
    "col.comment": ("Góp ý", "Comment"),
    "col.status_code": ("Mã trạng thái", "Status code"),
    "col.outcome_code": ("Mã kết quả", "Outcome code"),
    "col.reason_code": ("Mã lý do", "Reason code"),
    "col.priority_category_code": ("Mã đối tượng ưu tiên", "Priority group code"),
    # Case files (server/queueing/cases.py): the ticket export's last columns, and what came of a visit.
    "col.case_code": ("Mã hồ sơ", "Case-file code"),
    "col.case_outcome": ("Kết quả hồ sơ", "Case outcome"),
    "col.case_note": ("Ghi chú hồ sơ", "Case note"),
    "col.case_outcome_code": ("Mã kết quả hồ sơ", "Case outcome code"),
    "case_outcome.received": ("Tiếp nhận hồ sơ", "Application received"),
    "case_outcome.returned": ("Trả kết quả", "Result returned"),
    "case_outcome.guidance": ("Hướng dẫn thủ tục", "Guidance only"),
    "case_outcome.incomplete": ("Hồ sơ chưa đầy đủ", "Incomplete documents"),
    # The summary workbook: its sheets, its figures, its other columns.
    "sheet.tickets": ("Số thứ tự", "Tickets"),
    "sheet.total": ("Tổng hợp", "Summary"),
    "sheet.services": ("Lĩnh vực", "Services"),
    "sheet.counters": ("Quầy", "Counters"),
    "sheet.staff": ("Cán bộ", "Staff"),
    "sheet.hours": ("Theo giờ", "By hour"),
    "sheet.days": ("Theo ngày", "By day"),
    "sheet.sites": ("Theo trung tâm", "By center"),
    # The province's monthly table of its centers (GET /reports/sites-monthly)
    "monthly.title": ("Kết quả phục vụ và mức độ hài lòng theo trung tâm — tháng {month}",
                      "Service and satisfaction by center — {month}"),
    "monthly.sheet": ("Tháng {month}", "Month {month}"),
    "monthly.site": ("Trung tâm", "Center"),
    "monthly.served": ("Số hồ sơ đã phục vụ", "Served"),
    "monthly.rated": ("Số lượt đánh giá", "Ratings"),
    "monthly.rated_share": ("Tỷ lệ đánh giá (%)", "Rated (%)"),
    "monthly.satisfied_share": ("Hài lòng trở lên (%)", "Satisfied or better (%)"),
    "monthly.wait_mean": ("Thời gian chờ TB (phút)", "Mean wait (min)"),
    "monthly.within_target": ("Chờ trong mục tiêu (%)", "Within target wait (%)"),
    "monthly.total": ("Toàn tỉnh", "Province total"),
    "summary.title": ("{center} — báo cáo từ {start} đến {end}", "{center} — report from {start} to {end}"),
    "summary.figure": ("Chỉ số", "Figure"),
    "summary.value": ("Giá trị", "Value"),
    "summary.code": ("Mã", "Code"),
    "summary.service": ("Lĩnh vực", "Service"),
    "summary.target": ("Mục tiêu chờ (phút)", "Target wait (min)"),
    "summary.counter": ("Quầy", "Counter"),
    "summary.counter_name": ("Tên quầy", "Counter name"),
    "summary.staff": ("Cán bộ", "Staff"),
    "summary.hour": ("Giờ", "Hour"),
    "summary.day": ("Ngày", "Day"),
    "fig.tickets": ("Số phiếu", "Tickets"),
    "fig.served": ("Đã phục vụ", "Served"),
    "fig.no_shows": ("Vắng mặt", "No-shows"),
    "fig.expired": ("Hết hạn", "Expired"),
    "fig.transferred": ("Chuyển", "Transferred"),
    "fig.wait_mean": ("Chờ TB (phút)", "Mean wait (min)"),
    "fig.wait_median": ("Chờ trung vị (phút)", "Median wait (min)"),
    "fig.wait_p90": ("Chờ P90 (phút)", "P90 wait (min)"),
    "fig.service_mean": ("Phục vụ TB (phút)", "Mean service (min)"),
    "fig.service_median": ("Phục vụ trung vị (phút)", "Median service (min)"),
    "fig.service_p90": ("Phục vụ P90 (phút)", "P90 service (min)"),
    "fig.within_target": ("Trong mục tiêu (%)", "Within target (%)"),
    "fig.ratings": ("Lượt đánh giá", "Ratings"),
    "fig.rating_mean": ("Điểm TB (1–4)", "Mean score (1–4)"),
    "fig.satisfied": ("Hài lòng (%)", "Satisfied (%)"),
    # The summary workbook's appointments sheet (a hall's; server/appointments.py figures())
    "sheet.appointments": ("Lịch hẹn", "Appointments"),
    "appt.booked": ("Lượt đặt lịch", "Bookings"),
    "appt.cancelled": ("Đã hủy", "Cancelled"),
    "appt.checked_in": ("Đã đến (đã lấy số)", "Checked in"),
    "appt.on_time": ("Đến đúng giờ", "On time"),
    "appt.late": ("Đến muộn", "Late"),
    "appt.served": ("Đã phục vụ", "Served"),
    "appt.no_show": ("Không đến", "No-shows"),
    "appt.no_show_rate": ("Tỷ lệ không đến (%)", "No-show rate (%)"),
    "appt.on_time_rate": ("Tỷ lệ đến đúng giờ (%)", "On-time rate (%)"),
    "appt.avg_early": ("Đến sớm TB (phút)", "Mean time early (min)"),
    "appt.tickets_appointment": ("Phiếu theo lịch hẹn", "Appointment tickets"),
    "appt.tickets_walk_in": ("Phiếu không hẹn trước", "Walk-in tickets"),
    "appt.tickets_share": ("Phiếu theo lịch hẹn (%)", "Appointment tickets (%)"),
}


def label(key: str, lang: str = "vi", default: str | None = None, **params: Any) -> str:
    """The human label of a catalog key (a status, a column); `default` (else the key) when unknown."""
    pair = LABELS.get(key)
    if pair is None:
        return key if default is None else default
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**params) if params else text
