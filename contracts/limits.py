"""收件限度 — the limits every message meets before any parser sees it, and bounded echoes.

Python's `json` recurses (deep nesting raises `RecursionError`), refuses integers over 4,300
digits with `ValueError`, turns `1e999` into infinity and accepts `"\\u0000"` and lone
surrogates, which PostgreSQL `text` and `jsonb` cannot hold. So the raw bytes are checked first,
in linear passes (regular expressions without backtracking, byte translations, one count over
the brackets), never a parse:

- size: at most `MAX_MESSAGE_BYTES`; a larger message is refused before it is even decoded;
- encoding: UTF-8 (RFC 8259), which also refuses surrogates written as raw bytes;
- characters: no C0 control character, raw or escaped, other than tab, line feed and carriage
  return. U+0000 cannot be stored at all; the others can, but no court or bureau field needs them,
  and they reach operators' terminals and logs (ESC starts terminal control sequences), and XML
  1.0, which many bureau systems speak, forbids them. No lone surrogate (`\\ud800` without its
  pair);
- nesting: at most `MAX_DEPTH` levels of objects and arrays;
- numbers: at most `MAX_DIGITS` digits in a row and an exponent of at most `MAX_EXPONENT`.

Whatever the platform echoes of a refused message (`excerpt`, `shown`) is bounded and safe to
store, publish and print.
"""

from __future__ import annotations

import re
from itertools import accumulate

MAX_MESSAGE_BYTES = 1_048_576
"""Largest message accepted on an ingress subject (1 MiB): far above any real command or answer,
far below the server's `max_payload` (8 MB)."""
MAX_DEPTH = 32
"""Deepest nesting of objects and arrays; the contracts need fewer than ten."""
MAX_DIGITS = 40
"""Longest run of digits in a number (integer part, fraction or exponent)."""
MAX_EXPONENT = 308
"""Largest exponent of a number; beyond it a float is infinity."""
EXCERPT_BYTES = 2048
"""How much of a refused message its rejection shows (the digest identifies the whole)."""
MAX_PROBLEMS = 10
"""Most problems one rejection lists; the rest are counted in one more line."""
MAX_FIELD_CHARS = 120
MAX_REASON_CHARS = 240
MAX_SUBJECT_CHARS = 256
REJECTION_BOUND = 32_768
"""No rejection's JSON is larger, whatever was received."""

