"""Model files: gzipped numpy archives, reproducible and shipped in the package."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from accord.listening import modelfile


def test_it_writes_identical_bytes_for_identical_arrays(tmp_path: Path) -> None:
    arrays = {"weights": np.arange(6, dtype=np.int8).reshape(2, 3), "meta": np.array('{"v": 1}')}

    modelfile.save(tmp_path / "a.npz.gz", arrays)
    modelfile.save(tmp_path / "b.npz.gz", arrays)

    assert (tmp_path / "a.npz.gz").read_bytes() == (tmp_path / "b.npz.gz").read_bytes()


def test_it_reads_back_the_arrays_it_wrote(tmp_path: Path) -> None:
    arrays = {"keys": np.array([3, 1, 2], dtype=np.uint32)}

    modelfile.save(tmp_path / "m.npz.gz", arrays)
    loaded = modelfile.load_bytes((tmp_path / "m.npz.gz").read_bytes())

    assert loaded["keys"].dtype == np.uint32
    assert loaded["keys"].tolist() == [3, 1, 2]


def test_the_shipped_models_are_small() -> None:
    sizes = {path.name: path.stat().st_size for path in modelfile.MODELS.glob("*.npz.gz")}

    assert set(sizes) == {"language.npz.gz", "sentiment.npz.gz"}
    assert sum(sizes.values()) < 5_000_000
