"""``structkit.pose``: a compound (SMILES or file) posed in a kinase's ATP site, with a confidence.

The route (each step in its module):

1. The compound is read and checked (:func:`structkit.io.compound.read_compound`).
2. Templates are ranked by their common substructure with it (:mod:`structkit.posing.placement`)
   among all co-crystal ligands at hand (:mod:`structkit.posing.templates`): the kinase's own
   structures and every other kinase's, superposed on the receptor's KLIFS pocket.
3. **Receptor.** The structure given, else the kinase's structure whose ligand matches best;
   its own inhibitor is removed.
4. **Template route** where the best common substructure covers at least :data:`MIN_COVERAGE` of the
   compound: on each of the :data:`N_TEMPLATES` best templates, conformers are embedded with the
   common atoms on the template's (and, for a ring the template cannot orient for the compound, with
   that ring free: :func:`~structkit.posing.placement.turnable_rings`); the :data:`N_REFINED` best
   of each by the Vina function are refined by Vina in the pocket. Of the refined poses whose common
   atoms stayed within :data:`MAX_CORE_SHIFT` of the template's, and whose template covers at most
   :data:`COVERAGE_MARGIN` less of the compound than the best one, the one with the lowest Vina
   energy is kept.
5. **Docking** otherwise (no template, none that superposes on the receptor's pocket or embeds,
   or every refined pose pushed off its template; or when asked): Vina docking
   (``exhaustiveness`` 8) in a 22 Å cube centred on the median centre of the co-crystal ligands
   whose pockets superpose on the receptor's within 1.5 Å (the KLIFS pocket's centre where there
   is none).

Confidence (:func:`confidence`): *high* for a template route with coverage >= 0.7 whose common
atoms stayed within 1.5 Å of the template through refinement; *medium* for coverage >= 0.4 and
within 2.5 Å; *low* otherwise, for a pose whose Vina energy is not negative (it clashes) and for
every docked pose (cross-template docking with Vina lands within
2 Å in about half of kinase cases at best). The thresholds were set by looking at the ALK
cross-template benchmark (``structkit benchmark poses``) and are stated beside its numbers.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from structkit.arguments import check_source
from structkit.errors import StructkitError
from structkit.geometry.superpose import apply_transform
from structkit.geometry.vina import vina_terms, xs_types
from structkit.io.compound import Compound, read_compound
from structkit.io.load import load
from structkit.io.write import write_text_atomic
from structkit.model.complex import Complex
from structkit.model.pocket import pocket_centres
from structkit.model.pose import attach_ligand
from structkit.posing.placement import TemplateMatch, embed_on_template, embedded, match_templates
from structkit.posing.templates import Template, pocket_ca, pocket_frame, template_library
from structkit.posing.vina_run import Box, VinaReceptor, as_triple

if TYPE_CHECKING:
    from rdkit import Chem

__all__ = ["METHODS", "MIN_COVERAGE", "N_TEMPLATES", "PoseResult", "RefinedPose", "choose_refined",
           "confidence", "pose", "protocol"]

#: Share of the compound's heavy atoms a template must share with it for the template route.
MIN_COVERAGE = 0.3
#: Templates tried on the template route.
N_TEMPLATES = 3
#: Conformers per template refined by Vina (the best by the Vina function before refinement).
N_REFINED = 3
#: A refined pose whose common atoms moved further than this from the template's (Å) is not a
#: template pose: the others are preferred, and where none is left the compound is docked.
MAX_CORE_SHIFT = 2.0
#: Templates covering this much less of the compound than the best one are not chosen by energy.
#: 0.2, not 0.1 as until 0.7.0: with 0.1 the best-scored poses of entrectinib (5FTO), its analogue
#: 5FTQ and 4FOD, each within 1.5 A of its crystal, were excluded in favour of a template that
#: covers slightly more and is 3.7-4.6 A off. Chosen on the ALK cross-template set by leave one
#: ligand out (each ligand's choice made on the others: 0.2 in every fold, 44 of 54 within 2 A);
#: the ABL1 and EGFR sets, which did not inform it, keep their counts (see CHANGELOG 0.7.1).
COVERAGE_MARGIN = 0.2
#: Posing methods.
METHODS = ("auto", "template", "dock")
_DOCK_BOX = 22.0


def protocol() -> str:
    """Everything a pose is computed from beside its inputs: the route's constants and the
    versions of RDKit, Vina and Meeko. Every pose cache is keyed by it, so that a change to any of
    them cannot be answered from a pose made before."""
    from importlib.metadata import version

    from rdkit import rdBase

    from structkit.posing import placement

    constants = {
        "placement": "morgan-prefilter+rascal-mces-pairs+etkdg-coordmap+turnable-rings/5",
        "prefilter": placement.PREFILTER, "turn_off_axis": placement.TURN_OFF_AXIS,
        "mces": placement.mces_options(), "mces_whole_rings": placement.mces_options(True),
        "n_conformers": placement.N_CONFORMERS,
        "embed_attempts": placement.EMBED_ATTEMPTS,
        "min_coverage": MIN_COVERAGE, "n_templates": N_TEMPLATES, "n_refined": N_REFINED,
        "max_core_shift": MAX_CORE_SHIFT, "coverage_margin": COVERAGE_MARGIN, "dock_box": _DOCK_BOX,
        "rdkit": rdBase.rdkitVersion, "vina": version("vina"), "meeko": version("meeko"),
    }
    return ";".join(f"{k}={v}" for k, v in constants.items())


@dataclass(frozen=True)
class _PoseFile:
    """What :func:`structkit.model.pose.attach_ligand` reads of a pose."""

    mol: Chem.Mol
    path: Path
    name: str


@dataclass(frozen=True)
class PoseResult:
    """A compound posed in a receptor.

    Attributes
    ----------
    compound : Compound
    mol : rdkit.Chem.Mol
        Heavy-atom pose in the receptor's frame.
    receptor : Complex
        The receptor (its own inhibitor removed).
    method : {"template", "docking"}
    score : float
        Vina energy of the pose (kcal/mol).
    template : str or None
        The template's label (entry, kinase and ligand), for the template route.
    template_kinase, template_ligand : str or None
    similarity : float
        Tanimoto similarity (Morgan radius 2) to the template ligand (NaN when docked).
    coverage : float
        Share of the compound's heavy atoms in the common substructure (0 when docked).
    core_shift : float
        RMSD of the common atoms between the template's place and the refined pose (Å; NaN when docked).
    confidence : {"high", "medium", "low"}
    reasons : tuple of str
        Why that confidence.
    """

    compound: Compound
    mol: Chem.Mol = field(repr=False)
    receptor: Complex = field(repr=False)
    method: str
    score: float
    template: str | None
    template_kinase: str | None
    template_ligand: str | None
    similarity: float
    coverage: float
    core_shift: float
    confidence: str
    reasons: tuple[str, ...]

    @property
    def receptor_label(self) -> str:
        """The receptor's entry ID or file name."""
        r = self.receptor
        return r.pdb_id or (r.source.name if r.source else "receptor")

    def complex(self) -> Complex:
        """The receptor with the pose as its inhibitor (its chemistry from the compound)."""
        from rdkit import Chem

        with_h = Chem.AddHs(self.mol, addCoords=True)
        code = self.compound.name.upper()
        title = code if len(code) == 3 and code.isalnum() else "LIG"
        return attach_ligand(self.receptor, _PoseFile(with_h, Path(f"<pose of {self.compound.name}>"), title))

    def summary(self) -> dict:
        """One row: the compound, the receptor, the route, the score and the confidence."""
        return {
            "compound": self.compound.name, "smiles": self.compound.smiles, "receptor": self.receptor_label,
            "kinase": self.receptor.kinase, "method": self.method, "vina_score": round(self.score, 2),
            "template": self.template, "template_kinase": self.template_kinase,
            "template_ligand": self.template_ligand, "similarity": round(self.similarity, 3),
            "coverage": round(self.coverage, 3), "core_shift": round(self.core_shift, 2),
            "confidence": self.confidence, "reasons": "; ".join(self.reasons),
            "notes": "; ".join(self.compound.notes),
        }

    def sdf_text(self) -> str:
        """The pose with hydrogens as an SDF record, its summary as properties."""
        from rdkit import Chem

        mol = Chem.AddHs(self.mol, addCoords=True)
        mol.SetProp("_Name", self.compound.name)
        for key, value in self.summary().items():
            mol.SetProp(f"structkit_{key}", "" if value is None else str(value))
        return Chem.MolToMolBlock(mol) + "".join(
            f">  <{p}>\n{mol.GetProp(p)}\n\n" for p in mol.GetPropNames()) + "$$$$\n"

    def write_sdf(self, path: str | os.PathLike) -> Path:
        """Write :meth:`sdf_text` atomically (nothing half-written)."""
        return write_text_atomic(path, self.sdf_text())


