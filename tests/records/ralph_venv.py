"""ralph (ralph-malph) in a virtual environment of its own, for the xAPI tests
(tests/records/test_xapi_ralph.py): its pins, such as ``click<8.2.1``, conflict with ours.

Made once and kept in the user's cache (``GT_RALPH_VENV`` names another place); a
half-made one, without its ``.complete`` mark, is made again. CI makes it before the tests:
``python -m tests.records.ralph_venv``.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

RALPH = "ralph-malph[cli,lrs]==5.1.0"
# ralph's LRS imports requests (its OIDC module) without declaring it
EXTRA = ("requests",)
OFFLINE = ("NewConnectionError", "Temporary failure in name resolution",
           "Network is unreachable", "No matching distribution found",
           "Could not find a version")


class Offline(Exception):
    """pip could not reach the package registry."""


def venv_dir() -> Path:
    if os.environ.get("GT_RALPH_VENV"):
        return Path(os.environ["GT_RALPH_VENV"])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "grid-trainer" / "ralph-5.1.0"


def ensure() -> Path:
    """The venv's bin/ folder, made when missing. Offline when pip cannot reach the
    registry; RuntimeError when the install fails otherwise."""
    venv = venv_dir()
    if (venv / ".complete").exists():
        return venv / "bin"
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                          "--disable-pip-version-check", RALPH, *EXTRA],
                         capture_output=True, text=True, timeout=900)
    if pip.returncode != 0:
        shutil.rmtree(venv, ignore_errors=True)
        output = pip.stdout + pip.stderr
        if any(sign in output for sign in OFFLINE):
            raise Offline(f"pip cannot reach the package registry for {RALPH}")
        raise RuntimeError(f"installing {RALPH} failed:\n{output[-3000:]}")
    (venv / ".complete").write_text(RALPH + "\n", encoding="utf-8")
    return venv / "bin"


if __name__ == "__main__":
    print(f"ralph's venv: {ensure().parent}")
