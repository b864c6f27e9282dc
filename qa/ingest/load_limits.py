"""Load stage, limits: what a report file may be before a parser opens it.

``LoadLimits`` holds the limits (their values come from Settings, so qa.toml and QA_* set them).
``read_file_bytes`` reads only regular files of a bounded size, ``check_language`` turns away
text that is not language. Every refusal is a ReportFormatError that names the file, the limit
(with the setting that changes it) and the fix.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from dataclasses import dataclass, fields
from pathlib import Path

from qa.config import Settings
from qa.errors import ReportFormatError
from qa.ingest.load_text import _error

MB = 1024 * 1024
NAME_MAX = 255  # bytes in one file or folder name (Linux; NTFS allows 255 UTF-16 units)
PATH_MAX = 4096  # bytes in a whole path, its terminating NUL included (Linux)


@dataclass(frozen=True, slots=True)
class LoadLimits:
    """The limits report files are checked against; each field is the Settings field of the
    same name (sizes in MB, counts, characters)."""

    max_file_mb: int
    max_text_chars: int
    max_line_chars: int
    max_docx_members: int
    max_docx_unpacked_mb: int
    max_docx_xml_mb: int
    max_pdf_pages: int
    max_pdf_page_mb: int
    max_pdf_content_mb: int
    max_html_mb: int
    max_html_depth: int
    parse_timeout_s: float  # also checked between PDF pages, in-process

    @classmethod
    def from_settings(cls, settings: Settings) -> LoadLimits:
        """The limits of ``settings``."""
        return cls(**{f.name: getattr(settings, f.name) for f in fields(cls)})


DEFAULT_LIMITS = LoadLimits.from_settings(Settings())


def over_limit(path: Path, what: str, setting: str, in_mb: bool = False) -> ReportFormatError:
    """The error for a file over one limit: ``what`` says what was measured and the limit;
    ``setting`` is the Settings field that changes it (``in_mb``: its unit is MB)."""
    unit = "单位 MB；" if in_mb else ""
    fix = (
        "这样的文件不像正常的报告，请确认文件完整正确；"
        f"如确需读取，可在 qa.toml 中调高 {setting}（{unit}或设环境变量 QA_{setting.upper()}）后重试。"
    )
    return _error(path, what, fix)


def check_text_size(path: Path, chars: int, limits: LoadLimits) -> None:
    """Refuse a text longer than ``limits.max_text_chars``."""
    if chars > limits.max_text_chars:
        raise over_limit(
            path,
            f"文字过多（至少 {chars} 字，上限 {limits.max_text_chars} 字）",
            "max_text_chars",
        )


# ---------------------------------------------------------------------------
# Files


def check_path_name(path: Path) -> None:
    """Refuse names and paths longer than the file system allows, before any system call."""
    size = len(os.fsencode(path))
    if size >= PATH_MAX:
        raise _error(
            path,
            f"路径过长（{size} 字节，系统上限 {PATH_MAX - 1} 字节）",
            "请把文件移到路径较短的文件夹后重试。",
        )
    for part in Path(path).parts:
        size = len(os.fsencode(part))
        if size > NAME_MAX:
            raise _error(
                path,
                f"文件名或文件夹名过长（{size} 字节，系统上限 {NAME_MAX} 字节）",
                "请改用较短的名字后重试。",
            )


_KINDS = (
    (stat.S_ISFIFO, "命名管道 FIFO"),
    (stat.S_ISCHR, "字符设备"),
    (stat.S_ISBLK, "块设备"),
    (stat.S_ISSOCK, "套接字"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "特殊文件")


def _stat(path: Path) -> os.stat_result:
    try:
        return os.stat(path)  # follows symbolic links: the target is what would be read
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise _error(path, "文件不存在", "请检查路径后重试。") from exc
    except OSError as exc:
        raise _error(
            path, f"无法访问文件（{exc.strerror or exc}）", "请检查路径和权限后重试。"
        ) from exc


def check_regular_file(path: Path, info: os.stat_result) -> None:
    """Only regular files are read: a FIFO would block, a device never ends."""
    if stat.S_ISDIR(info.st_mode):
        raise _error(
            path,
            "这是一个文件夹而不是文件",
            "请指定报告文件，或使用 find_report_files 展开文件夹。",
        )
    if not stat.S_ISREG(info.st_mode):
        link = f"它链接到 {os.path.realpath(path)}，" if os.path.islink(path) else ""
        raise _error(
            path,
            f"{link}不是普通文件（{_kind(info.st_mode)}）",
            "只能读取普通的报告文件，请把报告本身复制出来后重试。",
        )


def read_file_bytes(path: Path, max_bytes: int, setting: str | None = "max_file_mb") -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; ReportFormatError otherwise.

    ``setting`` names the limit in the message (None: a fixed limit).
    """
    check_path_name(path)
    info = _stat(path)
    check_regular_file(path, info)
    if info.st_size > max_bytes:
        raise _too_big(path, f"{info.st_size / MB:.1f} MB", max_bytes, setting)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _error(
            path, f"无法打开文件（{exc.strerror or exc}）", "请检查文件权限后重试。"
        ) from exc
    with os.fdopen(fd, "rb") as handle:
        check_regular_file(path, os.fstat(handle.fileno()))  # replaced since the stat above
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # it grew since the stat
        raise _too_big(path, "读取时仍在增大", max_bytes, setting)
    return data