def confidence(method: str, coverage: float, core_shift: float, score: float) -> tuple[str, tuple[str, ...]]:
    """The pose's confidence and the reasons (see the module notes).

    Parameters
    ----------
    method : {"template", "docking"}
    coverage : float
        Share of the compound on the template.
    core_shift : float
        Movement of the common atoms through refinement (Å).
    score : float
        Vina energy of the pose (kcal/mol).
    """
    if method != "template":
        return "low", ("docked without a template: Vina's top pose is right about half of the time at best",)
    reasons = [f"{coverage:.0%} of the compound's heavy atoms on the template",
               f"those atoms moved {core_shift:.1f} A in refinement"]
    if score >= 0:
        return "low", (*reasons, f"Vina energy {score:+.1f} kcal/mol: the pose clashes with the receptor")
    if coverage >= 0.7 and core_shift <= 1.5:
        return "high", tuple(reasons)
    if coverage >= 0.4 and core_shift <= 2.5:
        return "medium", tuple(reasons)
    return "low", tuple(reasons)


def pose(
    compound: str | os.PathLike | Compound,
    *,
    kinase: str = "ALK",
    structure: str | os.PathLike | Complex | None = None,
    mirrors: Iterable[str | os.PathLike] | None = None,
    templates: Sequence[Template] | None = None,
    exclude: Iterable[str] = (),
    method: str = "auto",
    name: str | None = None,
    cache: str | os.PathLike | None = None,
) -> PoseResult:
    """Pose a compound in a kinase's ATP site.

    Parameters
    ----------
    compound : str, path or Compound
        SMILES, a ``.sdf``/``.mol``/``.mol2``/``.pdb`` file, or either after ``NAME=``.
    kinase : str
        The kinase (default ALK); its structures among the templates give the receptor.
    structure : str, path or Complex, optional
        The receptor instead (a PDB ID, a structure file or a loaded complex; its inhibitor is
        removed).
    mirrors : paths, optional
        Mirror folders (the ALK structures), as for :func:`structkit.load`.
    templates : list of Template, optional
        The templates (default :func:`~structkit.posing.templates.template_library`).
    exclude : str
        Template labels, entry IDs or ligand codes never to use (a benchmark leaves the compound's
        own entries out this way).
    method : {"auto", "template", "dock"}
        ``auto``: template route where a template covers enough of the compound, else docking.
    name : str, optional
        The compound's name.
    cache : path, optional
        Cache folder.

    Returns
    -------
    PoseResult

    Raises
    ------
    StructkitError
        A bad compound, an unknown method, a kinase with no structure at hand, a receptor with no
        KLIFS pocket, or ``method="template"`` with no usable template.
    """
    if method not in METHODS:
        raise StructkitError(f"method {method!r}: choose one of {', '.join(METHODS)}")
    if not isinstance(compound, Compound):
        compound = read_compound(check_source(compound, "compound"), name=name)
    banned = {e.upper() for e in exclude}
    library = list(templates) if templates is not None else template_library(mirrors, cache=cache)
    usable = [t for t in library
              if not ({t.label.upper(), t.label.split()[0].upper(), t.ligand.upper()} & banned)]
    matches = match_templates(compound.mol, usable) if method != "dock" else []
    receptor = _receptor(structure, kinase, usable, matches, mirrors)
    target = pocket_ca(receptor)
    good = [m for m in matches if m.coverage >= MIN_COVERAGE]
    if method == "template" and not good:
        raise StructkitError(f"compound {compound.name!r}: no template shares {MIN_COVERAGE:.0%} of its "
                             "heavy atoms (use method='dock' or 'auto')")
    from structkit.energy.prepare import prepare

    prepared = prepare(receptor, cache=Path(cache) if cache is not None else None)
    if good:
        result = _template_route(compound, receptor, prepared, target, good[:N_TEMPLATES])
        if result is not None:
            return result
        if method == "template":
            raise StructkitError(f"compound {compound.name!r}: its common substructure with the templates "
                                 "does not embed (chirality or ring geometry differs)")
    return _dock(compound, receptor, prepared, target, usable)


