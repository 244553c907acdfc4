"""省级行政区划 — provincial codes, shared by resident ids, court codes and the registry."""

from __future__ import annotations

from collections.abc import Mapping

PROVINCES: Mapping[str, str] = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "内", "21": "辽", "22": "吉",
    "23": "黑", "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣",
    "37": "鲁", "41": "豫", "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼",
    "50": "渝", "51": "川", "52": "黔", "53": "云", "54": "藏", "61": "陕", "62": "甘",
    "63": "青", "64": "宁", "65": "新",
}  # fmt: skip
"""省级行政区划 — the 31 provincial codes (first two digits of a division code) and the character
courts use for them in case numbers (Inner Mongolia's courts write 内, not 蒙)."""

RESIDENT_PROVINCE_CODES = frozenset(PROVINCES) | {"71", "81", "82", "83"}
"""Province codes a 公民身份号码 may start with: the 31 provinces, Taiwan (71) and the residence
permits of Hong Kong (81), Macao (82) and Taiwan (83) residents."""
