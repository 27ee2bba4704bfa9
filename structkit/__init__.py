"""structkit: structural analysis of kinase ATP pockets (ALK first) and their resistance mutations.

The public API, re-exported here:

- :func:`load` an entry or a file as a :class:`Complex` (any kinase chain + inhibitor as arrays;
  ``ligand_file=`` for a pose from SDF/MOL/MOL2/PDB, ``reference=`` for a FASTA to number by);
- :func:`assign_klifs`: the 85 KLIFS pocket positions of any kinase from its C-alpha trace;
- :func:`read_ligand_file` / :func:`read_reference_fasta`: a ligand pose; a reference sequence;
- :func:`fetch` / :func:`fetch_many` entry files from the cache, local mirrors or the RCSB;
- :func:`catalogue` of the known ALK entries and :func:`drug_name` of a ligand code;
- :func:`parse_mutations` / :func:`parse_mutation`: mutation notation in, canonical mutations out;
- :func:`site_table`, :func:`review_sites`, :func:`review_regions`, :func:`primary_region_of`,
  :func:`region_klifs_positions`: the review's sites and regions in a structure, for any kinase;
- :func:`coverage` / :func:`coverage_table`: the review's reported resistance and coverage;
- :func:`site_features` / :func:`feature_table`: steric and distance features of the sites;
- :func:`mutate` / :func:`scan`: mutant side chains and their clashes; :func:`write_pdb`;
- :func:`interaction_table` / :func:`interactions` / :func:`fingerprint`: typed inhibitor
  interactions (PLIP/ProLIF kinds, KLIFS classes) and residue fingerprints;
  :class:`InteractionCriteria` (``InteractionCriteria.klifs()``: KLIFS's rules) and
  :func:`klifs_fingerprint` (85 x 7 bits);
  :func:`interaction_changes` between two structures (a mutant model and its template);
  :func:`conformational_state`: DFG and αC-helix calls;
- :func:`show`: an interactive 3D view of a complex or mutant model, inline in Jupyter (offline);
- :func:`trajectory_features` / :func:`trajectory_interactions`: features and interaction
  fingerprints over an MDAnalysis trajectory;
- :func:`ddg`: the change in the inhibitor's binding free energy for mutations (relaxed models,
  cached, in parallel); :func:`abl_benchmark` validates it on 144 measured ABL1 pairs;
- :func:`pose`: a new compound (SMILES or file, :func:`read_compound`) posed in a kinase's ATP
  site on the best co-crystal template (any kinase's, superposed on the KLIFS pocket) or docked
  with Vina, with its confidence (:class:`PoseResult`); :func:`pose_files` keeps the posed complex
  as files every command reads (``--compound`` on advise, ddg, scan, interactions, view);
  :func:`pose_benchmark` and :func:`pose_transfer` measure it against crystal poses;
- :class:`Engine`: how batch work runs (workers or a Dask scheduler, the result cache, a
  progress callback ``(done, total, label)``), the one ``engine=`` every batch function takes;
- :class:`StructkitError`, the one error type for bad input.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# structkit.catalogue is a module and a function: importing the function here, first, binds the
# name to the function for good (a later import of the module does not rebind it)
from structkit.catalogue import catalogue, catalogue_ids, drug_name
from structkit.version import __version__

if TYPE_CHECKING:  # the names as type checkers and editors see them; at run time they load lazily
    from structkit.analysis.measure.coverage import coverage, coverage_table
    from structkit.analysis.measure.discover import discover, verify_rows
    from structkit.analysis.measure.estimates import ddg
    from structkit.analysis.measure.features import feature_table, site_features
    from structkit.analysis.measure.interactions import (
        InteractionCriteria,
        fingerprint,
        interaction_changes,
        interaction_table,
        interactions,
        klifs_fingerprint,
    )
    from structkit.analysis.measure.scan import review_mutations, scan
    from structkit.analysis.measure.trajectory import trajectory_features, trajectory_interactions
    from structkit.analysis.parallel.engine import Engine
    from structkit.analysis.presentation.views import show
    from structkit.analysis.study.advise import advise
    from structkit.analysis.study.benchmark import abl_benchmark
    from structkit.analysis.study.egfr_benchmark import egfr_benchmark
    from structkit.analysis.study.pose_benchmark import pose_benchmark, pose_transfer
    from structkit.errors import FetchError, StructkitError, StructureFileError, StructureWarning
    from structkit.io.compound import Compound, read_compound
    from structkit.io.fetch import FetchResult, fetch, fetch_many
    from structkit.io.ligand_file import read_ligand_file
    from structkit.io.load import LoadOptions, load
    from structkit.io.read import read_structure
    from structkit.io.write import write_pdb
    from structkit.model.atoms import Atoms
    from structkit.model.complex import Complex, ResidueTable
    from structkit.model.conformation import conformational_state
    from structkit.model.klifs import assign_klifs
    from structkit.model.mutate import mutate
    from structkit.model.mutations import Change, Mutation, parse_mutation, parse_mutations
    from structkit.model.numbering import klifs_map, read_reference_fasta, reference_sequence
    from structkit.model.sites import (
        primary_region_of,
        region_klifs_positions,
        regions_of,
        review_regions,
        review_sites,
        site_table,
    )
    from structkit.posing.files import pose_files
    from structkit.posing.pose import PoseResult, pose
    from structkit.version import __version__

#: Where each public name lives: ``import structkit`` stays light (a command-line start-up pays
#: only for what it uses); the first use of a name imports its module.
_WHERE = {
    "abl_benchmark": "structkit.analysis.study.benchmark",
    "pose_benchmark": "structkit.analysis.study.pose_benchmark",
    "pose_transfer": "structkit.analysis.study.pose_benchmark",
    "advise": "structkit.analysis.study.advise",
    "assign_klifs": "structkit.model.klifs",
    "Atoms": "structkit.model.atoms",
    "Change": "structkit.model.mutations",
    "Complex": "structkit.model.complex",
    "conformational_state": "structkit.model.conformation",
    "coverage": "structkit.analysis.measure.coverage",
    "coverage_table": "structkit.analysis.measure.coverage",
    "ddg": "structkit.analysis.measure.estimates",
    "discover": "structkit.analysis.measure.discover",
    "egfr_benchmark": "structkit.analysis.study.egfr_benchmark",
    "Engine": "structkit.analysis.parallel.engine",
    "feature_table": "structkit.analysis.measure.features",
    "fetch": "structkit.io.fetch",
    "fetch_many": "structkit.io.fetch",
    "FetchError": "structkit.errors",
    "FetchResult": "structkit.io.fetch",
    "fingerprint": "structkit.analysis.measure.interactions",
    "interaction_changes": "structkit.analysis.measure.interactions",
    "interaction_table": "structkit.analysis.measure.interactions",
    "interactions": "structkit.analysis.measure.interactions",
    "InteractionCriteria": "structkit.analysis.measure.interactions",
    "klifs_fingerprint": "structkit.analysis.measure.interactions",
    "klifs_map": "structkit.model.numbering",
    "load": "structkit.io.load",
    "LoadOptions": "structkit.io.load",
    "mutate": "structkit.model.mutate",
    "Mutation": "structkit.model.mutations",
    "parse_mutation": "structkit.model.mutations",
    "parse_mutations": "structkit.model.mutations",
    "primary_region_of": "structkit.model.sites",
    "read_ligand_file": "structkit.io.ligand_file",
    "read_reference_fasta": "structkit.model.numbering",
    "read_structure": "structkit.io.read",
    "read_compound": "structkit.io.compound",
    "pose": "structkit.posing.pose",
    "pose_files": "structkit.posing.files",
    "PoseResult": "structkit.posing.pose",
    "Compound": "structkit.io.compound",
    "reference_sequence": "structkit.model.numbering",
    "region_klifs_positions": "structkit.model.sites",
    "regions_of": "structkit.model.sites",
    "ResidueTable": "structkit.model.complex",
    "review_mutations": "structkit.analysis.measure.scan",
    "review_regions": "structkit.model.sites",
    "review_sites": "structkit.model.sites",
    "scan": "structkit.analysis.measure.scan",
    "show": "structkit.analysis.presentation.views",
    "site_features": "structkit.analysis.measure.features",
    "site_table": "structkit.model.sites",
    "StructkitError": "structkit.errors",
    "StructureFileError": "structkit.errors",
    "StructureWarning": "structkit.errors",
    "trajectory_features": "structkit.analysis.measure.trajectory",
    "trajectory_interactions": "structkit.analysis.measure.trajectory",
    "verify_rows": "structkit.analysis.measure.discover",
    "write_pdb": "structkit.io.write",
}


__all__ = [
    "Atoms",
    "Change",
    "Complex",
    "Compound",
    "Engine",
    "FetchError",
    "FetchResult",
    "InteractionCriteria",
    "LoadOptions",
    "Mutation",
    "PoseResult",
    "ResidueTable",
    "StructkitError",
    "StructureFileError",
    "StructureWarning",
    "__version__",
    "abl_benchmark",
    "advise",
    "assign_klifs",
    "catalogue",
    "catalogue_ids",
    "conformational_state",
    "coverage",
    "coverage_table",
    "ddg",
    "discover",
    "drug_name",
    "egfr_benchmark",
    "feature_table",
    "fetch",
    "fetch_many",
    "fingerprint",
    "interaction_changes",
    "interaction_table",
    "interactions",
    "klifs_fingerprint",
    "klifs_map",
    "load",
    "mutate",
    "parse_mutation",
    "parse_mutations",
    "pose",
    "pose_benchmark",
    "pose_files",
    "pose_transfer",
    "primary_region_of",
    "read_compound",
    "read_ligand_file",
    "read_reference_fasta",
    "read_structure",
    "reference_sequence",
    "region_klifs_positions",
    "regions_of",
    "review_mutations",
    "review_regions",
    "review_sites",
    "scan",
    "show",
    "site_features",
    "site_table",
    "trajectory_features",
    "trajectory_interactions",
    "verify_rows",
    "write_pdb",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'structkit' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
