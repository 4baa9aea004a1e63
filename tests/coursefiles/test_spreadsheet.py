import pytest

from coursefiles.spreadsheet import csv_cell_safe, csv_row_safe


@pytest.mark.parametrize("cell", ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"])
def test_a_cell_a_spreadsheet_would_run_is_quoted(cell):
    assert csv_cell_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["What is SQS?", "a=b", "", "1.5", 3, None, 0.5])
def test_other_cells_are_unchanged(cell):
    assert csv_cell_safe(cell) == cell


def test_a_row_is_made_safe_cell_by_cell():
    assert csv_row_safe(["ok", "=1", 2]) == ["ok", "'=1", 2]
