"""The OpenAPI 3.1 document of /api/v1, built from one table of the contract's endpoints."""
from __future__ import annotations

from typing import Any

TICKET = {
    "type": "object",
    "properties": {
        "number": {"type": "string", "example": "1023"}, "service": {"type": "string"},
        "status": {"type": "string", "enum": ["waiting", "called", "serving", "done", "no_show", "cancelled"]},
        "priority": {"type": "boolean"}, "issued_at": {"type": "string", "format": "date-time"},
        "called_at": {"type": ["string", "null"], "format": "date-time"},
        "counter": {"type": ["integer", "null"]}, "waiting_ahead": {"type": ["integer", "null"]},
        "estimated_wait_s": {"type": ["integer", "null"]}, "token": {"type": "string"},
        "target_counter": {"type": ["integer", "null"], "description": "sent straight to this counter"},
        "target_counter_status": {"type": ["string", "null"], "enum": ["open", "paused", "closed", None]},
        "counters_open": {"type": ["integer", "null"], "description": "open counters that may call it now (waiting)"},
    },
    "required": ["number", "service", "status", "priority", "issued_at", "called_at", "counter",
                 "waiting_ahead", "estimated_wait_s"],
}
ERROR = {"type": "object", "properties": {"error": {"type": "object", "properties": {
    "code": {"type": "string"}, "message": {"type": "string"}}, "required": ["code", "message"]}}}