def _receptor(structure, kinase: str, templates: list[Template], matches: list[TemplateMatch],
              mirrors) -> Complex:
    if isinstance(structure, Complex):
        return structure.without_inhibitor()
    if structure is not None:
        return load(check_source(structure, "structure"), mirrors=mirrors).without_inhibitor()
    own = [t for t in templates if t.kinase.upper() == kinase.upper()]
    if not own:
        kinases = sorted({t.kinase for t in templates})
        raise StructkitError(
            f"kinase {kinase!r}: no structure of it at hand (structures of {', '.join(kinases) or 'none'}); "
            "give one as --structure FILE_OR_ID"
        )
    ranked = [m.template for m in matches if m.template.kinase.upper() == kinase.upper()]
    chosen = ranked[0] if ranked else own[0]
    return chosen.load_complex().without_inhibitor()


class RefinedPose(NamedTuple):
    """One conformer placed on a template and refined by Vina."""

    energy: float
    """Vina energy after refinement (kcal/mol)."""
    shift: float
    """RMSD of the common atoms between the template's place and the refined pose (Å)."""
    mol: Chem.Mol
    match: TemplateMatch


def choose_refined(candidates: Sequence[RefinedPose]) -> RefinedPose | None:
    """The pose the template route keeps (None when every pose left its template's place).

    Poses whose common atoms moved more than :data:`MAX_CORE_SHIFT` are dropped. The more of the
    compound a template fixes, the less the scoring function has to decide, so the energy chooses
    only among templates that cover at least the best coverage left minus :data:`COVERAGE_MARGIN`;
    ties in energy (to 0.001 kcal/mol) go to the smaller shift, then the template's label.
    """
    kept = [c for c in candidates if c.shift <= MAX_CORE_SHIFT]
    if not kept:
        return None
    best_coverage = max(c.match.coverage for c in kept)
    kept = [c for c in kept if c.match.coverage >= best_coverage - COVERAGE_MARGIN]
    return min(kept, key=lambda c: (round(c.energy, 3), c.shift, c.match.template.label))


