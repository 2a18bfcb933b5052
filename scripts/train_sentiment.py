"""Train the listening models shipped in accord/listening/weights/ from public data.

Writes ``sentiment.npz.gz`` (from the training parts of the sentiment corpora, see
``accord.listening.corpora`` for the splits) and ``language.npz.gz`` (from langdetect's
profiles). Needs the dev extra (scikit-learn, vaderSentiment, textblob-fr, vaderSentiment-fr,
langdetect). Deterministic: the same data and packages give the same files.

Usage: python scripts/train_sentiment.py [--data DIR] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# One BLAS thread: the fits are small, the machine is shared, and the result stays bit-identical.
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from accord.listening import language_profiles, modelfile, training  # noqa: E402

DEFAULT_DATA = Path("/work/shared/data/sentiment")


def main() -> int:
    """Train both models and write them."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the sentiment corpora")
    parser.add_argument("--out", type=Path, default=modelfile.MODELS, help="where models go")
    args = parser.parse_args()
    started = time.perf_counter()
    modelfile.save(args.out / "language.npz.gz", language_profiles.build())
    modelfile.save(args.out / "sentiment.npz.gz", training.train(args.data))
    for name in ("language", "sentiment"):
        size = (args.out / f"{name}.npz.gz").stat().st_size
        print(f"{name}: {size / 1e6:.2f} MB")
    print(f"trained in {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
