"""The CCD molecules of inhibitors, kept on disk between processes.

Building a ligand's molecule from its wwPDB Chemical Component Dictionary definition
(:func:`structkit.model.ligand.ccd_molecule`) reads the dictionary that ships with biotite: about
2 s in every fresh process (a command, a worker), most of a warm ``structkit ddg``. A process that
has built one stores it (:func:`ccd_to_store`) as RDKit's binary form with every property, the
atoms' CCD names included, in the result cache under the code and the biotite and RDKit versions;
:func:`~structkit.io.load.load` reads it back for a structure's inhibitor (:func:`ccd_from_store`),
exactly as it was built (tested), instead of building it again.
"""

from __future__ import annotations

import base64
import os
from importlib.metadata import version

from structkit.io.result_cache import ResultCache
from structkit.model.ligand import ccd_molecule, has_ccd_molecule, remember_ccd_molecule

__all__ = ["ccd_from_store", "ccd_to_store"]


def _key(code: str) -> str:
    return ResultCache.key("ccd-molecule", code, version("biotite"), version("rdkit"))


def ccd_from_store(code: str | None, cache: str | os.PathLike | None = None) -> bool:
    """Give this process the stored CCD molecule of ``code``; whether it now holds it (False for an
    empty code or one the store does not have: it is then built where it is needed)."""
    if not code:
        return False
    code = code.upper()
    if has_ccd_molecule(code):
        return True
    payload = ResultCache("ccd", cache).get(_key(code))
    if payload is None:
        return False
    from rdkit import Chem

    try:
        data = base64.b64decode(payload["mol"])
        # RDKit's stubs omit Mol's constructor from its binary form
        remember_ccd_molecule(code, Chem.Mol(data))  # type: ignore[call-overload]
    except (KeyError, ValueError, TypeError, RuntimeError):
        return False  # an unreadable entry is a miss
    return True


def ccd_to_store(code: str | None, cache: str | os.PathLike | None = None) -> None:
    """Store the CCD molecule of ``code`` if this process has built it and the store lacks it."""
    if not code or not has_ccd_molecule(code.upper()):
        return
    from rdkit import Chem

    code = code.upper()
    store = ResultCache("ccd", cache)
    if store.get(_key(code)) is not None:
        return
    options = Chem.PropertyPickleOptions.AllProps | Chem.PropertyPickleOptions.PrivateProps
    mol = ccd_molecule(code)
    store.put(_key(code), {"code": code, "mol": base64.b64encode(mol.ToBinary(options)).decode("ascii")})
