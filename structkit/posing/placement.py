"""Template placement: a compound's maximum common substructure with a co-crystal ligand kept where
that ligand sits, the rest embedded around it.

1. **Choose templates.** Every template is ranked by the Tanimoto similarity of Morgan
   fingerprints (radius 2, 2048 bits) to the compound; the :data:`PREFILTER` most similar get a
   maximum common substructure (RDKit FMCS: elements compared, bond orders compared, ring atoms
   match ring atoms and rings are kept whole, chirality matched, :data:`MCS_TIMEOUT` s each). Their
   *coverage* is the share of the compound's heavy atoms in the common substructure.
2. **Embed.** The compound (with hydrogens) is embedded by distance geometry (ETKDGv3, fixed
   seed) with the common atoms' coordinates imposed from the template, :data:`N_CONFORMERS`
   conformers, each then superposed on those atoms (the imposed distances hold only to the
   embedding's tolerance). A symmetric common substructure maps several ways: the first mapping
   that embeds is taken; where none does (the compound's chirality or a ring cannot take the
   template's coordinates), the template is passed over.
3. The poses go to the pocket for refinement (:mod:`structkit.posing.vina_run`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from structkit.errors import StructkitError
from structkit.geometry.superpose import apply_transform, superpose

if TYPE_CHECKING:
    from rdkit import Chem

    from structkit.posing.templates import Template

__all__ = ["MCS_TIMEOUT", "N_CONFORMERS", "PREFILTER", "Placement", "TemplateMatch", "embed_on_template",
           "embedded", "match_templates", "similarity"]

#: Templates given a maximum common substructure search.
PREFILTER = 8
#: Seconds allowed for one maximum common substructure search.
MCS_TIMEOUT = 2
#: Conformers embedded on one template.
N_CONFORMERS = 10
#: Seconds allowed for one embedding call.
EMBED_TIMEOUT = 3
#: Mappings of a symmetric common substructure tried.
MAX_MAPPINGS = 2
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
    """

    template: Template = field(repr=False)
    similarity: float
    smarts: str
    n_common: int
    coverage: float


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
    """

    match: TemplateMatch
    mol: Chem.Mol = field(repr=False)
    core: tuple[int, ...]
    core_rmsd: np.ndarray = field(repr=False)


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
                    prefilter: int = PREFILTER) -> list[TemplateMatch]:
    """Rank templates for a compound (see the module notes), best first.

    Parameters
    ----------
    mol : rdkit.Chem.Mol
        The compound (hydrogens ignored).
    templates : list of Template
    prefilter : int
        How many of the most similar get a common substructure search.

    Returns
    -------
    list of TemplateMatch
        Sorted by common heavy atoms, then similarity, then label; templates sharing fewer than
        three atoms are left out.
    """
    from rdkit import Chem, DataStructs
    from rdkit.Chem import rdFMCS

    heavy = Chem.RemoveHs(mol)
    query = _fingerprint(heavy)
    scored = sorted(((DataStructs.TanimotoSimilarity(query, _fingerprint(t.mol)), k)
                     for k, t in enumerate(templates)), key=lambda x: (-x[0], templates[x[1]].label))
    out = []
    n_heavy = heavy.GetNumAtoms()
    for sim, k in scored[:prefilter]:
        template = templates[k]
        params: Any = rdFMCS.MCSParameters()
        params.AtomTyper = rdFMCS.AtomCompare.CompareElements
        params.BondTyper = rdFMCS.BondCompare.CompareOrder
        params.BondCompareParameters.RingMatchesRingOnly = True
        params.BondCompareParameters.CompleteRingsOnly = True
        params.AtomCompareParameters.MatchChiralTag = False
        params.AtomCompareParameters.RingMatchesRingOnly = True
        params.Timeout = MCS_TIMEOUT
        result = rdFMCS.FindMCS([heavy, template.mol], params)
        if result.numAtoms < 3:
            continue
        out.append(TemplateMatch(template, float(sim), result.smartsString, int(result.numAtoms),
                                 result.numAtoms / n_heavy))
    out.sort(key=lambda m: (-m.n_common, -m.similarity, m.template.label))
    return out


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
        None where no mapping of the common substructure embeds.
    """
    from rdkit import Chem, rdBase
    from rdkit.Chem import rdDistGeom
    from rdkit.Geometry import Point3D

    pattern = Chem.MolFromSmarts(match.smarts)
    template_atoms = match.template.mol.GetSubstructMatch(pattern)
    if not template_atoms:
        return None
    template_xyz = apply_transform(match.template.mol.GetConformer().GetPositions()[list(template_atoms)],
                                   rotation, translation)
    # a symmetric core maps several ways; the first whose chirality embeds is taken
    for compound_atoms in mol.GetSubstructMatches(pattern, uniquify=False, useChirality=False,
                                                  maxMatches=MAX_MAPPINGS):
        work = Chem.Mol(mol)
        params: Any = rdDistGeom.ETKDGv3()
        params.randomSeed = _SEED
        params.useRandomCoords = True
        params.timeout = EMBED_TIMEOUT
        params.SetCoordMap({int(a): Point3D(*map(float, xyz))
                            for a, xyz in zip(compound_atoms, template_xyz)})
        with rdBase.BlockLogs():
            rdDistGeom.EmbedMultipleConfs(work, n_conformers, params)
        ids = [c.GetId() for c in work.GetConformers()]
        if not ids:
            continue
        core = np.array(compound_atoms)
        rmsds = []
        for cid in ids:
            conformer = work.GetConformer(cid)
            xyz = conformer.GetPositions()
            r, t = superpose(xyz[core], template_xyz)
            moved = apply_transform(xyz, r, t)
            for k, p in enumerate(moved):
                conformer.SetAtomPosition(k, Point3D(*map(float, p)))
            rmsds.append(float(np.sqrt(((moved[core] - template_xyz) ** 2).sum(axis=1).mean())))
        return Placement(match, work, tuple(int(a) for a in compound_atoms), np.array(rmsds))
    return None
