"""Template placement: a compound's maximum common substructure with a co-crystal ligand kept where
that ligand sits, the rest embedded around it.

1. **Choose templates.** Every template (or the :data:`PREFILTER` most similar by the Tanimoto
   similarity of Morgan fingerprints, radius 2, 2048 bits, where a limit is set) gets a
   maximum common edge substructure (RDKit's RASCAL MCES, Raymond et al., Comput. J. 45, 631
   (2002): elements and bond orders compared, ring bonds match ring bonds, one connected
   fragment; rings may match in part, so that a macrocycle keeps the part it shares with an
   open-chain template, and where such a core cannot be embedded the search is repeated with
   every ring kept whole). The search is exact and pruned by a bound fixed in
   advance (templates whose Johnson similarity cannot reach :data:`MCES_THRESHOLD` are passed
   over), not by the clock, so the same templates win on every machine; a search that still runs
   past :data:`MCES_TIMEOUT` s is dropped whole, never used half-done. Their *coverage* is the
   share of the compound's heavy atoms in the common substructure.
2. **Embed.** The compound (with hydrogens) is embedded by distance geometry (ETKDGv3, fixed
   seed, at most :data:`EMBED_ATTEMPTS` attempts per conformer: a count, not a time limit) with
   the common atoms' coordinates imposed from the template, :data:`N_CONFORMERS` conformers,
   each then superposed on those atoms (the imposed distances hold only to the embedding's
   tolerance). The atoms are paired as the search paired them (a SMARTS matched again could pair a
   symmetric core another way); where the core does not embed (the compound's chirality or a ring
   cannot take the template's coordinates), the core with whole rings only is tried, then the
   template is passed over. A ring of the core that the template cannot orient for the compound
   (:func:`turnable_rings`: joined by one single bond, with a substituent the template lacks off
   that bond's axis) is embedded both held and free, :data:`N_CONFORMERS` conformers each.
3. The poses go to the pocket for refinement (:mod:`structkit.posing.vina_run`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from structkit.errors import StructkitError
from structkit.geometry.superpose import apply_transform, superpose

if TYPE_CHECKING:
    from rdkit import Chem

    from structkit.posing.templates import Template

__all__ = [
    "EMBED_ATTEMPTS",
    "MCES_THRESHOLD",
    "MCES_TIMEOUT",
    "N_CONFORMERS",
    "PREFILTER",
    "TURN_OFF_AXIS",
    "Placement",
    "TemplateMatch",
    "common_substructure",
    "embed_on_template",
    "embedded",
    "match_templates",
    "mces_options",
    "similarity",
    "turnable_rings",
]

#: Templates given a common substructure search, the most similar by fingerprint (None: every
#: template; a search takes milliseconds between similar ligands, seconds between unlike ones).
PREFILTER: int | None = 8
#: Johnson similarity below which a template's common substructure is not searched for (a
#: compound and template of similar size sharing 30 % of the atoms sit near 0.1).
MCES_THRESHOLD = 0.05
#: Seconds after which a common substructure search is dropped whole (a safety net: the searches
#: here take milliseconds).
MCES_TIMEOUT = 60
#: Conformers embedded on one template.
N_CONFORMERS = 10
#: Distance-geometry attempts per conformer (a count, so that the result does not depend on the
#: machine's speed).
EMBED_ATTEMPTS = 30
#: A substituent the template lacks turns its ring (:func:`turnable_rings`) when its ring atom lies
#: this far (Å) from the axis of the ring's bond to the rest of the common substructure.
TURN_OFF_AXIS = 0.5
_SEED = 20261207


@dataclass(frozen=True)
class TemplateMatch:
    """A template and the compound's common substructure with it.

    Attributes
    ----------
    template : Template
    similarity : float
        Tanimoto similarity (Morgan radius 2) of compound and template ligand.
    smarts : str
        The common substructure.
    n_common : int
        Its heavy atoms.
    coverage : float
        ``n_common`` over the compound's heavy atoms.
    pairs : tuple of (int, int)
        The common atoms: index among the compound's heavy atoms, index in the template ligand.
    """

    template: Template = field(repr=False)
    similarity: float
    smarts: str
    n_common: int
    coverage: float
    pairs: tuple[tuple[int, int], ...] = field(default=(), repr=False)


@dataclass(frozen=True)
class Placement:
    """Conformers of the compound placed on one template, in the template structure's frame.

    Attributes
    ----------
    match : TemplateMatch
    mol : rdkit.Chem.Mol
        The compound with hydrogens; one conformer per placed pose.
    core : tuple of int
        The compound's atoms kept on the template.
    core_rmsd : ndarray
        RMSD of those atoms to the template's after superposing each conformer on them (Å).
    turned : tuple of int
        Conformers embedded with the :func:`turnable_rings` free (the others hold every common atom).
    """

    match: TemplateMatch
    mol: Chem.Mol = field(repr=False)
    core: tuple[int, ...]
    core_rmsd: np.ndarray = field(repr=False)
    turned: tuple[int, ...] = ()


def embedded(mol: Chem.Mol, label: str = "compound") -> Chem.Mol:
    """A copy of ``mol`` (with hydrogens) with one 3D conformer (ETKDGv3, fixed seed).

    Raises
    ------
    StructkitError
        RDKit cannot embed it.
    """
    from rdkit import Chem, rdBase
    from rdkit.Chem import rdDistGeom

    out = Chem.Mol(mol)
    params: Any = rdDistGeom.ETKDGv3()
    params.randomSeed = _SEED
    with rdBase.BlockLogs():
        status = rdDistGeom.EmbedMolecule(out, params)
    if status < 0:
        raise StructkitError(f"{label}: RDKit cannot embed it in 3D")
    return out


def _fingerprint(mol: Chem.Mol):
    from rdkit.Chem import rdFingerprintGenerator

    return rdFingerprintGenerator.GetMorganGenerator(radius=2, fpSize=2048).GetFingerprint(mol)


def similarity(a: Chem.Mol, b: Chem.Mol) -> float:
    """Tanimoto similarity of Morgan fingerprints (radius 2, 2048 bits)."""
    from rdkit import DataStructs

    return float(DataStructs.TanimotoSimilarity(_fingerprint(a), _fingerprint(b)))


def match_templates(mol: Chem.Mol, templates: list[Template], *,
                    prefilter: int | None = PREFILTER) -> list[TemplateMatch]:
    """Rank templates for a compound (see the module notes), best first.

    Parameters
    ----------
    mol : rdkit.Chem.Mol
        The compound (hydrogens ignored).
    templates : list of Template
    prefilter : int, optional
        How many of the most similar get a common substructure search (None: all).

    Returns
    -------
    list of TemplateMatch
        Sorted by common heavy atoms, then similarity, then label; templates sharing fewer than
        three atoms are left out.
    """
    from rdkit import Chem, DataStructs

    heavy = Chem.RemoveHs(mol)
    query = _fingerprint(heavy)
    scored = sorted(((DataStructs.TanimotoSimilarity(query, _fingerprint(t.mol)), k)
                     for k, t in enumerate(templates)), key=lambda x: (-x[0], templates[x[1]].label))
    out = []
    for sim, k in scored[:prefilter]:
        match = _match(heavy, templates[k], float(sim))
        if match is not None:
            out.append(match)
    out.sort(key=lambda m: (-m.n_common, -m.similarity, m.template.label))
    return out


def _match(heavy: Chem.Mol, template: Template, sim: float, *,
           complete_rings: bool = False) -> TemplateMatch | None:
    common = common_substructure(heavy, template.mol, complete_rings=complete_rings)
    if common is None or len(common[1]) < 3:
        return None
    smarts, pairs = common
    return TemplateMatch(template, sim, smarts, len(pairs), len(pairs) / heavy.GetNumAtoms(), pairs)


def mces_options(complete_rings: bool = False) -> dict[str, Any]:
    """RASCAL's options for :func:`common_substructure` (and the pose caches' keys)."""
    return {
        "similarityThreshold": MCES_THRESHOLD,
        "ringMatchesRingOnly": True,
        # RASCAL's own whole-aromatic-ring rule drops rings that do match whole (lorlatinib's
        # aminopyridine against its macrocyclic analogues): rings are judged by the fallback
        "completeAromaticRings": complete_rings,
        "completeSmallestRings": complete_rings,
        "singleLargestFrag": True,
        "timeout": MCES_TIMEOUT,
    }


def common_substructure(a: Chem.Mol, b: Chem.Mol, *,
                        complete_rings: bool = False) -> tuple[str, tuple[tuple[int, int], ...]] | None:
    """The maximum common edge substructure of two molecules (see the module notes).

    Parameters
    ----------
    a, b : rdkit.Chem.Mol
        Heavy-atom molecules.
    complete_rings : bool
        Keep every ring whole (the fallback where a part-ring core does not embed).

    Returns
    -------
    tuple or None
        The SMARTS and the atom pairs (index in ``a``, index in ``b``) of the search's own mapping;
        None where the bound rules it out or the search was dropped.
    """
    from rdkit.Chem import rdRascalMCES

    options: Any = rdRascalMCES.RascalOptions()
    for name, value in mces_options(complete_rings).items():
        setattr(options, name, value)
    results = rdRascalMCES.FindMCES(a, b, options)
    if not results or results[0].timedOut or not results[0].smartsString:
        return None
    pairs = tuple(sorted((int(i), int(j)) for i, j in results[0].atomMatches()))
    return results[0].smartsString, pairs


def embed_on_template(mol: Chem.Mol, match: TemplateMatch, rotation: np.ndarray, translation: np.ndarray,
                      *, n_conformers: int = N_CONFORMERS) -> Placement | None:
    """Conformers of ``mol`` with the common substructure on the template's atoms.

    Parameters
    ----------
    mol : rdkit.Chem.Mol
        The compound with explicit hydrogens (not modified).
    match : TemplateMatch
    rotation, translation : ndarray
        Put the template's coordinates in the receptor's frame.
    n_conformers : int

    Returns
    -------
    Placement or None
        None where the common substructure does not embed (the compound's chirality or a ring
        cannot take the template's coordinates), nor the common substructure with whole rings only
        (whose match the placement then carries).
    """
    from rdkit import Chem

    heavy = Chem.RemoveHs(mol)
    placed = _embed(mol, match, rotation, translation, n_conformers)
    if placed is None:
        whole = _match(heavy, match.template, match.similarity, complete_rings=True)
        if whole is None or whole.pairs == match.pairs:
            return None
        placed = _embed(mol, whole, rotation, translation, n_conformers)
        if placed is None:
            return None
    loose = turnable_rings(heavy, placed.match)
    if not loose:
        return placed
    held = replace(placed.match, pairs=tuple(p for p in placed.match.pairs if p[0] not in loose))
    if len(held.pairs) < 3:  # two atoms cannot orient the rest: the template holds the ring
        return placed
    turned = _embed(mol, held, rotation, translation, n_conformers)
    return _pooled(placed, turned, held, rotation, translation) if turned is not None else placed


def turnable_rings(heavy: Chem.Mol, match: TemplateMatch) -> frozenset[int]:
    """Common atoms whose place the template does not decide: rings that may turn about their bond.

    A ring system of the common substructure joined to the rest of it by one acyclic single bond,
    and carrying in the compound a substituent the template does not share off that bond's axis
    (more than :data:`TURN_OFF_AXIS` from it in the template), has two or more turns about that
    bond; the template chose its turn for its own substituents, not the compound's (brigatinib's
    dimethylphosphine oxide on TAE684's isopropylsulfonyl phenyl sits on the other face). Such rings
    (their atoms but the one on the bond) are the atoms returned; :func:`embed_on_template` embeds
    them free as well as fixed.

    Parameters
    ----------
    heavy : rdkit.Chem.Mol
        The compound's heavy atoms.
    match : TemplateMatch

    Returns
    -------
    frozenset of int
        Indices among the compound's heavy atoms.
    """
    template_of = dict(match.pairs)
    common = set(template_of)
    template_xyz = match.template.mol.GetConformer().GetPositions()
    loose: set[int] = set()
    for system in _ring_systems(heavy):
        if not system <= common:
            continue
        exits = [bond for bond in heavy.GetBonds()
                 if (bond.GetBeginAtomIdx() in system) != (bond.GetEndAtomIdx() in system)
                 and {bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()} <= common]
        if len(exits) != 1 or exits[0].IsInRing() or exits[0].GetBondTypeAsDouble() != 1.0:
            continue
        bond = exits[0]
        inner, outer = ((bond.GetBeginAtomIdx(), bond.GetEndAtomIdx()) if bond.GetBeginAtomIdx() in system
                        else (bond.GetEndAtomIdx(), bond.GetBeginAtomIdx()))
        start, end = template_xyz[template_of[outer]], template_xyz[template_of[inner]]
        axis = (end - start) / np.linalg.norm(end - start)
        for atom in system:
            foreign = [n for n in heavy.GetAtomWithIdx(atom).GetNeighbors()
                       if n.GetIdx() not in common]
            offset = template_xyz[template_of[atom]] - start
            off_axis = float(np.linalg.norm(offset - offset.dot(axis) * axis))
            if foreign and off_axis > TURN_OFF_AXIS:
                loose |= system - {inner}
                break
    return frozenset(loose)


def _ring_systems(mol: Chem.Mol) -> list[set[int]]:
    """Atoms of each ring system (rings sharing an atom merged)."""
    systems: list[set[int]] = []
    for ring in mol.GetRingInfo().AtomRings():
        merged = set(ring)
        for other in [s for s in systems if s & merged]:
            merged |= other
            systems.remove(other)
        systems.append(merged)
    return systems


def _pooled(fixed: Placement, turned: Placement, held: TemplateMatch, rotation: np.ndarray,
            translation: np.ndarray) -> Placement:
    """One placement with the conformers of both, measured on the atoms both hold."""
    from rdkit import Chem

    work = Chem.Mol(fixed.mol)
    ids = tuple(work.AddConformer(Chem.Conformer(c), assignId=True) for c in turned.mol.GetConformers())
    heavy_index = [a.GetIdx() for a in work.GetAtoms() if a.GetAtomicNum() > 1]
    core = np.array([heavy_index[i] for i, _ in held.pairs])
    template_xyz = _template_points(held, rotation, translation)
    rmsds = [_rmsd(c.GetPositions()[core], template_xyz) for c in work.GetConformers()]
    return Placement(fixed.match, work, tuple(int(a) for a in core), np.array(rmsds), ids)


def _template_points(match: TemplateMatch, rotation: np.ndarray, translation: np.ndarray) -> np.ndarray:
    """The template's atoms of the match's pairs, in pair order, moved into the receptor's frame."""
    xyz = match.template.mol.GetConformer().GetPositions()[[j for _, j in match.pairs]]
    return apply_transform(xyz, rotation, translation)


def _rmsd(a: np.ndarray, b: np.ndarray) -> float:
    """RMSD of two paired coordinate sets (no superposition)."""
    return float(np.sqrt(((a - b) ** 2).sum(axis=1).mean()))


def _embed(mol: Chem.Mol, match: TemplateMatch, rotation: np.ndarray, translation: np.ndarray,
           n_conformers: int) -> Placement | None:
    from rdkit import Chem, rdBase
    from rdkit.Chem import rdDistGeom
    from rdkit.Geometry import Point3D

    # the search's pairs index the compound's heavy atoms in order; RemoveHs keeps that order
    heavy_index = [a.GetIdx() for a in mol.GetAtoms() if a.GetAtomicNum() > 1]
    compound_atoms = [heavy_index[i] for i, _ in match.pairs]
    template_xyz = _template_points(match, rotation, translation)
    work = Chem.Mol(mol)
    params: Any = rdDistGeom.ETKDGv3()
    params.randomSeed = _SEED
    params.useRandomCoords = True
    params.maxIterations = EMBED_ATTEMPTS
    params.numThreads = 0  # every core: RDKit seeds each conformer by its index, whatever the threads
    params.SetCoordMap({int(a): Point3D(*map(float, xyz)) for a, xyz in zip(compound_atoms, template_xyz)})
    with rdBase.BlockLogs():
        # one conformer first: a core the compound cannot take fails once, not n times
        if not rdDistGeom.EmbedMultipleConfs(work, 1, params):
            return None
        rdDistGeom.EmbedMultipleConfs(work, n_conformers, params)
    ids = [c.GetId() for c in work.GetConformers()]
    if not ids:
        return None
    core = np.array(compound_atoms)
    rmsds = []
    for cid in ids:
        conformer = work.GetConformer(cid)
        xyz = conformer.GetPositions()
        r, t = superpose(xyz[core], template_xyz)
        moved = apply_transform(xyz, r, t)
        for k, point in enumerate(moved):
            conformer.SetAtomPosition(k, Point3D(*map(float, point)))
        rmsds.append(_rmsd(moved[core], template_xyz))
    return Placement(match, work, tuple(int(a) for a in compound_atoms), np.array(rmsds))