def _template_route(compound: Compound, receptor: Complex, prepared, target,
                    matches: list[TemplateMatch]) -> PoseResult | None:
    from rdkit import Chem

    placements = []
    for match in matches:
        template = match.template
        try:
            rotation, translation, _ = pocket_frame((template.positions, template.ca), target, template.label)
        except StructkitError:  # too few pocket positions shared with this receptor: the next template
            continue
        placement = embed_on_template(compound.mol, match, rotation, translation)
        if placement is not None:
            template_xyz = apply_transform(template.mol.GetConformer().GetPositions(), rotation, translation)
            placements.append((placement, template_xyz))
    if not placements:
        return None
    # the box holds the templates and the conformers that keep every common atom on them: with the
    # turned conformers in it too, the grid moved and crizotinib's choice among three templates
    # within 0.25 kcal/mol changed (1.4 -> 2.3 A)
    everything = np.vstack([xyz for _, xyz in placements]
                           + [c.GetPositions() for p, _ in placements
                              for c in p.mol.GetConformers() if c.GetId() not in p.turned])
    runner = VinaReceptor(prepared, Box.around(everything))
    heavy_index = np.array([a.GetIdx() for a in compound.mol.GetAtoms() if a.GetAtomicNum() > 1])
    position_in_heavy = {int(a): k for k, a in enumerate(heavy_index)}
    receptor_xyz = np.asarray(prepared.coords, dtype=np.float64)
    receptor_types = xs_types(prepared.element, receptor_xyz)
    elements = np.array([a.GetSymbol() for a in compound.mol.GetAtoms()])
    refined_poses: list[RefinedPose] = []
    for placement, _ in placements:
        core_heavy = [position_in_heavy[a] for a in placement.core if a in position_in_heavy]
        # Vina's set-up of a ligand costs about half a second: the conformers are ranked by the
        # same function on arrays first and only the best go to Vina's refinement
        ranked = []
        for conformer in placement.mol.GetConformers():
            xyz = conformer.GetPositions()
            terms = vina_terms(xyz, xs_types(elements, xyz), receptor_xyz, receptor_types)
            ranked.append((float(terms["total"]), conformer.GetId()))
        for _, conformer_id in sorted(ranked)[:N_REFINED]:
            start = placement.mol.GetConformer(conformer_id).GetPositions()[heavy_index]
            energy, refined = runner.refine(placement.mol, conformer_id)
            end = refined.GetConformer().GetPositions()
            shift = float(np.sqrt(((end[core_heavy] - start[core_heavy]) ** 2).sum(axis=1).mean()))
            refined_poses.append(RefinedPose(energy, shift, refined, placement.match))
    chosen = choose_refined(refined_poses)
    if chosen is None:  # every refined pose left its template's place: the templates do not fit
        return None
    energy, shift, refined, match = chosen
    level, reasons = confidence("template", match.coverage, shift, energy)
    Chem.AssignStereochemistryFrom3D(refined)
    return PoseResult(compound, refined, receptor, "template", energy, match.template.label,
                      match.template.kinase, match.template.ligand, match.similarity, match.coverage, shift,
                      level, reasons)


