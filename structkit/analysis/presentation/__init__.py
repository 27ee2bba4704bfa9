"""What a person reads: ``results/REPORT.md``, ``results/index.html``, figures and 3D views, and
``structkit run``, which regenerates ``results/`` from the study's tables."""
