"""导出 — exports a clerk can use: XLSX workbooks laid out like a joint office's own 台账, CSV
that Excel on Chinese Windows opens correctly, and self-contained print-ready HTML.

`sheet` is the neutral table model, `layouts` maps the read models (`services.reporting.views`)
to it, and `workbook`, `delimited` and `printable` write it. What each export holds, column by
column, is in docs/EXPORTS.md.
"""
