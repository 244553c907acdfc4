"""收件限度 — the limits every message meets before any parser sees it, and bounded echoes.

Python's `json` recurses (deep nesting raises `RecursionError`), refuses integers over 4,300
digits with `ValueError`, turns `1e999` into infinity and accepts `"\\u0000"` and lone
surrogates, which PostgreSQL `text` and `jsonb` cannot hold. So the raw bytes are checked first,
with linear regular expressions only (no parse, no backtracking on hostile input):

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

_ESCAPE = re.compile(r"\\.", re.DOTALL)
_QUOTED = re.compile(r'"[^"]*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_LONG_DIGITS = re.compile(rf"[0-9]{{{MAX_DIGITS + 1},}}")
_EXPONENT = re.compile(r"[eE][+-]?([0-9]+)")
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# A \u escape only where an even run of backslashes (or none) precedes it: `\\u0000` is an
# escaped backslash and the text `u0000`. The match starts at the run, never inside it.
_BAD_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u(00[01][0-9a-fA-F]|[dD][89a-fA-F][0-9a-fA-F]{2})")
_LOW_ESCAPE = re.compile(r"\\u[dD][c-fC-F][0-9a-fA-F]{2}")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}
_PICTURES = {c: 0x2400 + c for c in range(0x20)} | {0x7F: 0x2421}


def problems(data: bytes) -> list[str]:
    """Why these bytes may not be parsed, in words an integrator can act on; [] if they may."""
    if len(data) > MAX_MESSAGE_BYTES:
        return [f"{len(data):,} bytes, over the limit of {MAX_MESSAGE_BYTES:,}"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        return [f"not UTF-8: invalid byte at offset {e.start}"]
    return text_problems(text)


def text_problems(text: str) -> list[str]:
    found = [_raw_controls(text), _escapes(text)]
    # Escapes are removed first so that every remaining quote opens or closes a string: both
    # steps are single linear passes, whatever the input (an escaped-quote pattern cannot make
    # the string expression try again from every quote).
    skeleton = _QUOTED.sub('""', _ESCAPE.sub("", text))
    found += [_depth(skeleton), _digits(skeleton)]
    return [p for p in found if p]


def _raw_controls(text: str) -> str | None:
    m = _RAW_CONTROL.search(text)
    return m and f"control character U+{ord(m.group()):04X} at character {m.start()}"


def _escapes(text: str) -> str | None:
    paired = -1
    for m in _BAD_ESCAPE.finditer(text):
        if m.start() == paired:
            continue
        code, at = int(m.group(1), 16), m.start(1) - 2
        if code < 0x20 and code not in (0x09, 0x0A, 0x0D):
            return f"escaped control character U+{code:04X} at character {at}"
        if 0xD800 <= code <= 0xDBFF and _LOW_ESCAPE.match(text, m.end()):
            paired = m.end()
        elif code >= 0xD800:
            return f"lone surrogate \\u{code:04x} at character {at}"
    return None


def _depth(skeleton: str) -> str | None:
    brackets = _NOT_BRACKET.sub("", skeleton)
    if len(brackets) <= MAX_DEPTH:
        return None
    deepest = max(accumulate(map(_STEP.__getitem__, brackets)))
    if deepest <= MAX_DEPTH:
        return None
    return f"nested {deepest} levels deep, over the limit of {MAX_DEPTH}"


def _digits(skeleton: str) -> str | None:
    if m := _LONG_DIGITS.search(skeleton):
        return f"a number with more than {MAX_DIGITS} digits at character {m.start()}"
    for e in _EXPONENT.finditer(skeleton):
        if int(e.group(1)) > MAX_EXPONENT:
            return f"a number with an exponent over {MAX_EXPONENT}"
    return None


def shown(text: str, limit: int) -> str:
    """At most `limit` characters of `text`, safe to store, publish and print: control characters
    as their pictures (U+2400…), anything not encodable as U+FFFD, and `…` where it was cut."""
    cut = text[:limit] + ("…" if len(text) > limit else "")
    return cut.encode("utf-8", "replace").decode("utf-8").translate(_PICTURES)


def excerpt(data: bytes) -> str:
    """The first `EXCERPT_BYTES` of a received message as safe text (invalid UTF-8 as U+FFFD)."""
    text = data[:EXCERPT_BYTES].decode("utf-8", "replace").translate(_PICTURES)
    return text + ("…" if len(data) > EXCERPT_BYTES else "")
