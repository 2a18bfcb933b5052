from __future__ import annotations

import pytest

from accord.accounts import queries
from accord.accounts.models import ApiToken, Workspace
from accord.cli import main


@pytest.mark.django_db
def test_workspace_create_then_tokens_create_prints_a_working_token_last(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["workspace", "create", "atelier", "--name", "L'Atelier", "--language", "en"]) == 0
    assert main(["tokens", "create", "--workspace", "atelier", "--name", "ci"]) == 0

    secret = capsys.readouterr().out.strip().splitlines()[-1]
    access = queries.access_for_token(secret)
    assert access is not None
    assert (access.workspace.slug, access.workspace.language, access.role) == (
        "atelier",
        "en",
        "marketing",
    )


@pytest.mark.django_db
def test_a_bad_slug_is_refused_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["workspace", "create", "Bad Slug!", "--name", "x"]) == 2

    assert "slug:" in capsys.readouterr().err
    assert Workspace.objects.count() == 0


@pytest.mark.django_db
def test_tokens_for_an_unknown_workspace_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tokens", "create", "--workspace", "nope", "--name", "ci"]) == 2

    assert "no workspace 'nope'" in capsys.readouterr().err
    assert ApiToken.objects.count() == 0
