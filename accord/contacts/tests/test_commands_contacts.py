"""``accord contacts import`` and ``accord contacts export`` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord.accounts.models import AuditEntry, Workspace
from accord.cli import main
from accord.contacts.models import Contact

CSV = "Adresse;Prénom\nana@exemple.fr;Ana\nleo@exemple.fr;Léo\nnot-an-email;X\n"


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "salon.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_import_with_json_prints_exactly_one_object_with_the_counts(
    workspace: Workspace, csv_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "contacts",
            "import",
            str(csv_file),
            "--workspace",
            "brand",
            "--map",
            "Adresse=email",
            "--json",
        ]
    )

    out = capsys.readouterr().out
    assert code == 0
    result = json.loads(out)
    assert list(result) == ["created", "updated", "unchanged", "rejected", "error_report"]
    assert {k: v for k, v in result.items() if k != "error_report"} == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
    }
    assert Path(result["error_report"]).is_file()
    assert out.count("\n") == 1
    assert AuditEntry.objects.get(action="contacts.import").actor_label == "cli"


def test_import_without_json_prints_a_summary(
    workspace: Workspace, csv_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["contacts", "import", str(csv_file), "--workspace", "brand", "--map", "Adresse=email"])
    code = main(
        ["contacts", "import", str(csv_file), "--workspace", "brand", "--map", "Adresse=email"]
    )

    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[-2] == (
        "Imported salon.csv into brand: 0 created, 0 updated, 2 unchanged, 1 rejected."
    )
    assert out[-1].startswith("Rejected rows and their reasons: ")


def test_json_error_report_is_null_when_every_row_is_good(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ok.csv"
    path.write_text("email\nok@exemple.fr\n", encoding="utf-8")

    assert main(["contacts", "import", str(path), "--workspace", "brand", "--json"]) == 0

    assert json.loads(capsys.readouterr().out) == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "error_report": None,
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--workspace", "nope"], "error: no workspace 'nope'"),
        (
            ["--workspace", "brand", "--map", "Adresse"],
            "error: --map 'Adresse' is not COLUMN=FIELD.",
        ),
        (["--workspace", "brand", "--map", "Adresse=mail"], "error: Unknown field 'mail'"),
        (["--workspace", "brand", "--map", "Courriel=email"], "error: The file has no column"),
        (["--workspace", "brand"], "error: No column holds the email; map one with email."),
    ],
)
def test_import_exits_2_with_a_clear_message_when_it_cannot_start(
    workspace: Workspace,
    csv_file: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    code = main(["contacts", "import", str(csv_file), "--json", *extra])

    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.startswith(message)
    assert Contact.objects.count() == 0


def test_import_of_an_unreadable_file_exits_2(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["contacts", "import", str(tmp_path / "missing.csv"), "--workspace", "brand"])

    assert code == 2
    assert capsys.readouterr().err.startswith("error: Cannot read ")


def test_export_writes_the_workspace_contacts_to_a_file(
    workspace: Workspace, csv_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["contacts", "import", str(csv_file), "--workspace", "brand", "--map", "Adresse=email"])
    output = tmp_path / "export.csv"

    code = main(["contacts", "export", "--workspace", "brand", "--output", str(output)])

    assert code == 0
    lines = output.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith(
        "email,first_name,last_name,phone,language,company,tags,source,owner"
    )
    assert [line.split(",")[0] for line in lines[1:]] == ["ana@exemple.fr", "leo@exemple.fr"]
    assert capsys.readouterr().out.endswith(f"Exported 2 contacts of brand to {output}.\n")


def test_export_to_an_unknown_workspace_exits_2(
    db: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["contacts", "export", "--workspace", "nope", "--output", str(tmp_path / "x.csv")])

    assert code == 2
    assert capsys.readouterr().err == "error: no workspace 'nope'\n"
