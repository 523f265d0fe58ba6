"""The boards' scrolling notice, set live by supervisors and admins (server/notice.py holds it)."""
from __future__ import annotations

from flask import g, jsonify, request
from sqlalchemy import select

from ..context import hall
from ..notice import current, store
from ..people import audit
from ..queueing.errors import Invalid
from ..queueing.models import Hall as HallRow
from ..queueing.outcome import NoticeChanged, Outcome
from . import allow, api
from .parse import answers, takes
from .schemas import SetNotice
from .schemas_answers import NoticeSet


@api.put("/notice")
@allow(role="supervisor")
@takes(SetNotice)
@answers(NoticeSet)
def set_notice(body: SetNotice):
    """Set the line the hall boards scroll, live (`notice_changed`); `text` null or empty clears it."""
    h, p = hall(), g.principal
    text = body.text
    if text is not None and text.en and not text.vi:
        raise Invalid("missing_field", field="text.vi")  # Vietnamese first: never an English-only notice
    wanted = {"vi": text.vi, "en": text.en} if text is not None and text.vi else None
    now = h.clock()
    address = request.remote_addr  # read here: the work runs on a database thread

    def work(s):
        before, after = store(s, wanted, p.actor, now)
        audit(s, p.actor, "notice_changed", None, now, address, before=before, after=after)
        return Outcome(ticket=None, changes=[NoticeChanged()])

    def answer(view, out):  # after the seq was stamped, in the same transaction
        seq = view.s.execute(select(HallRow.seq).where(HallRow.id == 1)).scalar_one()
        return {"notice": current(view.s), "seq": seq}

    return jsonify(h.change(work, answer, now=now))
