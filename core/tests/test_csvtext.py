import io

import pytest

from core.csvtext import UnreadableCsv, csv_rows


def test_rows_are_read_as_csv_reads_them():
    assert list(csv_rows(io.StringIO('a,"b,c"\r\n1,2\r\n', newline=""))) == [["a", "b,c"], ["1", "2"]]


def test_a_huge_cell_names_its_line_in_chinese():
    text = "a,b\r\n1," + "x" * 200_000 + "\r\n"
    with pytest.raises(UnreadableCsv, match="第 2 行有超过 128 KB 的单元格"):
        list(csv_rows(io.StringIO(text, newline="")))
