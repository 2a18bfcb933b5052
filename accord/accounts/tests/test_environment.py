from __future__ import annotations

import stat
from pathlib import Path

import pytest

from accord.environment import ConfigurationError, env_bool, env_int, secret_key


def test_booleans_accept_common_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in [("1", True), ("Yes", True), ("on", True), ("0", False), ("FALSE", False)]:
        monkeypatch.setenv("ACCORD_X", raw)
        assert env_bool("ACCORD_X", not expected) is expected
    monkeypatch.delenv("ACCORD_X")
    assert env_bool("ACCORD_X", True) is True


def test_a_bad_value_fails_loudly_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACCORD_DEBUG", "maybe")
    with pytest.raises(ConfigurationError, match="ACCORD_DEBUG='maybe' is not a boolean"):
        env_bool("ACCORD_DEBUG", False)
    monkeypatch.setenv("ACCORD_API_RATE_LIMIT", "lots")
    with pytest.raises(ConfigurationError, match="ACCORD_API_RATE_LIMIT='lots' is not an integer"):
        env_int("ACCORD_API_RATE_LIMIT", 1)


def test_the_secret_key_is_generated_once_and_kept_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ACCORD_SECRET_KEY", raising=False)

    first = secret_key(tmp_path)
    second = secret_key(tmp_path)

    assert first == second
    assert len(first) >= 50
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600
    monkeypatch.setenv("ACCORD_SECRET_KEY", "from-env")
    assert secret_key(tmp_path) == "from-env"
