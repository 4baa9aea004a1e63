"""Hidden records for firehose-transform, one variant per seed.

Every variant holds every near miss of the contract (a click is valid when
`user` is a non-empty string, `page` a string starting with "/" and `ts` an
integer of at least 0 that is not a boolean; a heartbeat is dropped whatever
else it holds; anything else fails): ts 0 (the bound) and -1, ts as a string
and as true, an empty and a numeric user, a page without its slash, an event
spelled "Click", a heartbeat without a user, broken JSON, a JSON array, bytes
that are not UTF-8, and valid clicks with multi-byte text and extra fields
(ip, referrer) to strip. Users, pages, times and order vary with the seed.
"""

import base64
import json
import random

USERS = ["u-ada", "u-bo", "u-chidi", "u-dana", "u-emeka", "u-fen", "u-gita", "u-hugo", "u-ines", "u-jun"]
PAGES = ["/cart", "/checkout", "/search", "/p/lamp-42", "/p/kettle-7", "/help", "/orders", "/account"]
ACCENTED = [("u-zoë", "/café"), ("u-jürgen", "/größe"), ("u-søren", "/smørrebrød"), ("u-łucja", "/żółw")]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def variants(seed: int) -> dict:
    rng = random.Random(seed)
    users = rng.sample(USERS, len(USERS))
    pages = [rng.choice(PAGES) for _ in range(12)]
    base_ts = 1_760_000_000 + rng.randrange(0, 5_000_000)
    ip = lambda: f"203.0.113.{rng.randrange(1, 255)}"  # noqa: E731 (documentation range)
    accented_user, accented_page = rng.choice(ACCENTED)

    def click(label, user, page, ts, **extra):
        event = {"event": "click", "user": user, "page": page, "ts": ts, **extra}
        return {"label": label, "data_b64": _b64(_json(event)), "kind": "ok", "expect": {"user": user, "page": page, "ts": ts}}

    def failed(label, raw: bytes):
        return {"label": label, "data_b64": _b64(raw), "kind": "failed"}

    def dropped(label, raw: bytes):
        return {"label": label, "data_b64": _b64(raw), "kind": "dropped"}

    first = [
        click(f"click by {users[0]}, ip to strip", users[0], pages[0], base_ts, ip=ip()),
        click(f"click by {accented_user} on {accented_page} (multi-byte)", accented_user, accented_page, base_ts + 3, ip=ip()),
        click(f"click by {users[1]} with ts 0 (the bound)", users[1], pages[1], 0, ip=ip()),
        click(f"click by {users[2]} with a referrer to strip", users[2], pages[2], base_ts + 7, referrer="https://example.com/", ip=ip()),
        dropped("heartbeat without a user", _json({"event": "heartbeat", "source": f"lb-{rng.randrange(1, 9)}"})),
        dropped(f"heartbeat naming {users[3]}", _json({"event": "heartbeat", "user": users[3], "page": "/health", "ts": base_ts + 1})),
        failed("ts -1", _json({"event": "click", "user": users[4], "page": pages[3], "ts": -1})),
        failed("ts as a string", _json({"event": "click", "user": users[5], "page": pages[4], "ts": str(base_ts + 11)})),
        failed("ts true (a boolean)", _json({"event": "click", "user": users[6], "page": pages[5], "ts": True})),
        failed("empty user", _json({"event": "click", "user": "", "page": pages[6], "ts": base_ts + 13})),
        failed("user as a number", _json({"event": "click", "user": rng.randrange(100, 999), "page": pages[7], "ts": base_ts + 17})),
        failed("page without its leading slash", _json({"event": "click", "user": users[7], "page": pages[8].lstrip("/"), "ts": base_ts + 19})),
        failed('event "Click" (capitalised)', _json({"event": "Click", "user": users[8], "page": pages[9], "ts": base_ts + 23})),
        failed("page missing", _json({"event": "click", "user": users[9], "ts": base_ts + 29})),
        failed("truncated JSON", _json({"event": "click", "user": users[0], "page": pages[10], "ts": base_ts})[: rng.randrange(12, 30)]),
        failed("a JSON array", _json([{"event": "click", "user": users[1], "page": pages[11], "ts": base_ts}])),
        failed("bytes that are not UTF-8", b"\xff\xfe" + _json({"event": "click", "user": users[2]})),
    ]
    rng.shuffle(first)
    later = [
        click(f"later click by {users[3]}", users[3], pages[2], base_ts + 31),
        click(f"later click by {users[4]}", users[4], pages[5], base_ts + 37, ip=ip()),
    ]
    return {"first": first, "later": later}