# (method, path, who, summary, request body properties or None, success status)
ENDPOINTS: list[tuple[str, str, str, str, dict[str, Any] | None, int]] = [
    ("get", "/services", "anyone", "Services with waiting counts and estimated waits", None, 200),
    ("get", "/counters", "anyone", "Counters with their status and current ticket", None, 200),
    ("get", "/state", "anyone", "The hall snapshot (same body as the Socket.IO snapshot)", None, 200),
    ("post", "/login", "anyone", "Log in; returns a bearer token and sets the session cookie",
     {"username": {"type": "string"}, "password": {"type": "string"}}, 200),
    ("post", "/logout", "staff and up", "End this login", None, 200),
    ("get", "/me", "any token", "Who the token belongs to", None, 200),
    ("post", "/tickets", "kiosk device, staff and up", "Issue a ticket; never waits for the printer",
     {"service": {"type": "string"}, "priority": {"type": ["boolean", "string"]},
      "lang": {"type": "string", "enum": ["vi", "en"]}, "idempotency_key": {"type": "string"}}, 201),
    ("get", "/tickets/{token}", "the ticket's holder", "A ticket", None, 200),
    ("post", "/tickets/{token}/rating", "rating device, or the ticket's holder", "Rate a finished ticket",
     {"score": {"type": "integer", "minimum": 1, "maximum": 4}, "comment": {"type": "string"}}, 201),
    ("post", "/tickets/{token}/reprint", "kiosk device that issued it, staff and up", "Print again", None, 200),
    ("post", "/tickets/{token}/cancel", "the ticket's holder, staff and up", "Withdraw a waiting ticket", None, 200),
    ("post", "/counters/{n}/call-next", "staff and up", "Call the next ticket (404 queue_empty)", None, 200),
    ("post", "/counters/{n}/call", "staff and up",
     "Call a given ticket number (e.g. a returning no-show); 409 ambiguous_number when two share it",
     {"number": {"type": "string"}, "service": {"type": "string"}}, 200),
    ("post", "/counters/{n}/recall", "staff and up", "Announce the current ticket again", None, 200),
    ("post", "/counters/{n}/start", "staff and up", "Service starts", None, 200),
    ("post", "/counters/{n}/finish", "staff and up", "Service is over", None, 200),
    ("post", "/counters/{n}/no-show", "staff and up", "The called citizen did not come", None, 200),
    ("post", "/counters/{n}/transfer", "staff and up", "Wait again in another service, same number",
     {"service": {"type": "string"}}, 200),
    ("post", "/counters/{n}/pause", "staff and up", "Stop taking tickets", {"reason": {"type": "string"}}, 200),
    ("post", "/counters/{n}/resume", "staff and up", "Take tickets again", None, 200),
    ("post", "/counters/{n}/take", "staff and up", "Sit down at the counter: it opens under your name", None, 200),
    ("post", "/counters/{n}/leave", "staff and up", "Leave the counter: it closes", None, 200),
    ("get", "/counters/{n}/queue", "staff and up", "Who waits for this counter, in calling order; today's no-shows",
     None, 200),
    ("get", "/counters/{n}/rating", "rating device, staff and up", "What the counter's rating tablet may rate now",
     None, 200),
    ("post", "/counters/{n}/rating", "rating device", "Rate the ticket the counter just finished",
     {"score": {"type": "integer", "minimum": 1, "maximum": 4}, "reason": {"type": "string"},
      "comment": {"type": "string"}}, 201),
    ("patch", "/counters/{n}/rating", "rating device", "Add a reason or comment (or a new score) to the rating this "
     "tablet has just saved, within rating.grace_seconds (409 nothing_to_amend after)",
     {"number": {"type": "string"}, "score": {"type": "integer", "minimum": 1, "maximum": 4},
      "reason": {"type": "string"}, "comment": {"type": "string"}}, 200),
    ("patch", "/tickets/{token}/rating", "whoever gave the rating (the holder, or a rating device)",
     "Add a comment (or a reason, or a new score) to the rating just given, within rating.grace_seconds",
     {"score": {"type": "integer", "minimum": 1, "maximum": 4}, "reason": {"type": "string"},
      "comment": {"type": "string"}}, 200),
    ("get", "/console-settings", "staff and up", "Pause reasons, priority categories, calling a chosen number",
     None, 200),
    ("get", "/display-settings", "anyone; a display token selects its board", "What a board shows and says",
     None, 200),
    ("get", "/kiosk-settings", "anyone", "What a kiosk offers: the priority categories and their names", None, 200),
    ("get", "/users", "admin", "People", None, 200),
    ("post", "/users", "admin", "Add a person", {"username": {"type": "string"}, "role": {"type": "string"},
                                                  "password": {"type": "string"}, "counter": {"type": "integer"},
                                                  "full_name": {"type": "string", "maxLength": 100}}, 201),
    ("patch", "/users/{username}", "admin", "Change role, active, password, counter or full name",
     {"role": {"type": "string"}, "active": {"type": "boolean"}, "password": {"type": "string"},
      "counter": {"type": ["integer", "null"]}, "full_name": {"type": ["string", "null"], "maxLength": 100}}, 200),
    ("get", "/devices", "admin", "Devices and when each was last seen", None, 200),
    ("post", "/devices", "admin", "Register a device; its token is in the answer only",
     {"name": {"type": "string"}, "kind": {"type": "string"}, "printer": {"type": "string"}}, 201),
    ("post", "/devices/{name}/revoke", "admin", "Revoke a device's token (the name URL-encoded, / included)",
     None, 200),
    ("get", "/audit", "admin", "The audit log", None, 200),
    ("get", "/printers", "supervisor and up", "Printers and their status", None, 200),
    ("get", "/stats", "supervisor and up", "Figures for a date range (?from=&to=)", None, 200),
    ("get", "/reports/tickets.csv", "supervisor and up", "One row per ticket, UTF-8 with BOM", None, 200),
    ("get", "/reports/tickets.xlsx", "supervisor and up", "One row per ticket as Excel (92 days at most)", None, 200),
    ("get", "/reports/summary.xlsx", "supervisor and up", "The report as an Excel workbook", None, 200),
    ("get", "/dashboard", "supervisor and up", "The live dashboard's figures", None, 200),
    ("get", "/reports/ratings", "supervisor and up",
     "Counts per low-score reason and the latest comments (?from=&to=&limit=&offset=)", None, 200),
]


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for method, path, who, summary, props, status in ENDPOINTS:
        op: dict[str, Any] = {
            "summary": summary, "description": f"Who: {who}.",
            "responses": {str(status): {"description": "OK"},
                          "default": {"description": "Error",
                                      "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}},
        }
        if who != "anyone":
            op["security"] = [{"bearer": []}]
        params = [{"name": p, "in": "path", "required": True, "schema": {"type": "integer" if p == "n" else "string"}}
                  for p in ("n", "token", "username", "name") if "{" + p + "}" in path]
        if path in ("/stats", "/reports/tickets.csv", "/reports/tickets.xlsx", "/reports/summary.xlsx",
                    "/reports/ratings"):
            params += [{"name": q, "in": "query", "schema": {"type": "string", "format": "date"}} for q in ("from", "to")]
        if path.startswith("/reports/"):
            params.append({"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["vi", "en"]}})
        if params:
            op["parameters"] = params
        if props:
            op["requestBody"] = {"content": {"application/json": {"schema": {"type": "object", "properties": props}}}}
        paths.setdefault(path, {})[method] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": "hallq", "version": "1", "description": "Queue tickets, counters and displays of a service hall."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {"schemas": {"Ticket": TICKET, "Error": ERROR},
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }
