"""The French catalog covers every string of the code and its compiled .mo is up to date."""

from __future__ import annotations

import re
from pathlib import Path

import polib

from accord.web import messages

PO = messages.LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.po"


def test_the_compiled_catalog_matches_the_po_file() -> None:
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    compiled = {(e.msgctxt or "", e.msgid): e.msgstr or e.msgstr_plural for e in mo if e.msgid}
    written = {
        (e.msgctxt or "", e.msgid): e.msgstr or e.msgstr_plural for e in po.translated_entries()
    }
    assert compiled == written, "run `python -m accord.web.messages compile`"


def test_every_string_of_the_code_has_a_french_translation() -> None:
    issues = messages.problems()
    assert issues == [], "run `make messages`, then translate:\n" + "\n".join(issues[:20])


def test_french_plurals_treat_zero_and_one_as_singular() -> None:
    assert polib.pofile(str(PO)).metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"


def test_extraction_reads_python_calls_and_template_tags(tmp_path: Path) -> None:
    module = tmp_path / "mod.py"
    module.write_text(
        "from django.utils.translation import gettext as _, ngettext, pgettext_lazy\n"
        "a = _('One')\n"
        "b = ngettext('%(n)s file', '%(n)s files', n) % {'n': n}\n"
        "c = pgettext_lazy('month', 'May')\n"
        "d = _(variable)\n"
        "e = _(f'no {x}')\n"
        "for _, y in pairs: pass\n",
        encoding="utf-8",
    )
    template = tmp_path / "templates" / "t.html"
    template.parent.mkdir()
    template.write_text(
        "{% load i18n %}\n  <p>{% translate 'Two' %}</p>\n"
        "    {% blocktranslate count counter=n trimmed %}\n  {{ counter }} row\n"
        "{% plural %}{{ counter }} rows{% endblocktranslate %}\n",
        encoding="utf-8",
    )
    old_repo = messages.REPO
    messages.REPO = tmp_path
    try:
        found = messages.extract(module) + messages.extract(template)
    finally:
        messages.REPO = old_repo
    assert [(m.context, m.msgid, m.plural) for m in found] == [
        ("", "One", ""),
        ("", "%(n)s file", "%(n)s files"),
        ("month", "May", ""),
        ("", "Two", ""),
        ("", "%(counter)s row", "%(counter)s rows"),
    ]


def test_merging_keeps_translations_and_retires_vanished_strings() -> None:
    po = polib.POFile()
    po.append(polib.POEntry(msgid="Kept", msgstr="Gardé"))
    po.append(polib.POEntry(msgid="Gone", msgstr="Parti"))
    catalog = messages.Catalog()
    catalog.add(messages.Message("Kept", where="a.py"))
    catalog.add(messages.Message("New", where="b.py"))
    merged = messages.merge(po, catalog)
    assert [(e.msgid, e.msgstr, e.obsolete) for e in merged] == [
        ("Kept", "Gardé", False),
        ("New", "", False),
        ("Gone", "Parti", True),
    ]


def test_translations_keep_the_placeholders_of_their_msgid() -> None:
    placeholder = re.compile(r"%\([^)]+\)[sd]")
    wrong = []
    for entry in polib.pofile(str(PO)).translated_entries():
        source = set(placeholder.findall(entry.msgid + (entry.msgid_plural or "")))
        targets = [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()
        wrong += [entry.msgid for t in targets if not set(placeholder.findall(t)) <= source]
        if not entry.msgid_plural and set(placeholder.findall(entry.msgstr)) != source:
            wrong.append(entry.msgid)
    assert wrong == []
