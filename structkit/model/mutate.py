"""Model mutant side chains in a complex and score their clashes with the inhibitor and the protein.

For each substituted site the new side chain is built for every rotamer of the Dunbrack
backbone-independent library (:mod:`structkit.model.rotamers`) on the crystal backbone (the
crystal CB is kept unless the wild type is glycine), with the rest of the protein and the inhibitor
fixed. Each rotamer is scored by van der Waals overlap (:mod:`structkit.geometry.clash`: Bondi radii,
0.4 Å tolerance, 0.5 Å hydrogen-bond allowance for N/O pairs) against

- the protein (all heavy atoms but the site's own N, CA, C, and for CB also its O and the flanking
  peptide C and N): the *strain* of the rotamer;
- the inhibitor's heavy atoms: the *inhibitor clash*.

The best rotamer minimises the summed excess overlap (protein + inhibitor), ties going to the more
frequent rotamer; *feasible* rotamers have no protein clash. Compound mutations are built one site
after the other (by position), then each site is re-chosen once with the others in place.
Waters are not part of the environment, and no other side chain moves: a clash with the inhibitor
means that the rotamers available on the fixed pocket cannot avoid it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from structkit.errors import StructkitError
from structkit.geometry.clash import Environment, score_overlaps
from structkit.geometry.radii import atom_radii
from structkit.geometry.volume import union_volume
from structkit.model.atoms import Atoms
from structkit.model.complex import Complex
from structkit.model.mutations import Mutation, parse_mutation
from structkit.model.residues import ONE_LETTER, THREE_LETTER
from structkit.model.rotamers import build_sidechains, rotamers, template

__all__ = ["MUTANT_COLUMNS", "MutantModel", "SiteModel", "mutate"]

_BACKBONE = ("N", "CA", "C", "O", "OXT")

#: Columns of :meth:`MutantModel.to_frame` (one row per substituted site).
MUTANT_COLUMNS = [
    "pdb_id", "ligand", "drug", "mutation", "site", "wild_type", "from_residue", "to_residue",
    "n_rotamers", "n_feasible_rotamers", "n_clear_rotamers", "best_rotamer", "best_rotamer_frequency",
    "best_chis", "inhibitor_max_overlap_A", "inhibitor_clash_excess_A", "inhibitor_clash_pairs",
    "protein_max_overlap_A", "protein_clash_excess_A", "protein_clash_pairs",
    "sidechain_volume_wt_A3", "sidechain_volume_mut_A3", "volume_change_A3", "clashing_atom_pairs",
]


@dataclass
class SiteModel:
    """The modelled side chain at one site and its scores."""

    site: int
    wild_type: str
    from_residue: str
    to_residue: str
    n_rotamers: int
    n_feasible: int
    n_clear: int
    best_rotamer: int
    best_frequency: float
    best_chis: tuple[float, ...]
    inhibitor_max_overlap: float
    inhibitor_excess: float
    inhibitor_pairs: int
    protein_max_overlap: float
    protein_excess: float
    protein_pairs: int
    volume_wt: float
    volume_mut: float
    clashes: list[tuple[str, str, float]] = field(default_factory=list)
    atoms: tuple[str, ...] = ()
    coords: np.ndarray | None = None


@dataclass
class MutantModel:
    """A mutant complex and the per-site report."""

    complex_: Complex
    mutation: Mutation
    sites: list[SiteModel]
    source: Complex

    @property
    def notes(self) -> list[str]:
        """What a reader of the report should know: sites where the structure already carries the
        target residue (the model then repacks the structure's own side chain)."""
        name = self.source.pdb_id or self.source.source
        return [f"{name} already carries {s.to_residue}{s.site}; the model of {self.mutation} repacks the "
                "structure's own residue" for s in self.sites if s.from_residue == s.to_residue]

    def to_frame(self) -> pd.DataFrame:
        """The report, one row per substituted site (columns :data:`MUTANT_COLUMNS`)."""
        rows = []
        for s in self.sites:
            rows.append({
                "pdb_id": self.source.pdb_id or "", "ligand": self.source.ligand or "",
                "drug": self.source.drug or "", "mutation": str(self.mutation), "site": s.site,
                "wild_type": s.wild_type, "from_residue": s.from_residue, "to_residue": s.to_residue,
                "n_rotamers": s.n_rotamers, "n_feasible_rotamers": s.n_feasible,
                "n_clear_rotamers": s.n_clear, "best_rotamer": s.best_rotamer,
                "best_rotamer_frequency": s.best_frequency,
                "best_chis": " ".join(f"{c:.1f}" for c in s.best_chis),
                "inhibitor_max_overlap_A": s.inhibitor_max_overlap,
                "inhibitor_clash_excess_A": s.inhibitor_excess,
                "inhibitor_clash_pairs": s.inhibitor_pairs,
                "protein_max_overlap_A": s.protein_max_overlap,
                "protein_clash_excess_A": s.protein_excess, "protein_clash_pairs": s.protein_pairs,
                "sidechain_volume_wt_A3": s.volume_wt, "sidechain_volume_mut_A3": s.volume_mut,
                "volume_change_A3": s.volume_mut - s.volume_wt,
                "clashing_atom_pairs": "; ".join(f"{a}-{b} {o:.2f}" for a, b, o in s.clashes),
            })
        return pd.DataFrame(rows, columns=MUTANT_COLUMNS)


def _elements(names: tuple[str, ...]) -> np.ndarray:
    return np.array([n[0] for n in names])


class _Site:
    """Backbone and environment bookkeeping for one site of one complex."""

    def __init__(self, complex_: Complex, number: int, target: str):
        res = complex_.residues
        row = res.index_of(number)
        label = complex_.pdb_id or str(complex_.source)
        if row < 0:
            raise StructkitError(f"{label}: residue {number} has no coordinates")
        p = complex_.protein
        a, b = int(res.start[row]), int(res.stop[row])
        names = p.name[a:b].tolist()
        missing = [x for x in ("N", "CA", "C") if x not in names]
        if missing:
            raise StructkitError(f"{label}: residue {number} lacks backbone atoms {' '.join(missing)}")
        self.row, self.start, self.stop = row, a, b
        self.number = number
        self.names = names
        self.xyz = {n: p.coords[a + k] for k, n in enumerate(names)}
        self.from_resname = str(res.resname[row])
        self.target = target
        self.own_index = {n: a + k for k, n in enumerate(names)}
        self.prev_c = self._neighbour(complex_, row - 1, "C")
        self.next_n = self._neighbour(complex_, row + 1, "N")

    @staticmethod
    def _neighbour(complex_: Complex, row: int, name: str) -> int:
        res, p = complex_.residues, complex_.protein
        if row < 0 or row >= len(res):
            return -1
        a, b = res.start[row], res.stop[row]
        hit = np.flatnonzero(p.name[a:b] == name)
        return int(a + hit[0]) if hit.size else -1


def mutate(complex_: Complex, mutation: str | Mutation) -> MutantModel:
    """Model a single or compound substitution in a complex.

    Parameters
    ----------
    complex_ : Complex
        A loaded structure (with or without inhibitor).
    mutation : str or Mutation
        For example ``"G1202R"`` or ``"L1196M+G1202R"``; the wild type is checked against the
        reference sequence.

    Returns
    -------
    MutantModel
        The mutant complex (UniProt numbering kept) and the per-site report.

    Raises
    ------
    StructkitError
        Unparsable mutation, a site without coordinates, or an insertion, deletion or
        site-only entry (which side-chain replacement cannot model).
    """
    if not isinstance(complex_, Complex):
        shown = repr(complex_)
        hint = f" such as structkit.load({shown})" if isinstance(complex_, str) else ""
        raise StructkitError(
            f"complex_={shown}: expected a loaded Complex{hint}, got {type(complex_).__name__}")
    if not isinstance(mutation, (str, Mutation)):
        raise StructkitError(f"mutation={mutation!r}: expected a string such as 'G1202R' or a Mutation, "
                             f"got {type(mutation).__name__}")
    mut = parse_mutation(mutation, reference=complex_.reference) if isinstance(mutation, str) else mutation
    for change in mut.changes:
        if change.kind != "substitution":
            raise StructkitError(
                f"{mut}: only substitutions can be modelled by side-chain replacement "
                f"({change} is a {change.kind})"
            )
    protein = complex_.protein.heavy if complex_.protein.is_hydrogen.any() else complex_.protein
    work = complex_ if protein is complex_.protein else complex_.with_protein(
        protein, complex_.numbering.one_letter)
    sites = [_Site(work, c.position, THREE_LETTER[c.residue]) for c in mut.changes]

    # environment: every protein heavy atom but the side chains being replaced
    p = work.protein
    sidechain_of_sites = np.zeros(len(p), dtype=bool)
    for s in sites:
        sidechain_of_sites[s.start:s.stop] = ~np.isin(p.name[s.start:s.stop], _BACKBONE)
    env_index = np.flatnonzero(~sidechain_of_sites)
    env_elements = p.element[env_index]
    lig = work.inhibitor.heavy
    ligand_env = Environment.build(lig.coords, atom_radii(lig.element), np.isin(lig.element, ["N", "O"]))

    chosen: dict[int, tuple[np.ndarray, tuple[str, ...]]] = {}
    results: dict[int, SiteModel] = {}
    for refine in (False, True):
        if refine and len(sites) == 1:
            break
        for s in sites:
            extra = [(xyz, names) for number, (xyz, names) in chosen.items() if number != s.number]
            results[s.number], chosen[s.number] = _model_site(
                work, s, env_index, env_elements, ligand_env, extra)

    mutant_protein = _apply(work, sites, chosen)
    letters = list(work.numbering.one_letter)
    for s in sites:
        letters[s.row] = ONE_LETTER[s.target]
    mutant = work.with_protein(mutant_protein, "".join(letters))
    return MutantModel(complex_=mutant, mutation=mut, sites=[results[s.number] for s in sites],
                       source=complex_)


def _model_site(work: Complex, s: _Site, env_index: np.ndarray, env_elements: np.ndarray,
                ligand_env: Environment, extra: list[tuple[np.ndarray, tuple[str, ...]]]):
    p = work.protein
    coords = [p.coords[env_index]]
    elements = [env_elements]
    owner = [env_index]
    for xyz, names in extra:
        coords.append(xyz)
        elements.append(_elements(names))
        owner.append(np.full(len(names), -1))
    env_coords = np.vstack(coords)
    env_elem = np.concatenate(elements)
    env_owner = np.concatenate(owner)
    protein_env = Environment.build(env_coords, atom_radii(env_elem), np.isin(env_elem, ["N", "O"]))

    tpl = template(s.target)
    chis, freq = rotamers(s.target)
    keep_cb = s.xyz.get("CB") if s.from_resname != "GLY" and s.target != "GLY" else None
    if tpl.atoms:
        built = build_sidechains(s.xyz, s.target, chis, keep_cb=keep_cb)
    else:
        built = np.zeros((1, 0, 3))
    names = tpl.atoms
    radii = atom_radii(_elements(names)) if names else np.zeros(0)
    polar = np.isin(_elements(names), ["N", "O"]) if names else np.zeros(0, dtype=bool)

    def env_positions(indices: list[int]) -> np.ndarray:
        wanted = [i for i in indices if i >= 0]
        return np.flatnonzero(np.isin(env_owner, wanted)) if wanted else np.zeros(0, dtype=np.int64)

    own = [s.own_index.get(n, -1) for n in ("N", "CA", "C")]
    excluded = []
    for name in names:
        ex = own.copy()
        if name == "CB":
            ex += [s.own_index.get("O", -1), s.prev_c, s.next_n]
        excluded.append(env_positions(ex))

    prot = score_overlaps(built, radii, polar, protein_env, excluded)
    inhib = score_overlaps(built, radii, polar, ligand_env)
    score = prot.excess + inhib.excess
    order = np.lexsort((-freq, score))
    best = int(order[0])
    feasible = prot.n_clashes == 0
    clear = feasible & (inhib.n_clashes == 0)

    clashes = []
    rot, atom, envi, overlap = inhib.pairs
    lig_names = work.inhibitor.heavy.name
    for a, e, o in zip(atom[rot == best], envi[rot == best], overlap[rot == best]):
        clashes.append((f"{s.target}{s.number}:{names[a]}", f"{work.ligand}:{lig_names[e]}", float(o)))
    rot, atom, envi, overlap = prot.pairs
    res = work.residues
    for a, e, o in zip(atom[rot == best], envi[rot == best], overlap[rot == best]):
        idx = env_owner[e]
        if idx >= 0:
            row = int(np.searchsorted(res.start, idx, side="right") - 1)
            partner = f"{res.resname[row]}{res.uniprot[row]}:{p.name[idx]}"
        else:
            partner = "another mutated site"
        clashes.append((f"{s.target}{s.number}:{names[a]}", partner, float(o)))
    clashes.sort(key=lambda c: -c[2])

    wt_side = [n for n in s.names if n not in _BACKBONE]
    wt_xyz = np.array([s.xyz[n] for n in wt_side]).reshape(-1, 3)
    volume_wt = union_volume(wt_xyz, atom_radii(_elements(tuple(wt_side)))) if wt_side else 0.0
    volume_mut = union_volume(built[best], radii) if names else 0.0
    model = SiteModel(
        site=s.number, wild_type=work.reference.residue(s.number),
        from_residue=ONE_LETTER.get(s.from_resname, "X"),
        to_residue=ONE_LETTER[s.target], n_rotamers=len(built), n_feasible=int(feasible.sum()),
        n_clear=int(clear.sum()), best_rotamer=best + 1, best_frequency=float(freq[best]),
        best_chis=tuple(float(x) for x in chis[best]) if chis.size else (),
        inhibitor_max_overlap=float(inhib.max_overlap[best]), inhibitor_excess=float(inhib.excess[best]),
        inhibitor_pairs=int(inhib.n_clashes[best]), protein_max_overlap=float(prot.max_overlap[best]),
        protein_excess=float(prot.excess[best]), protein_pairs=int(prot.n_clashes[best]),
        volume_wt=volume_wt, volume_mut=volume_mut, clashes=clashes, atoms=names,
        coords=built[best] if names else np.zeros((0, 3)),
    )
    return model, (model.coords, names)


def _apply(work: Complex, sites: list[_Site], chosen: dict[int, tuple[np.ndarray, tuple[str, ...]]]) -> Atoms:
    """The protein with each site's side chain replaced by its chosen rotamer."""
    p = work.protein
    pieces = []
    cursor = 0
    for s in sorted(sites, key=lambda x: x.start):
        pieces.append(p[cursor:s.start])
        keep = np.flatnonzero(np.isin(p.name[s.start:s.stop], _BACKBONE)) + s.start
        backbone = p[keep]
        xyz, names = chosen[s.number]
        n_new = len(names)
        bfac = float(p.b_factor[s.start:s.stop].mean())
        new = Atoms(
            coords=np.asarray(xyz).reshape(-1, 3),
            element=_elements(names) if n_new else np.array([], dtype="<U1"),
            name=np.array(names, dtype="<U4"), altloc=np.full(n_new, ""),
            resname=np.full(n_new, s.target), chain=np.full(n_new, p.chain[s.start]),
            resnum=np.full(n_new, p.resnum[s.start]), icode=np.full(n_new, p.icode[s.start]),
            b_factor=np.full(n_new, bfac), occupancy=np.ones(n_new), hetero=np.zeros(n_new, dtype=bool),
            entity=np.full(n_new, p.entity[s.start]), serial=np.zeros(n_new, dtype=np.int64),
        )
        backbone = Atoms(**{**backbone.__dict__, "resname": np.full(len(backbone), s.target)})
        # keep PDB atom order: N CA C O then the side chain
        pieces.extend([backbone, new])
        cursor = s.stop
    pieces.append(p[cursor:])
    return Atoms.concatenate(pieces)
