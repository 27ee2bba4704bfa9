"""Seeded fuzz of the whole load path: damaged copies of real files end in a StructkitError or load.

Each input is a real structure file with one to three damages of one kind: characters changed in a
record, lines dropped, duplicated, swapped, a block of records repeated, or a coordinate replaced by
a non-finite number. ``structkit.load`` followed by ``site_features`` must either succeed or raise
:class:`~structkit.errors.StructkitError` (one line for the user); anything else is a defect.
"""

from __future__ import annotations

import os
import random
import warnings

import pytest

import structkit
from structkit.analysis.measure.features import site_features
from structkit.errors import StructkitError
from tests.util import ABL, SHARED

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

SOURCES = [SHARED / "2xp2.pdb", SHARED / "2xb7.cif", SHARED / "9gbe.cif", ABL / "imatinib_2hyy_complex.pdb"]
KINDS = ("characters", "drop", "duplicate", "swap", "repeat_block", "non_finite")
#: 600 damaged files by default (about 45 s); STRUCTKIT_FUZZ_INPUTS=5000 for a deeper search
N_INPUTS = int(os.environ.get("STRUCTKIT_FUZZ_INPUTS", "600"))
SEED = 20261124


def _damage(lines: list[str], is_cif: bool, rng: random.Random) -> tuple[str, str]:
    lines = list(lines)
    records = [k for k, line in enumerate(lines) if line.startswith(("ATOM", "HETATM"))]
    kind = rng.choice(KINDS)
    for _ in range(rng.randint(1, 3)):
        k = rng.choice(records) if rng.random() < 0.8 else rng.randrange(len(lines))
        k = min(k, len(lines) - 1)
        line = lines[k]
        if kind == "characters" and line:
            j = rng.randrange(len(line))
            lines[k] = line[:j] + rng.choice("0123456789.-+eE ABCXnai#'\"_") + line[j + 1:]
        elif kind == "drop":
            del lines[k]
        elif kind == "duplicate":
            lines.insert(k, line)
        elif kind == "swap":
            j = rng.randrange(len(lines))
            lines[k], lines[j] = lines[j], lines[k]
        elif kind == "repeat_block":
            n = rng.randint(2, 40)
            lines[k:k] = lines[k:k + n]
        elif kind == "non_finite" and line.startswith(("ATOM", "HETATM")):
            value = rng.choice(["nan", "inf", "-inf", "1e999", "NaN"])
            if is_cif:
                fields = line.split()
                fields[10 + rng.randrange(3)] = value
                lines[k] = " ".join(fields)
            else:
                start = 30 + 8 * rng.randrange(3)
                lines[k] = line[:start] + f"{value:>8}" + line[start + 8:]
    return "\n".join(lines) + "\n", kind


def test_damaged_files_never_end_in_a_traceback(tmp_path):
    rng = random.Random(SEED)
    texts = {path: path.read_text().splitlines() for path in SOURCES}
    outcomes: dict[tuple[str, str], int] = {}
    defects = []
    for i in range(N_INPUTS):
        source = rng.choice(SOURCES)
        text, kind = _damage(texts[source], source.suffix == ".cif", rng)
        path = tmp_path / f"damaged{i}{source.suffix}"
        path.write_text(text)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                site_features(structkit.load(path))
            outcome = "loaded"
        except StructkitError as exc:
            assert "\n" not in str(exc)
            outcome = "error"
        except Exception as exc:  # a traceback for the user: the defect this test exists to catch
            defects.append(f"{i} {source.name} {kind}: {type(exc).__name__}: {exc}")
            outcome = "traceback"
        outcomes[kind, outcome] = outcomes.get((kind, outcome), 0) + 1
        path.unlink()
    assert not defects, "\n".join(defects[:20])
    # the damages are real: every kind produces errors, and non-finite numbers or repeated
    # records are never accepted
    for kind in KINDS:
        assert outcomes.get((kind, "error"), 0) > 0, kind
    assert outcomes.get(("non_finite", "loaded"), 0) == 0
    assert outcomes.get(("duplicate", "loaded"), 0) < 0.02 * outcomes[("duplicate", "error")]


@pytest.mark.parametrize("kind", ["nan", "duplicate"])
def test_reported_crashes_give_one_line(tmp_path, kind):
    # the two crashes the new user's fuzz found: a nan coordinate reached the neighbour search,
    # a repeated ligand record reached RDKit (RuntimeError: bad newOrder size, C++ stack on stderr)
    lines = (SHARED / "2xp2.pdb").read_text().splitlines()
    k = next(i for i, line in enumerate(lines) if line.startswith("HETATM"))
    if kind == "nan":
        lines[k] = lines[k][:30] + f"{'nan':>8}" + lines[k][38:]
    else:
        lines.insert(k, lines[k])
    path = tmp_path / "bad.pdb"
    path.write_text("\n".join(lines) + "\n")
    expected = (f"line {k + 1} has a coordinate that is not a finite number" if kind == "nan"
                else f"line {k + 2} repeats the atom record line {k + 1}")
    with pytest.raises(StructkitError, match=rf"bad.pdb: {expected}"):
        site_features(structkit.load(path))
