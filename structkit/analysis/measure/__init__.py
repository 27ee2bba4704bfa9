"""The per-structure API: what one complex (or one entry list) gives, cached and in parallel.

Features and scans of the mutation sites, typed interactions and fingerprints, trajectories, the
binding and potency free energy changes, the review's coverage statements and the discovery of
entries. Nothing here compares many structures with the review's labels: that is
:mod:`structkit.analysis.study`.
"""
