"""Cells written to a CSV that people open in a spreadsheet.

Excel, LibreOffice and Google Sheets run a cell that starts with =, +, - or @
as a formula (`=cmd|' /C calc'!A0`, `@SUM(...)`), and a leading tab or
carriage return hides such a prefix from a naive check while the program
still strips it. OWASP's advice is to prefix such cells with a single quote,
which spreadsheets show as text. One rule for every CSV the site writes (the
gradebook, a deck's export).
"""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell_safe(value):
    """`value` as a spreadsheet will show it, never run it; non-strings unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_row_safe(values) -> list:
    return [csv_cell_safe(value) for value in values]
