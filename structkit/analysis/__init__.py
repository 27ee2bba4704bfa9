"""Analyses built on the model, I/O and energy layers, in four rooms that import only downwards.

- :mod:`structkit.analysis.parallel`: where batch work runs (this process or Dask) and the one
  error policy for batches;
- :mod:`structkit.analysis.measure`: the per-structure API (features, interactions, scans,
  trajectories, ddG and potency, the review's coverage, discovery of entries);
- :mod:`structkit.analysis.study`: the study across structures (relating scores to the review,
  evaluation and its metrics, predictions, the ABL1 and EGFR benchmarks, crystal checks, advice);
- :mod:`structkit.analysis.presentation`: what a person reads (the report, the HTML page, figures,
  3D views) and ``structkit run``, which writes ``results/``.

``tests/test_layers.py`` enforces the order parallel < measure < study < presentation.
"""
