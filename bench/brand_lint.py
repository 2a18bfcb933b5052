"""Brand linter throughput: documents linted per second on one core, against proselint.

Generates 10,000 marketing documents of about 300 words (Markdown, half English, half French,
deterministic seed), loads the first 100 runnable rules of Vale's test styles (write-good,
proselint, Joblint, vale, Readability, then demo; rule files in name order), and times
``accord.brand.lint_document`` over every document. The baseline, in the same run, is
proselint (``LintFile.lint`` with its default checks) over the English documents.

Before timing, every style of the styles folder is loaded, to prove they all load (rules of
types the engine cannot run are counted, not fatal).

Usage: ``python bench/brand_lint.py [--quick] [--styles PATH] [--documents N]``
Writes ``bench/results/brand_lint.json`` and prints one JSON object per figure.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from accord.brand import RuleSet, lint_document, load_styles, parse_document
from accord.brand.rules.base import Rule

DEFAULT_STYLES = Path("/work/shared/data/vale/styles")
STYLE_ORDER = ("write-good", "proselint", "Joblint", "vale", "Readability", "demo")
RESULTS = Path(__file__).parent / "results" / "brand_lint.json"
SEED = 20240611
WORDS_PER_DOCUMENT = 300

EN_SUBJECTS = (
    "Our team", "The new platform", "This campaign", "Our brand", "The agency", "Each customer",
    "The launch event", "Our newsletter", "The marketing squad", "Every partner",
)  # fmt: skip
EN_VERBS = (
    "delivers", "builds", "shares", "creates", "celebrates", "improves", "launches",
    "designs", "supports", "measures", "was designed for", "is basically", "helps",
)  # fmt: skip
EN_OBJECTS = (
    "a very innovative experience", "cutting-edge solutions for small businesses",
    "real value to every customer", "stories that people actually remember",
    "the best results in the market", "a seamless journey across channels",
    "content that converts", "synergy between sales and communication",
    "an unforgettable event in Lyon", "clear and honest messages",
    "a free gift for loyal readers", "high-quality products at a fair price",
)  # fmt: skip
EN_TAILS = (
    "", " at the end of the day", " in a timely manner", " with our rockstar designers",
    " for the first time", " e.g. newsletters and posts", " without a doubt",
    " because we think outside the box", " and we are extremely proud of it",
    " , so to speak", " in order to grow faster", " thanks to our ninja team",
)  # fmt: skip
FR_SUBJECTS = (
    "Notre équipe", "La nouvelle plateforme", "Cette campagne", "L'agence", "Chaque client",
    "Le lancement", "Notre lettre d'information", "L'équipe marketing", "Chaque partenaire",
)  # fmt: skip
FR_VERBS = (
    "propose", "construit", "partage", "crée", "célèbre", "améliore", "lance", "imagine",
    "soutient", "mesure", "offre", "présente",
)  # fmt: skip
FR_OBJECTS = (
    "une expérience vraiment innovante", "des solutions de pointe pour les PME",
    "une vraie valeur à chaque client", "des histoires qu'on n'oublie pas",
    "les meilleurs résultats du marché", "un parcours fluide sur tous les canaux",
    "des contenus qui convertissent", "l'événement de l'année à Lyon",
    "des messages clairs et honnêtes", "un cadeau gratuit pour les lecteurs fidèles",
    "des produits de qualité à un prix juste", "« une synergie » entre vente et communication",
)  # fmt: skip
FR_TAILS = (
    "", " jusqu'à la fin de l'année", " dès aujourd'hui", " avec M. Dupont et Mme Martin",
    " pour la première fois", " p. ex. nos lettres et nos publications", " sans aucun doute",
    " parce qu'il faut sortir des sentiers battus", " et nous en sommes très fiers",
    " grâce à l'équipe de Lyon", " etc", " avec le sourire",
)  # fmt: skip
FR_END = (".", ".", ".", "\u00a0!", "\u00a0?", " : voilà\u00a0!", "…")
EN_END = (".", ".", ".", "!", "?", "!!")
EN_TITLES = ("our very best offer", "News from the team", "Why customers love us")
FR_TITLES = ("Notre meilleure offre", "Les nouvelles de l'équipe", "pourquoi nos clients")


@dataclass(frozen=True)
class Corpus:
    """Generated documents and which of them are English."""

    documents: tuple[str, ...]
    english: tuple[bool, ...]


def _sentence(rng: random.Random, french: bool) -> str:
    parts: tuple[tuple[str, ...], ...]
    if french:
        parts = (FR_SUBJECTS, FR_VERBS, FR_OBJECTS, FR_TAILS, FR_END)
    else:
        parts = (EN_SUBJECTS, EN_VERBS, EN_OBJECTS, EN_TAILS, EN_END)
    subject, verb, obj, tail, end = (rng.choice(options) for options in parts)
    return f"{subject} {verb} {obj}{tail}{end}"


def _document(rng: random.Random, french: bool) -> str:
    title = rng.choice(FR_TITLES if french else EN_TITLES)
    lines = [f"# {title}", ""]
    words = 0
    while words < WORDS_PER_DOCUMENT:
        if rng.random() < 0.15:
            items = [_sentence(rng, french) for _ in range(3)]
            lines.extend([f"- {item}" for item in items] + [""])
            words += sum(len(item.split()) for item in items)
            continue
        sentences = [_sentence(rng, french) for _ in range(rng.randint(3, 6))]
        lines.extend([" ".join(sentences), ""])
        words += sum(len(sentence.split()) for sentence in sentences)
    return "\n".join(lines)


def make_corpus(count: int, seed: int = SEED) -> Corpus:
    """Generate ``count`` documents, alternating English and French."""
    rng = random.Random(seed)
    english = tuple(index % 2 == 0 for index in range(count))
    documents = tuple(_document(rng, not is_english) for is_english in english)
    return Corpus(documents, english)


def load_all_styles(styles: Path) -> dict[str, int]:
    """Load every style folder; return rule counts (proves each one loads)."""
    folders = sorted(p.name for p in styles.iterdir() if p.is_dir() and p.name != "config")
    loaded = unsupported = 0
    for name in folders:
        ruleset = load_styles(styles, [name])
        loaded += len(ruleset.rules)
        unsupported += len(ruleset.unsupported)
    return {"styles": len(folders), "rules": loaded, "unsupported": unsupported}


def first_rules(styles: Path, count: int) -> RuleSet:
    """Return the first ``count`` runnable rules, styles in STYLE_ORDER then by name."""
    rules: list[Rule] = []
    others = sorted(p.name for p in styles.iterdir() if p.is_dir() and p.name != "config")
    for name in dict.fromkeys([*STYLE_ORDER, *others]):
        rules.extend(load_styles(styles, [name]).rules)
        if len(rules) >= count:
            break
    return RuleSet(tuple(rules[:count]))


@dataclass(frozen=True)
class Timing:
    """Throughput of one linter: documents per CPU second (and per wall second), alerts."""

    per_cpu_second: float
    per_wall_second: float
    alerts: int


def _timed(documents: Sequence[str], lint: Callable[[str], int]) -> Timing:
    # CPU time of this process: the machine is shared, and waiting for a core is not linting.
    cpu, wall = time.process_time(), time.perf_counter()
    alerts = sum(lint(text) for text in documents)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return Timing(len(documents) / cpu, len(documents) / wall, alerts)


def time_accord(documents: Sequence[str], rules: RuleSet) -> Timing:
    """Time Accord (parse Markdown, lint) on ``documents``."""
    return _timed(
        documents, lambda text: len(lint_document(parse_document(text, "markdown"), rules))
    )


def time_proselint(documents: Sequence[str]) -> tuple[Timing, str]:
    """Time proselint (all its default checks) on ``documents``; return its version too."""
    from importlib.metadata import version

    from proselint.checks import __register__
    from proselint.registry import CheckRegistry
    from proselint.tools import LintFile

    registry = CheckRegistry()
    if not registry.checks:  # proselint's command line registers its checks the same way
        registry.register_many(__register__)
    LintFile("warm-up.md", documents[0]).lint()
    return _timed(documents, lambda text: len(LintFile("document.md", text).lint())), version(
        "proselint"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and write its figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="Small sizes (under a minute).")
    parser.add_argument("--styles", type=Path, default=DEFAULT_STYLES)
    parser.add_argument("--documents", type=int, default=None)
    parser.add_argument("--rules", type=int, default=100)
    args = parser.parse_args(argv)
    count = args.documents or (600 if args.quick else 10_000)
    styles_report = load_all_styles(args.styles)
    rules = first_rules(args.styles, args.rules)
    corpus = make_corpus(count)
    english = [doc for doc, is_en in zip(corpus.documents, corpus.english, strict=True) if is_en]
    baseline_docs = english[: 150 if args.quick else len(english)]
    lint_document(parse_document(corpus.documents[0], "markdown"), rules)  # warm-up
    accord = time_accord(corpus.documents, rules)
    proselint, proselint_version = time_proselint(baseline_docs)
    words = sum(len(doc.split()) for doc in corpus.documents) / len(corpus.documents)
    figure = {
        "name": "brand_lint_throughput",
        "params": {
            "documents": count,
            "mean_words": round(words, 1),
            "languages": "en+fr (alternating)",
            "format": "markdown",
            "rules": len(rules.rules),
            "rule_styles": list(STYLE_ORDER),
            "accord_alerts": accord.alerts,
            "accord_documents_per_wall_second": round(accord.per_wall_second, 1),
            "baseline_documents": len(baseline_docs),
            "baseline_languages": "en",
            "baseline_alerts": proselint.alerts,
            "baseline_documents_per_wall_second": round(proselint.per_wall_second, 1),
            "clock": "process CPU time (one core)",
            "styles_loaded": styles_report,
            "quick": args.quick,
        },
        "value": round(accord.per_cpu_second, 1),
        "unit": "documents/s",
        "baseline": {
            "name": f"proselint {proselint_version}",
            "value": round(proselint.per_cpu_second, 1),
        },
        "ratio": round(accord.per_cpu_second / proselint.per_cpu_second, 2),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps([figure], indent=2) + "\n", encoding="utf-8")
    print(json.dumps(figure))
    return 0


if __name__ == "__main__":
    sys.exit(main())
