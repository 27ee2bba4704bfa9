"""Write structkit/data/ddg_weights.csv and ddg_error.csv: the scale that turns the raw ddG sum into
kcal/mol, and the model error of the scaled estimate by the site's distance to the drug.

Least squares through the origin of the measured ddG on the raw estimates of every modelled pair of
the ABL1 benchmark (Hauser et al. 2018); then the root-mean-square residual of ``scale x raw`` in
each distance band of structkit.energy.uncertainty. Only ABL1 data are used, so ALK predictions
never see an ALK label; the benchmark's own figures use leave-one-drug-out scales and bands instead
(structkit.analysis.study.benchmark).
Run from the repository root after `structkit benchmark abl -o abl.csv` (or `structkit run`):

    python scripts/fit_ddg_scale.py results/abl_benchmark.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path("structkit/data/ddg_weights.csv")
ERROR_OUT = Path("structkit/data/ddg_error.csv")
HEADER = """# Calibration of the binding free energy change estimate (structkit.energy.ddg):
# ddg = scale * ddg_raw.
# Source: least-squares fit through the origin of the measured ddG on the raw estimates of the {n}
# modelled ABL1 mutation x drug pairs of Hauser et al. 2018 (results/abl_benchmark.csv, method {method}),
# written by scripts/fit_ddg_scale.py. Never fitted on ALK data; the ABL1 benchmark itself reports
# leave-one-drug-out fits, not this one.
term,weight
"""
ERROR_HEADER = """# Model error of the binding free energy change estimate (structkit.energy.uncertainty): the
# root-mean-square residual (kcal/mol) of scale x ddg_raw against the measured ddG, by the band of
# the site's smallest heavy-atom distance to the drug (contact < 4.5 A <= second_shell < 8 A <= remote).
# Source: the {n} modelled ABL1 mutation x drug pairs of Hauser et al. 2018 (results/abl_benchmark.csv,
# method {method}, scale {scale:.5f}), written by scripts/fit_ddg_scale.py. Never fitted on ALK or
# EGFR data; the ABL1 benchmark reports coverage with bands refitted leave one drug out.
band,max_distance_A,n_pairs,rms_kcal
"""


def main() -> None:
    from structkit.energy.ddg import METHOD
    from structkit.energy.uncertainty import BAND_EDGES_A, BAND_NAMES, band_of, fit_model_error

    table = pd.read_csv(sys.argv[1] if len(sys.argv) > 1 else "results/abl_benchmark.csv")
    ok = table[table["status"] == "ok"]
    raw, measured = ok["ddg_raw"].to_numpy(float), ok["ddg_exp"].to_numpy(float)
    scale = float(np.dot(raw, measured) / np.dot(raw, raw))
    OUT.write_text(HEADER.format(n=len(ok), method=METHOD) + f"scale,{scale:.5f}\n")
    print(f"wrote {OUT}: scale {scale:.5f} from {len(ok)} pairs")
    distance = ok["min_distance_A"].to_numpy(float)
    error = fit_model_error(measured - scale * raw, distance)
    counts = np.bincount(band_of(distance), minlength=len(BAND_NAMES))
    edges = [*BAND_EDGES_A, float("inf")]
    lines = [f"{name},{edge:g},{count},{rms:.3f}"
             for name, edge, count, rms in zip(BAND_NAMES, edges, counts, error)]
    ERROR_OUT.write_text(ERROR_HEADER.format(n=len(ok), method=METHOD, scale=scale) + "\n".join(lines) + "\n")
    print(f"wrote {ERROR_OUT}: " + ", ".join(f"{n} {e:.3f}" for n, e in zip(BAND_NAMES, error)))


if __name__ == "__main__":
    main()
