"""Pinyin of names for the search box: 张三 → ("zhangsan", "zs")."""

from pypinyin import Style, lazy_pinyin


def pinyin_of(name: str) -> tuple[str, str]:
    syllables = lazy_pinyin(name, errors="ignore")
    initials = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore")
    return "".join(syllables).lower(), "".join(initials).lower()