def _dock(compound: Compound, receptor: Complex, prepared, target, templates: list[Template]) -> PoseResult:
    from rdkit import Chem

    centres = []
    for template in templates:
        try:
            rotation, translation, rmsd = pocket_frame((template.positions, template.ca), target,
                                                       template.label)
        except StructkitError:
            continue
        if rmsd < 1.5:
            xyz = apply_transform(template.mol.GetConformer().GetPositions(), rotation, translation)
            centres.append(xyz.mean(axis=0))
    if centres:  # where the co-crystal ligands sit, in this receptor's frame
        centre = np.median(np.array(centres), axis=0)
    else:
        centre = pocket_centres(receptor)["pocket"]
        if not np.isfinite(centre).all():
            raise StructkitError(f"{receptor.pdb_id or 'receptor'}: no KLIFS pocket to dock in")
    box = Box(as_triple(centre), (_DOCK_BOX, _DOCK_BOX, _DOCK_BOX))
    mol = embedded(compound.mol, f"compound {compound.name!r}")
    runner = VinaReceptor(prepared, box)
    energy, docked = runner.dock(mol)[0]
    Chem.AssignStereochemistryFrom3D(docked)
    level, reasons = confidence("docking", 0.0, float("nan"), energy)
    return PoseResult(compound, docked, receptor, "docking", energy, None, None, None, float("nan"), 0.0,
                      float("nan"), level, reasons)
