"""Force-field choices in one place, and per-atom parameters read from OpenMM.

Protein: Amber ff14SB (``amber14/protein.ff14SB.xml`` as shipped with OpenMM). Implicit solvent:
OBC2 generalized Born (Amber ``igb=5``, mbondi2 radii, ACE non-polar term; ``implicit/obc2.xml``),
solute dielectric 1, solvent 78.5, no salt. Ligand: MMFF94 partial charges and van der Waals
parameters from RDKit (:mod:`structkit.energy.ligand_parameters`), OBC2 radii by the same mbondi2
rules as the protein. :func:`record` gives these choices for the results manifest.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    from openmm import app

__all__ = ["FORCE_FIELD", "IMPLICIT_SOLVENT", "ION_FORCE_FIELD", "REACTION_FIELD_DIELECTRIC",
           "SOLVENT_DIELECTRIC", "AtomParameters", "atom_parameters", "forcefield", "magnesium_parameters",
           "record"]

FORCE_FIELD = "amber14/protein.ff14SB.xml"
IMPLICIT_SOLVENT = "implicit/obc2.xml"
#: Where the Mg²⁺ parameters come from: OpenMM's ``amber14/tip3p.xml``, which carries AmberTools'
#: ``frcmod.ions234lm_126_tip3p`` (Li, Roberts, Chakravorty & Merz 2013, JCTC 9:2733, 12-6 set).
ION_FORCE_FIELD = "amber14/tip3p.xml"
SOLVENT_DIELECTRIC = 78.5
#: The dielectric beyond the cutoff of the minimisation's reaction-field electrostatics: OpenMM's
#: ``NonbondedForce`` default, which structkit's relaxation used before it had its own kernels.
REACTION_FIELD_DIELECTRIC = 78.3
SOLUTE_DIELECTRIC = 1.0
_NM = 10.0
_KJ = 1.0 / 4.184


@lru_cache(maxsize=2)
def forcefield(implicit: bool = False) -> app.ForceField:
    """The OpenMM ForceField (ff14SB, with OBC2 when ``implicit``)."""
    from openmm import app

    files = [FORCE_FIELD, IMPLICIT_SOLVENT] if implicit else [FORCE_FIELD]
    return app.ForceField(*files)


class AtomParameters:
    """Per-atom non-bonded parameters in structkit units.

    Attributes
    ----------
    charge : ndarray
        e.
    sigma : ndarray
        Lennard-Jones sigma, Å.
    epsilon : ndarray
        Lennard-Jones well depth, kcal/mol.
    radius, scale : ndarray
        OBC2 intrinsic radius (Å) and descreening scale.
    """

    __slots__ = ("charge", "epsilon", "radius", "scale", "sigma")

    def __init__(self, charge: ArrayLike, sigma: ArrayLike, epsilon: ArrayLike, radius: ArrayLike,
                 scale: ArrayLike) -> None:
        self.charge = np.asarray(charge, dtype=np.float64)
        self.sigma = np.asarray(sigma, dtype=np.float64)
        self.epsilon = np.asarray(epsilon, dtype=np.float64)
        self.radius = np.asarray(radius, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)

    def __len__(self) -> int:
        return len(self.charge)

    def take(self, index: np.ndarray | slice | list[int]) -> AtomParameters:
        """The parameters of a subset of atoms."""
        return AtomParameters(self.charge[index], self.sigma[index], self.epsilon[index],
                              self.radius[index], self.scale[index])

    @classmethod
    def concatenate(cls, parts: list[AtomParameters]) -> AtomParameters:
        """Join several parameter sets in order."""
        return cls(*(np.concatenate([getattr(p, k) for p in parts])
                     for k in ("charge", "sigma", "epsilon", "radius", "scale")))


def atom_parameters(topology: app.Topology) -> AtomParameters:
    """ff14SB charges and Lennard-Jones parameters and OBC2 radii for an OpenMM protein topology.

    Residues are matched to ff14SB templates ignoring bonds to residues outside the topology, so a
    fragment of a chain gets the parameters its residues have in the whole chain.

    Raises
    ------
    ValueError
        A residue that matches no ff14SB template (OpenMM's message names it).
    """
    import openmm as mm
    from openmm import app
    from openmm.app.internal.customgbforces import GBSAOBC2Force

    system = forcefield().createSystem(topology, nonbondedMethod=app.NoCutoff, ignoreExternalBonds=True)
    nonbonded = next(f for f in system.getForces() if isinstance(f, mm.NonbondedForce))
    n = system.getNumParticles()
    charge, sigma, epsilon = np.zeros(n), np.zeros(n), np.zeros(n)
    for i in range(n):
        q, s, e = nonbonded.getParticleParameters(i)
        charge[i], sigma[i], epsilon[i] = q._value, s._value * _NM, e._value * _KJ
    gb = np.array(GBSAOBC2Force.getStandardParameters(topology), dtype=np.float64).reshape(n, 2)
    return AtomParameters(charge, sigma, epsilon, gb[:, 0] * _NM, gb[:, 1])


@lru_cache(maxsize=1)
def magnesium_parameters() -> AtomParameters:
    """Mg²⁺: charge +2 and Lennard-Jones from :data:`ION_FORCE_FIELD`, OBC2 radius and scale by the
    same mbondi2 rules as every other atom (one atom)."""
    import openmm as mm
    from openmm import app
    from openmm.app.element import Element
    from openmm.app.internal.customgbforces import GBSAOBC2Force

    topology = app.Topology()
    residue = topology.addResidue("MG", topology.addChain())
    topology.addAtom("MG", Element.getBySymbol("Mg"), residue)
    system = app.ForceField(ION_FORCE_FIELD).createSystem(topology, nonbondedMethod=app.NoCutoff)
    nonbonded = next(f for f in system.getForces() if isinstance(f, mm.NonbondedForce))
    q, s, e = nonbonded.getParticleParameters(0)
    gb = np.array(GBSAOBC2Force.getStandardParameters(topology), dtype=np.float64).reshape(1, 2)
    return AtomParameters([q._value], [s._value * _NM], [e._value * _KJ], gb[:, 0] * _NM, gb[:, 1])


def record() -> dict:
    """The force-field choices, for the results manifest."""
    import openmm

    return {
        "protein_force_field": FORCE_FIELD,
        "implicit_solvent": "OBC2 generalized Born (Amber igb=5, mbondi2 radii) + ACE non-polar term "
                            f"({IMPLICIT_SOLVENT}); solute dielectric {SOLUTE_DIELECTRIC}, solvent "
                            f"{SOLVENT_DIELECTRIC}, no salt",
        "ligand_parameters": "RDKit MMFF94 partial charges and van der Waals (R*, epsilon) as "
                             "Lennard-Jones; ligand held rigid; CCD ligands with basic aliphatic amines "
                             "charged (pH 7 rule), ligand files' own charges kept; nucleotides with "
                             "their phosphates ionised and two Mg2+ ions modelled (structkit.model."
                             f"nucleotide; ion Lennard-Jones from {ION_FORCE_FIELD}, Li/Merz 2013 12-6)",
        "minimisation": "structkit.energy.minimise: ff14SB terms (typed by OpenMM per residue) that touch a "
                        "repacked side-chain atom, reaction-field electrostatics (cutoff 10 Å, dielectric "
                        f"{REACTION_FIELD_DIELECTRIC} beyond it, OpenMM's NonbondedForce default), "
                        "1-4 scaled 1/1.2 and 1/2; repacked side chains free with 2 kcal/mol/Å² harmonic "
                        "restraints on their heavy atoms, everything else fixed; SciPy L-BFGS-B until the "
                        "RMS gradient over the moving coordinates is below 10 kJ/mol/nm, at most 100 "
                        "iterations",
        "openmm": openmm.__version__,
    }
