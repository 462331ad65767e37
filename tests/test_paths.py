"""Where the user's files go: the home setting, else the platform's directories, found as
platformdirs finds them (on Linux without importing it, in the usual case)."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from acupress import paths


@pytest.mark.parametrize(
    "env",
    [
        {},
        {"XDG_DATA_HOME": "/srv/data", "XDG_CACHE_HOME": "/srv/cache/"},
        {"XDG_DATA_HOME": "relative", "XDG_CACHE_HOME": ""},
        {"HOME": "/home/someone/"},
        {"HOME": "relative"},
        {"HOME": ""},
    ],
)
def test_the_platform_directories_are_platformdirs_own(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("XDG_DATA_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert paths.platform_dir("data") == Path(
        platformdirs.user_data_dir("acupress", appauthor=False)
    )
    assert paths.platform_dir("cache") == Path(
        platformdirs.user_cache_dir("acupress", appauthor=False)
    )


def test_the_home_setting_comes_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("ACUPRESS_HOME", str(tmp_path / "mine"))
    assert paths.home() == tmp_path / "mine"
    monkeypatch.setenv("ACUPRESS_HOME", "")
    assert paths.home() == paths.platform_dir("data")
