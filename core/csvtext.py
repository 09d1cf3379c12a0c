"""Reading CSV text that came from outside (rosters, department batches, bank returns).

Python's csv module stops at a cell over 128 KB or a stray quote with `csv.Error`; a clerk's file
must get a Chinese message naming the line instead of a server error."""

import csv
from collections.abc import Iterable, Iterator


class UnreadableCsv(ValueError):
    """The CSV text cannot be read; the message says where and why, in Chinese."""


def csv_rows(lines: Iterable[str]) -> Iterator[list[str]]:
    """The rows of CSV `lines` (a file opened with newline="" or a StringIO), as csv.reader gives them."""
    reader = csv.reader(lines)
    try:
        yield from reader
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            reason = f"有超过 {csv.field_size_limit() // 1024} KB 的单元格"
        else:
            reason = "格式不正确（可能有不成对的引号）"
        raise UnreadableCsv(f"CSV 文件第 {reader.line_num} 行{reason}，请检查后重新上传") from None