# Every check runs on the bytes (UTF-8 keeps every ASCII byte meaning itself, and a multi-byte
# character never contains a quote, backslash, bracket or digit byte). The common message needs
# only substring searches, counts and translations, which run in C.
_ESCAPE = re.compile(rb"\\.", re.DOTALL)
_QUOTED = re.compile(rb'"[^"]*"')
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_LONG_DIGITS = re.compile(rb"[0-9]{%d,}" % (MAX_DIGITS + 1))
_EXPONENT = re.compile(rb"[eE][+-]?([0-9]+)")
_SHAPES = bytes(
    ord("1") if 0x30 <= c <= 0x39 else ord("e") if c in b"eE" else ord("s") if c in b"+-" else 32
    for c in range(256)
)
_CONTROLS = bytes(c for c in range(0x20) if c not in (0x09, 0x0A, 0x0D))
_RAW_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BAD_ESCAPE = re.compile(rb"\\u(00[01][0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2})")
_LOW_ESCAPE = re.compile(rb"\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_OPENERS_RUN = re.compile(rb"[\[{]{%d}" % (MAX_DEPTH + 1))
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}
_PICTURES = {c: 0x2400 + c for c in range(0x20)} | {0x7F: 0x2421}


def problems(data: bytes) -> list[str]:
    """Why these bytes may not be parsed, in words an integrator can act on; [] if they may."""
    if len(data) > MAX_MESSAGE_BYTES:
        return [f"{len(data):,} bytes, over the limit of {MAX_MESSAGE_BYTES:,}"]
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return [f"not UTF-8: invalid byte at offset {e.start}"]
    found = [_raw_controls(data), _escapes(data)]
    if _may_be_deep(data) or _may_hold_big_numbers(data):
        # Strings out of the way, so that brackets and digits inside them do not count. Escapes
        # go first, so that every remaining quote opens or closes a string: both steps are
        # single linear passes, whatever the input (an escaped-quote pattern cannot make the
        # string expression try again from every quote).
        skeleton = _QUOTED.sub(b'""', _ESCAPE.sub(b"", data))
        found += [_depth(skeleton), _digits(skeleton)]
    return [p for p in found if p]


def _may_be_deep(data: bytes) -> bool:
    return data.count(b"[") + data.count(b"{") > MAX_DEPTH


def _may_hold_big_numbers(data: bytes) -> bool:
    # One translation and substring searches (C speed) instead of a digit-run expression tried
    # at every position: strings may match too, and then the exact check on the skeleton decides.
    shape = data.translate(_SHAPES)
    return b"1" * (MAX_DIGITS + 1) in shape or b"e111" in shape or b"es111" in shape


def _raw_controls(data: bytes) -> str | None:
    if len(data.translate(None, _CONTROLS)) == len(data):
        return None
    m = _RAW_CONTROL.search(data)
    return m and f"control character U+{m.group()[0]:04X} at byte {m.start()}"


def _escapes(data: bytes) -> str | None:
    if b"\\u" not in data:
        return None
    paired = -1
    for m in _BAD_ESCAPE.finditer(data):
        if m.start() == paired or _escaped(data, m.start()):
            continue
        code = int(m.group(1), 16)
        if code < 0x20 and code not in (0x09, 0x0A, 0x0D):
            return f"escaped control character U+{code:04X} at byte {m.start()}"
        if 0xD800 <= code <= 0xDBFF and _LOW_ESCAPE.match(data, m.end()):
            paired = m.end()
        elif code >= 0xD800:
            return f"lone surrogate \\u{code:04x} at byte {m.start()}"
    return None


def _escaped(data: bytes, at: int) -> bool:
    """Whether the backslash at `at` is itself escaped: an odd run of backslashes before it.
    The runs before different candidates never overlap, so all the counting stays linear."""
    start = at
    while start > 0 and data[start - 1] == 0x5C:
        start -= 1
    return (at - start) % 2 == 1


def _depth(skeleton: bytes) -> str | None:
    brackets = _NOT_BRACKET.sub(b"", skeleton)
    if _OPENERS_RUN.search(brackets):  # the usual attack, caught without counting
        return f"nested more than {MAX_DEPTH} levels deep"
    deepest = max(accumulate(map(_STEP.__getitem__, brackets)), default=0)
    if deepest <= MAX_DEPTH:
        return None
    return f"nested {deepest} levels deep, over the limit of {MAX_DEPTH}"


def _digits(skeleton: bytes) -> str | None:
    if _LONG_DIGITS.search(skeleton):
        return f"a number with more than {MAX_DIGITS} digits"
    for e in _EXPONENT.finditer(skeleton):
        if int(e.group(1)) > MAX_EXPONENT:
            return f"a number with an exponent over {MAX_EXPONENT}"
    return None


def shown(text: str, limit: int) -> str:
    """At most `limit` characters of `text`, safe to store, publish and print: control characters
    as their pictures (U+2400…), a lone surrogate as `?`, and `…` where it was cut."""
    cut = text[:limit] + ("…" if len(text) > limit else "")
    return cut.encode("utf-8", "replace").decode("utf-8").translate(_PICTURES)


def excerpt(data: bytes) -> str:
    """The first `EXCERPT_BYTES` of a received message as safe text (invalid UTF-8 as U+FFFD)."""
    text = data[:EXCERPT_BYTES].decode("utf-8", "replace").translate(_PICTURES)
    return text + ("…" if len(data) > EXCERPT_BYTES else "")
