"""The few words a ticket prints, Vietnamese first, English second."""

from __future__ import annotations

import math

LABELS: dict[str, dict[str, str]] = {
    "vi": {
        "number": "SỐ THỨ TỰ",
        "ahead": "Số người chờ trước: {n}",
        "wait": "Thời gian chờ dự kiến: {t}",
        "counters": "Quầy phục vụ: {c}",
        "counter": "Quầy phục vụ: {c}",
        "scan": "Quét mã QR để theo dõi lượt",
        "priority": "ƯU TIÊN",
        "appointment": "LỊCH HẸN · gọi ưu tiên từ {t}",
        "minutes": "{m} phút",
        "hours": "{h} giờ {m} phút",
        "now": "sắp đến lượt",
    },
    "en": {
        "number": "YOUR NUMBER",
        "ahead": "People ahead: {n}",
        "wait": "Estimated wait: {t}",
        "counters": "Counters: {c}",
        "counter": "Counter: {c}",
        "scan": "Scan the QR code to follow your turn",
        "priority": "PRIORITY",
        "appointment": "APPOINTMENT · called first from {t}",
        "minutes": "{m} min",
        "hours": "{h} h {m} min",
        "now": "any moment",
    },
}

#: Reasons shown on the kiosk and dashboard for each PrinterError code.
ERROR_MESSAGES: dict[str, dict[str, str]] = {
    "vi": {
        "paper_out": "Máy in hết giấy",
        "cover_open": "Nắp máy in đang mở",
        "printer_offline": "Máy in không sẵn sàng",
        "printer_unavailable": "Không kết nối được máy in",
        "printer_timeout": "Máy in không phản hồi",
        "printer_fault": "Máy in báo lỗi",
        "printer_config": "Cấu hình máy in không hợp lệ",
        "printer_error": "Lỗi máy in",
    },
    "en": {
        "paper_out": "Printer is out of paper",
        "cover_open": "Printer cover is open",
        "printer_offline": "Printer is not ready",
        "printer_unavailable": "Cannot reach the printer",
        "printer_timeout": "Printer is not responding",
        "printer_fault": "Printer reports an error",
        "printer_config": "Printer settings are invalid",
        "printer_error": "Printer error",
    },
}


def label(lang: str, key: str, **values: object) -> str:
    """Return one label in lang (falling back to Vietnamese) with values filled in."""
    table = LABELS.get(lang, LABELS["vi"])
    return table[key].format(**values)


def error_message(code: str, lang: str = "vi") -> str:
    """Return the short localized reason for a PrinterError code."""
    table = ERROR_MESSAGES.get(lang, ERROR_MESSAGES["vi"])
    return table.get(code, table["printer_error"])


def format_wait(seconds: int, lang: str) -> str:
    """Say a wait in whole minutes, rounded up, or hours and minutes past an hour."""
    if seconds <= 0:
        return label(lang, "now")
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return label(lang, "minutes", m=minutes)
    return label(lang, "hours", h=minutes // 60, m=minutes % 60)
