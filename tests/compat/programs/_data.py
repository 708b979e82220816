"""Data shared by the compat programs: words and text from the bundled Shakespeare."""

import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
TEXT_PATH = os.path.join(HERE, "..", "..", "..", "examples", "data", "shakespeare.txt")


def text(n_chars):
    """The first ``n_chars`` characters of the bundled plays."""
    with open(TEXT_PATH, encoding="utf-8") as f:
        return f.read(n_chars)


def words(n_words):
    """The first ``n_words`` distinct lower-case words of letters a-z, in order of appearance."""
    seen = {}
    for w in re.findall(r"[a-z]+", text(400_000).lower()):
        if len(w) > 1 and w not in seen:
            seen[w] = None
            if len(seen) == n_words:
                break
    return list(seen)


DIGITS_PATH = os.path.join(HERE, "..", "..", "..", "examples", "data", "digits.csv.gz")


def digits():
    """The bundled 8x8 handwritten digits as numpy arrays: pixels (1797, 64) in 0..16, labels (1797,)."""
    import gzip

    import numpy as np

    with gzip.open(DIGITS_PATH, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    return table[:, :64], table[:, 64]
