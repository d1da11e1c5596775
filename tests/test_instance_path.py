"""INSTANCE_PATH gives each app instance its own folder (several hosts from one checkout)."""

from tests.conftest import TestConfig
from trainer import create_app


def test_instance_path_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path / "host-b"))
    class NoJobsFolder(TestConfig):
        JOBS_FOLDER = None  # the default: inside the instance folder

    app = create_app(NoJobsFolder)
    assert app.instance_path == str(tmp_path / "host-b")
    assert (tmp_path / "host-b").is_dir()
    assert app.config["JOBS_FOLDER"].startswith(str(tmp_path / "host-b"))


def test_without_it_the_folder_is_instance_beside_the_code(monkeypatch):
    monkeypatch.delenv("INSTANCE_PATH", raising=False)
    app = create_app(TestConfig)
    assert app.instance_path.endswith("instance")
