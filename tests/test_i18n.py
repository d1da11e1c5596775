"""The zh_CN catalog is complete: every extracted message has a non-fuzzy translation."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def test_zh_cn_catalog_complete(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-k",
                    "lazy_gettext", "-k", "_n", "-o", str(pot), "."],
                   check=True, cwd=ROOT, capture_output=True)
    wanted = {m.id for m in read_po(pot.open("rb")) if m.id}
    with (ROOT / "translations/zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    done = {m.id for m in catalog if m.id and m.string and not m.fuzzy
            and (not isinstance(m.string, tuple) or all(m.string))}
    missing = sorted(str(m) for m in wanted - done)
    assert not missing, f"zh_CN lacks {len(missing)} messages, e.g. {missing[:5]}"


def test_pages_default_to_chinese_and_switch_to_english(client):
    assert "登录" in client.get("/login").get_data(as_text=True)
    client.get("/lang/en")
    assert "Log in" in client.get("/login").get_data(as_text=True)


def test_extraction_finds_messages(tmp_path):
    """Guards the completeness test above: an empty template would make it vacuous."""
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    subprocess.run([str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-o", str(pot), "."],
                   check=True, cwd=ROOT, capture_output=True)
    ids = {m.id for m in read_po(pot.open("rb")) if m.id}
    assert "Wrong username or password." in ids and len(ids) > 500


# --- catalogs compiled at start (a deployment that skipped `pybabel compile`) ---

def _uncompiled_copy(tmp_path) -> Path:
    import shutil

    folder = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", folder)
    for mo in folder.glob("*/LC_MESSAGES/*.mo"):
        mo.unlink()
    return folder


def _config(folder: Path, base=None):
    from tests.conftest import TestConfig

    return type("Catalogs", (base or TestConfig,),
                {"BABEL_TRANSLATION_DIRECTORIES": str(folder)})


def test_missing_catalogs_are_compiled_at_start(tmp_path, _schema):
    from trainer import create_app

    folder = _uncompiled_copy(tmp_path)
    app = create_app(_config(folder))
    assert (folder / "zh_Hans_CN/LC_MESSAGES/messages.mo").is_file()
    assert "登录" in app.test_client().get("/login").get_data(as_text=True)


def test_a_stale_catalog_is_compiled_again(tmp_path, _schema):
    import os

    from trainer import create_app

    folder = _uncompiled_copy(tmp_path)
    mo = folder / "zh_Hans_CN/LC_MESSAGES/messages.mo"
    mo.write_bytes(b"stale")
    os.utime(mo, (1, 1))  # older than the .po beside it
    create_app(_config(folder))
    assert mo.stat().st_size > 1000


def _unwritable(monkeypatch):
    from trainer import i18n

    def refuse(po, mo):
        raise PermissionError(13, "Permission denied", str(mo))

    monkeypatch.setattr(i18n, "_compile", refuse)


def test_production_refuses_to_start_without_compiled_catalogs(tmp_path, monkeypatch,
                                                                _schema):
    import pytest

    from config import ProductionConfig
    from tests.conftest import TestConfig
    from trainer import create_app

    folder = _uncompiled_copy(tmp_path)
    _unwritable(monkeypatch)
    prod = type("Prod", (_config(folder, ProductionConfig),), {
        "SECRET_KEY": TestConfig.SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": TestConfig.SQLALCHEMY_DATABASE_URI})
    with pytest.raises(RuntimeError, match="pybabel compile"):
        create_app(prod)


def test_development_warns_and_starts_without_compiled_catalogs(tmp_path, monkeypatch,
                                                                 caplog, _schema):
    from trainer import create_app

    folder = _uncompiled_copy(tmp_path)
    _unwritable(monkeypatch)
    create_app(_config(folder))
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("pybabel compile" in w and "zh_Hans_CN" in w for w in warnings)


def test_zh_cn_catalog_has_no_fuzzy_or_empty_entry():
    """Every entry of the catalog, extracted or kept for a later use, is translated and
    checked: a fuzzy entry is not shown (gettext skips it) and hides a stale translation."""
    with (ROOT / "translations/zh_Hans_CN/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    bad = [str(m.id) for m in catalog if m.id and (m.fuzzy or not m.string or (
        isinstance(m.string, tuple) and not all(m.string)))]
    assert not bad, f"zh_CN has {len(bad)} fuzzy or empty entries, e.g. {bad[:5]}"
    ids = [m.id for m in catalog if m.id]
    assert len(ids) > 1000  # the whole catalog was read
