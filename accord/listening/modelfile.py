"""Read and write the gzipped numpy archives the listening models ship in.

A model is a ``.npz`` archive (arrays only, no pickles) compressed with gzip into
``accord/listening/weights/<name>.npz.gz``, so the package-data globs pick it up. Writing is
byte-for-byte reproducible: the gzip header carries no timestamp.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Arrays = dict[str, npt.NDArray[np.generic]]
MODELS = Path(__file__).resolve().parent / "weights"


def save(path: Path, arrays: Mapping[str, npt.NDArray[Any]]) -> None:
    """Write ``arrays`` to ``path`` as a gzipped, uncompressed-inside ``.npz``."""
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(buffer.getvalue(), compresslevel=9, mtime=0))


def load_bytes(data: bytes) -> Arrays:
    """Return the arrays of a gzipped ``.npz`` held in memory."""
    with np.load(io.BytesIO(gzip.decompress(data)), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def load(name: str) -> Arrays:
    """Return the arrays of the shipped model ``name`` (e.g. ``"sentiment"``)."""
    resource = files("accord.listening.weights").joinpath(f"{name}.npz.gz")
    return load_bytes(resource.read_bytes())
