"""Language detection: French, English, anything else."""

from __future__ import annotations

import pytest

from accord.listening.language import detect_languages
from accord.listening.sentiment import detect_language


@pytest.mark.parametrize(
    "text",
    [
        "Le service client a été très rapide et vraiment agréable, merci beaucoup !",
        "Nous avons hâte de vous retrouver au musée pour la nouvelle exposition.",
        "@user franchement c'est pas terrible ce nouveau forfait, je vais résilier http",
        "Film très fade, trop de blabla pour pas grand-chose.",
    ],
)
def test_it_detects_french(text: str) -> None:
    assert detect_language(text) == "fr"


@pytest.mark.parametrize(
    "text",
    [
        "The customer service was quick and genuinely helpful, thanks a lot!",
        "We can't wait to see you at the museum for the new exhibition.",
        "@user honestly this new plan is terrible, I'm going to cancel http",
        "I took this on Saturday night at the gig in Sydney #music",
    ],
)
def test_it_detects_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize(
    "text",
    [
        "El servicio fue excelente y la comida estaba deliciosa, volveremos pronto.",
        "Das Konzert gestern Abend war wirklich großartig, ich bin begeistert.",
        "Il ristorante è ottimo, il personale molto gentile.",
        "O atendimento foi péssimo e o produto chegou quebrado.",
        "Меня очень порадовал этот фильм, актёры играют прекрасно.",
        "这部电影非常好看，我很喜欢。",
    ],
)
def test_it_calls_other_languages_other(text: str) -> None:
    assert detect_language(text) == "other"


@pytest.mark.parametrize("text", ["", "   ", "😍😍😍", "12/10 !!!", "http://example.com"])
def test_it_calls_texts_without_enough_letters_other(text: str) -> None:
    assert detect_language(text) == "other"


def test_it_detects_a_batch_in_order() -> None:
    texts = [
        "Merci pour votre accueil chaleureux, tout était parfait.",
        "Thank you for the warm welcome, everything was perfect.",
        "Gracias por la cálida bienvenida, todo fue perfecto.",
    ]

    assert detect_languages(texts) == ["fr", "en", "other"]
