"""Write structkit/data/ddg_weights.csv: the scale that turns the raw ddG sum into kcal/mol.

Least squares through the origin of the measured ddG on the raw estimates of every modelled pair of
the ABL1 benchmark (Hauser et al. 2018). Only ABL1 data are used, so ALK predictions never see an ALK
label; the benchmark's own figures use leave-one-drug-out scales instead (structkit.analysis.study.benchmark).
Run from the repository root after `structkit benchmark abl -o abl.csv` (or `structkit run`):

    python scripts/fit_ddg_scale.py results/abl_benchmark.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

OUT = Path("structkit/data/ddg_weights.csv")
HEADER = """# Calibration of the binding free energy change estimate (structkit.energy.ddg):
# ddg = scale * ddg_raw.
# Source: least-squares fit through the origin of the measured ddG on the raw estimates of the {n}
# modelled ABL1 mutation x drug pairs of Hauser et al. 2018 (results/abl_benchmark.csv, method {method}),
# written by scripts/fit_ddg_scale.py. Never fitted on ALK data; the ABL1 benchmark itself reports
# leave-one-drug-out fits, not this one.
term,weight
"""


def main() -> None:
    from structkit.energy.ddg import METHOD

    table = pd.read_csv(sys.argv[1] if len(sys.argv) > 1 else "results/abl_benchmark.csv")
    ok = table[table["status"] == "ok"]
    raw, measured = ok["ddg_raw"].to_numpy(float), ok["ddg_exp"].to_numpy(float)
    scale = float(np.dot(raw, measured) / np.dot(raw, raw))
    OUT.write_text(HEADER.format(n=len(ok), method=METHOD) + f"scale,{scale:.5f}\n")
    print(f"wrote {OUT}: scale {scale:.5f} from {len(ok)} pairs")


if __name__ == "__main__":
    main()