def _too_big(path: Path, size: str, max_bytes: int, setting: str | None) -> ReportFormatError:
    what = f"文件过大（{size}，上限 {max_bytes / MB:g} MB）"
    if setting is None:
        return _error(path, what, "请确认文件内容正确后重试。")
    return over_limit(path, what, setting, in_mb=True)


def path_kind(path: Path) -> str:
    """What ``path`` is, without raising: "dir", "missing", or "file" (anything else, a name
    the system refuses included: reading it says why)."""
    try:
        check_path_name(path)
        info = os.stat(path)
    except ReportFormatError:
        return "file"
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except OSError:
        return "file"
    return "dir" if stat.S_ISDIR(info.st_mode) else "file"


# ---------------------------------------------------------------------------
# Text that is not language

# The 280 most frequent characters of modern Chinese (Jun Da, "Modern Chinese Character
# Frequency List", 2004), e.g. 的 一 是 不 了: about 60% of the characters of a government report,
# at least 33% of a CMRC 2018 / DRCD passage, 2-4% of random GBK / GB2312 codes read as text.
_COMMON_SIMPLIFIED = (
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过"
    "发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前"
    "开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重"
    "并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常"
    "先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报"
    "才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基"
)
_MIN_COMMON_SHARE = 0.15
_MIN_HANZI = 200  # fewer Chinese characters than this are too few to judge
_SAMPLE_CHARS = 100_000
_HANZI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Zero-width and other invisible format characters: U+200B zero-width space, U+FEFF, U+2060 …
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
_SPACE = re.compile(r"\s+")


@functools.cache
def common_hanzi() -> frozenset[str]:
    """The common characters in simplified and traditional forms (OpenCC s2t, s2tw, s2hk)."""
    import opencc

    chars = set(_COMMON_SIMPLIFIED)
    for config in ("s2t", "s2tw", "s2hk"):
        chars.update(opencc.OpenCC(config).convert(_COMMON_SIMPLIFIED))
    return frozenset(chars)


def common_share(text: str) -> tuple[float, int]:
    """Share of the Chinese characters of ``text`` (first 100,000 characters) that are common,
    and how many Chinese characters there were."""
    hanzi = _HANZI.findall(text[:_SAMPLE_CHARS])
    common = common_hanzi()
    return sum(ch in common for ch in hanzi) / max(len(hanzi), 1), len(hanzi)


def check_language(path: Path, text: str) -> None:
    """Refuse text that is not language: only invisible characters, or Chinese characters in
    random order (bytes that happen to decode as GB18030)."""
    without_invisible = _INVISIBLE.sub("", text)
    invisible = len(text) - len(without_invisible)
    visible = len(_SPACE.sub("", without_invisible))
    if visible == 0:
        raise _error(path, "只有空白和不可见字符（零宽空格等）", "请确认文件内容完整后重试。")
    if invisible > visible:
        raise _error(
            path,
            f"大部分是不可见字符（{invisible} 个零宽空格等，可见文字只有 {visible} 个）",
            "请确认文件内容完整，或另存为纯文本后重试。",
        )
    share, hanzi = common_share(text)
    if hanzi >= _MIN_HANZI and share < _MIN_COMMON_SHARE:
        raise _error(
            path,
            f"文字不像中文（{hanzi} 个汉字中常用字只占 {share:.0%}，正常文本在 30% 以上），"
            "可能是乱码或随机数据",
            "请确认文件的编码和内容，或另存为 UTF-8 文本后重试。",
        )
