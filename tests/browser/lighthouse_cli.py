"""Lighthouse (npm ``lighthouse``, pinned exactly) for tests/browser/test_lighthouse.py,
installed once into the user's cache (``GT_LIGHTHOUSE_DIR`` names another place); a
half-made install, without its ``.complete`` mark, is made again. 12.2.3 is the last
release that runs on Node 20 (13.x needs Node 22). CI makes it before the tests:
``python -m tests.browser.lighthouse_cli``.
"""

import os
import shutil
import subprocess
from pathlib import Path

LIGHTHOUSE = "lighthouse@12.2.3"
OFFLINE = ("ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT",
           "ENETUNREACH", "network request", "getaddrinfo")


class Offline(Exception):
    """npm could not reach the package registry (or is not installed)."""


def install_dir() -> Path:
    if os.environ.get("GT_LIGHTHOUSE_DIR"):
        return Path(os.environ["GT_LIGHTHOUSE_DIR"])
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "grid-trainer" / "lighthouse-12.2.3"


def cli() -> Path:
    return install_dir() / "node_modules" / "lighthouse" / "cli" / "index.js"


def ensure() -> list[str]:
    """The command that runs Lighthouse (node and its CLI), installed when missing.
    Offline when npm cannot reach the registry; RuntimeError when the install fails
    otherwise."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise Offline("node and npm are not installed (apt-get install nodejs npm)")
    folder = install_dir()
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([npm, "install", "--exact", "--no-audit", "--no-fund",
                               "--prefix", str(folder), LIGHTHOUSE],
                              capture_output=True, text=True, timeout=900)
        if done.returncode != 0 or not cli().exists():
            shutil.rmtree(folder, ignore_errors=True)
            output = done.stdout + done.stderr
            if any(sign in output for sign in OFFLINE):
                raise Offline(f"npm cannot reach the package registry for {LIGHTHOUSE}")
            raise RuntimeError(f"installing {LIGHTHOUSE} failed:\n{output[-3000:]}")
        (folder / ".complete").write_text(LIGHTHOUSE + "\n", encoding="utf-8")
    return [node, str(cli())]


if __name__ == "__main__":
    print(f"Lighthouse: {' '.join(ensure())}")
