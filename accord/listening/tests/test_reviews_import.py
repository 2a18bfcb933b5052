"""Review imports: columns detected in Google and TripAdvisor exports, errors by row and field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from django.core.exceptions import PermissionDenied

from accord.accounts.access import WorkspaceAccess
from accord.accounts.models import AuditEntry, Workspace
from accord.accounts.roles import Role
from accord.listening.actions import import_reviews
from accord.listening.models import ListeningQuery, Mention, SourceKind
from accord.listening.sources.reviews import ReviewFileError, parse_rating, parse_reviews
from accord.listening.tests.conftest import NOW, make_source

GOOGLE = """Reviewer,Star rating,Comment,Create time,Review ID
Ana Silva,FIVE,"Superbe lampe, livraison rapide",2026-05-02T10:15:00Z,g-1
John Smith,TWO,The lamp arrived scratched.,2026-05-03T08:00:00Z,g-2
Léo,4,,2026-05-04T09:00:00Z,g-3
"""

TRIPADVISOR = """\ufeffTitle;Review;Rating;Published Date;Username;URL
Boutique charmante;Un accueil chaleureux dans la boutique de Lyon.;50;03/05/2026;Marie L;https://tripadvisor.example/r/1
"""


def test_a_google_export_is_read_with_its_column_names() -> None:
    reviews = parse_reviews(GOOGLE, now=NOW)

    assert [(r.author, r.rating, r.text, r.external_id) for r in reviews] == [
        ("Ana Silva", 5.0, "Superbe lampe, livraison rapide", "g-1"),
        ("John Smith", 2.0, "The lamp arrived scratched.", "g-2"),
        ("Léo", 4.0, "", "g-3"),
    ]
    assert reviews[0].published_at == datetime(2026, 5, 2, 10, 15, tzinfo=UTC)


def test_a_tripadvisor_export_with_semicolons_and_bubbles_is_read() -> None:
    [review] = parse_reviews(TRIPADVISOR, now=NOW)

    assert (review.title, review.rating, review.author, review.url) == (
        "Boutique charmante",
        5.0,
        "Marie L",
        "https://tripadvisor.example/r/1",
    )
    assert review.published_at == datetime(2026, 5, 3, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "rating"),
    [
        ("5", 5.0),
        ("4.5", 4.5),
        ("3,5", 3.5),
        ("FOUR", 4.0),
        ("4/5", 4.0),
        ("2 stars", 2.0),
        ("30", 3.0),
    ],
)
def test_ratings_are_read_in_the_usual_forms(value: str, rating: float) -> None:
    assert parse_rating(value) == rating


def test_every_bad_cell_is_named_by_row_and_field() -> None:
    content = (
        "Reviewer,Rating,Comment,Date\n"
        "Ana,6,Trop cher,2026-05-02\n"
        "Bob,4,Bien,yesterday\n"
        "Cléa,,Rien,2026-05-02\n"
        "Dan,5,Futur,2027-01-01\n"
    )

    with pytest.raises(ReviewFileError) as caught:
        parse_reviews(content, now=NOW)

    assert [str(error) for error in caught.value.errors] == [
        "row 2, rating: '6' is not between 1 and 5",
        "row 3, date: 'yesterday' is not a date (use 2025-03-31 or 31/03/2025)",
        "row 4, rating: is empty",
        "row 5, date: is in the future",
    ]


def test_a_file_without_a_rating_column_says_which_header_it_expects() -> None:
    with pytest.raises(ReviewFileError) as caught:
        parse_reviews("Name,Comment,Date\nAna,Bien,2026-05-02\n", now=NOW)

    assert [str(e) for e in caught.value.errors] == [
        "row 1, rating: no rating column "
        "(expected a header such as rating, star rating, stars, starrating)"
    ]


def test_importing_stores_reviews_for_the_brand(
    workspace: Workspace, brand_query: ListeningQuery, owner_access: WorkspaceAccess
) -> None:
    source = make_source(workspace, SourceKind.REVIEWS, config={"platform": "google"})

    result = import_reviews(owner_access, source, GOOGLE, now=NOW)

    assert (result.stored, result.warehouse) == (3, 3)
    rows = Mention.objects.order_by("rating").values_list(
        "rating", "sentiment", "channel", "subject"
    )
    assert list(rows) == [
        (2.0, "negative", "review", ""),
        (4.0, "positive", "review", ""),
        (5.0, "positive", "review", ""),
    ]
    assert AuditEntry.objects.filter(action="listening.reviews.imported").count() == 1


def test_importing_reviews_needs_listening_manage(
    workspace: Workspace,
    access_for: Callable[[Role], WorkspaceAccess],
    brand_query: ListeningQuery,
) -> None:
    source = make_source(workspace, SourceKind.REVIEWS, config={"platform": "google"})

    with pytest.raises(PermissionDenied):
        import_reviews(access_for(Role.MARKETING), source, GOOGLE, now=NOW)

    assert not Mention.objects.exists()
