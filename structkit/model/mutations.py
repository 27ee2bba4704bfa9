"""Mutation notation: one canonical form for what the review (and users) write.

Forms understood
----------------
=====================  ================================  ==========================================
written                 meaning                           canonical
=====================  ================================  ==========================================
``G1202R``              substitution                      ``G1202R``
``I1171N/S/T``          alternatives at one site          ``I1171N``, ``I1171S``, ``I1171T``
``I1171/N/S``           the same, site first              ``I1171N``, ``I1171S``
``F1174``, ``T1151``    a site with no named substitution ``F1174``
``G1202R+L1196M``       compound mutation                 ``L1196M+G1202R`` (ordered by position)
``I1151Tins``           insertion of T after residue 1151 ``T1151Tins`` (wild type from reference)
``1151Tins``            the same without the wild type    ``T1151Tins``
``G1202del``            deletion                          ``G1202del``
``G1202R/L1196M``       review shorthand: '/' between     ``L1196M+G1202R`` (flagged)
                        two sites read as a compound
``G1202R+L1196M/F1174L`` review shorthand: alternatives   ``L1196M+G1202R``, ``F1174L+G1202R``
                        of the last component             (flagged)
=====================  ================================  ==========================================

The wild-type residue is checked against the reference sequence
(:func:`structkit.model.numbering.reference_residue`). With ``strict=True`` (the default) a wrong
wild type is an error that names the real residue; with ``strict=False`` the parse goes on, using
the reference residue, and the discrepancy is returned as a note, so that data such as the review's
tables can be kept with their flags instead of being dropped.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from structkit.arguments import check_mutations, check_text
from structkit.errors import StructkitError
from structkit.model.numbering import Reference, reference_sequence
from structkit.model.residues import ONE_LETTER, THREE_LETTER

__all__ = [
    "Change",
    "Mutation",
    "MutationParse",
    "ambiguous_slash",
    "check_mutation_syntax",
    "mutation_positions",
    "parse_mutation",
    "parse_mutations",
    "requested_mutation",
    "requested_mutations",
]

_AMINO = "ACDEFGHIKLMNPQRSTVWY"
_TOKEN = re.compile(
    r"^(?P<wt>[A-Z]?)(?P<pos>[0-9]{3,5})(?:(?P<alt>[A-Z]+)(?P<ins>ins)|(?P<del>del)|(?P<sub>[A-Z]?))$"
)


@dataclass(frozen=True, order=True)
class Change:
    """One change at one site.

    Attributes
    ----------
    position : int
        UniProt Q9UM73 residue number.
    wild_type : str
        Reference residue (one letter).
    kind : str
        ``"substitution"``, ``"site"`` (no substitution named), ``"insertion"`` or ``"deletion"``.
    residue : str
        New residue (substitution) or inserted residues (insertion); ``""`` otherwise.
    """

    position: int
    kind: str
    residue: str = ""
    wild_type: str = field(default="", compare=False)

    def __str__(self) -> str:
        if self.kind == "substitution":
            return f"{self.wild_type}{self.position}{self.residue}"
        if self.kind == "insertion":
            return f"{self.wild_type}{self.position}{self.residue}ins"
        if self.kind == "deletion":
            return f"{self.wild_type}{self.position}del"
        return f"{self.wild_type}{self.position}"


@dataclass(frozen=True)
class Mutation:
    """A single or compound mutation: changes at distinct sites, ordered by position.

    Parameters
    ----------
    changes : tuple of Change
        One change per site, at distinct positions.
    """

    changes: tuple[Change, ...]

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.changes))
        object.__setattr__(self, "changes", ordered)

    def __str__(self) -> str:
        return "+".join(str(c) for c in self.changes)

    @property
    def positions(self) -> tuple[int, ...]:
        """UniProt numbers of the sites."""
        return tuple(c.position for c in self.changes)



@dataclass(frozen=True)
class MutationParse:
    """The result of parsing one written mutation string.

    Attributes
    ----------
    text : str
        The string as written.
    mutations : tuple of Mutation
        The mutations it denotes (several for alternatives).
    notes : tuple of str
        Interpretations made and discrepancies found (empty for an unambiguous, correct string).
    """

    text: str
    mutations: tuple[Mutation, ...]
    notes: tuple[str, ...] = ()

    @property
    def flagged(self) -> bool:
        """Whether the string needed an interpretation or carried an error."""
        return bool(self.notes)


def _error(text: str, why: str) -> StructkitError:
    return StructkitError(f"cannot parse mutation {text!r}: {why}")


_HGVS_THREE = re.compile(r"(?<![A-Za-z])([A-Za-z]{3})(?=\d)|(?<=\d)([A-Za-z]{3})(?![A-Za-z])")


def _from_hgvs(text: str) -> str:
    """HGVS protein notation to the short form: ``p.Leu1196Met`` and ``p.L1196M`` -> ``L1196M``,
    ``p.[Leu1196Met;Gly1202Arg]`` -> ``L1196M+G1202R``; other text is returned unchanged."""
    s = text.strip()
    if re.match(r"[pP]\.", s):
        s = s[2:].strip("()")
        if s.startswith("[") and s.endswith("]"):
            s = s[1:-1].replace(";", "+")

    def one_letter(m: re.Match) -> str:
        code = (m.group(1) or m.group(2)).upper()
        return ONE_LETTER.get(code, m.group(0)) if code in ONE_LETTER and code != "UNK" else m.group(0)

    return _HGVS_THREE.sub(one_letter, s)


def _normalise(text: str) -> str:
    s = _from_hgvs(text).strip().rstrip(".,;")
    s = re.sub(r"\s*([+/])\s*", r"\1", s).upper()
    return re.sub(r"(INS|DEL)(?=$|[+/])", lambda m: m.group(1).lower(), s)


def _token(item: str, text: str, strict: bool, notes: list[str], ref: Reference) -> Change:
    m = _TOKEN.match(item)
    if not m:
        raise _error(text, f"{item!r} is not of the form G1202R, F1174, 1151Tins or G1202del")
    pos = int(m.group("pos"))
    name = ref.name or "the reference"
    actual = ref.residue(pos)
    if not actual:
        where = f"the {ref.name} reference" if ref.name else "the reference sequence"
        if ref.first <= pos <= ref.last:  # a gap of a reference read off the structure
            raise _error(text, f"residue {pos} is not resolved in the structure (inside {where}, "
                               f"{ref.first}-{ref.last}, but without coordinates; give a reference "
                               "sequence to name its wild type)")
        raise _error(text, f"residue {pos} is outside {where} ({ref.first}-{ref.last})")
    written = m.group("wt")
    if written and written != actual:
        three = THREE_LETTER.get(actual, "XAA").capitalize()
        message = f"residue {pos} is {actual} ({three}) in {name}, not {written}"
        if strict:
            raise _error(text, message)
        notes.append(f"{item}: {message}; read as {actual}{pos}")
    for letters in (m.group("alt") or "", m.group("sub") or ""):
        bad = set(letters) - set(_AMINO)
        if bad:
            raise _error(text, f"{''.join(sorted(bad))} is not an amino-acid letter")
    if m.group("ins"):
        return Change(pos, "insertion", m.group("alt"), actual)
    if m.group("del"):
        return Change(pos, "deletion", "", actual)
    if m.group("sub"):
        if m.group("sub") == actual:
            raise _error(text, f"{item} names no change ({actual}{pos} is the wild type)")
        return Change(pos, "substitution", m.group("sub"), actual)
    return Change(pos, "site", "", actual)


def _component(part: str, text: str, strict: bool, notes: list[str], compound_context: bool,
               ref: Reference):
    """Alternatives of one '+'-component: a list of lists of Changes (each inner list joined)."""
    items = [i for i in part.split("/") if i]
    if not items:
        raise _error(text, "empty component")
    first = _token(items[0], text, strict, notes, ref)
    options = [[first]]
    other_sites = []
    for item in items[1:]:
        if re.fullmatch(r"[A-Z]", item):
            if first.kind not in ("substitution", "site"):
                raise _error(text, f"{item!r} cannot follow {first}")
            if item == first.wild_type:
                raise _error(text, f"{first.wild_type}{first.position}{item} names no change")
            options.append([Change(first.position, "substitution", item, first.wild_type)])
            continue
        change = _token(item, text, strict, notes, ref)
        if change.position == first.position:
            options.append([change])
        else:
            other_sites.append(change)
            options.append([change])
    if first.kind == "site" and len(options) > 1 and all(
        o[0].position == first.position for o in options[1:]
    ):
        options = options[1:]  # I1171/N/S: the site, then its substitutions
    if other_sites:
        if compound_context:
            notes.append(f"{part}: '/' read as alternatives of this component of a compound mutation")
        else:
            notes.append(f"{part}: '/' between different sites read as a compound mutation")
            return [[o[0] for o in options]]
    return options


def mutation_positions(text: str, reference: Reference | None = None) -> tuple[int, ...]:
    """Residue numbers the first mutation of a written string changes (``"G1202R+L1196M"`` ->
    ``(1202, 1196)``): the one way the package reads sites off a mutation.

    Raises
    ------
    StructkitError
        A string that does not parse (see :func:`parse_mutations`), or that names no mutation.
    """
    parsed = parse_mutations(text, reference=reference).mutations
    if not parsed:
        raise StructkitError(f"{text!r} names no mutation")
    return parsed[0].positions


def parse_mutations(text: str, *, strict: bool = True, reference: Reference | None = None) -> MutationParse:
    """Parse a written mutation string into canonical mutations.

    Parameters
    ----------
    text : str
        For example ``"G1202R"``, ``"I1171N/S/T"``, ``"G1202R+L1196M"``, ``"1151Tins"``.
    strict : bool
        Raise on a wrong wild-type residue (default); otherwise note it and go on.
    reference : Reference, optional
        The sequence wild types are checked against (default ALK, UniProt Q9UM73; a complex's
        ``reference`` for another kinase).

    Returns
    -------
    MutationParse

    Raises
    ------
    StructkitError
        A malformed string, a residue outside the reference, or (strict) a wrong wild type.

    Examples
    --------
    >>> [str(m) for m in parse_mutations("I1171N/S/T").mutations]
    ['I1171N', 'I1171S', 'I1171T']
    >>> str(parse_mutations("G1202R+L1196M").mutations[0])
    'L1196M+G1202R'
    """
    if not isinstance(text, str):
        raise StructkitError(
            f"mutation {text!r}: expected a string such as 'G1202R', got {type(text).__name__}")
    if not text.strip():
        raise _error(text, "empty string")
    normalised = _normalise(text)
    notes: list[str] = []
    parts = normalised.split("+")
    if any(not p for p in parts):
        raise _error(text, "empty component around '+'")
    ref = reference or reference_sequence()
    components = [_component(p, text, strict, notes, len(parts) > 1, ref) for p in parts]
    mutations = []
    for combo in itertools.product(*components):
        changes = [c for group in combo for c in group]
        positions = [c.position for c in changes]
        if len(set(positions)) != len(positions):
            raise _error(text, "two changes at one site in one compound mutation")
        mutation = Mutation(tuple(changes))
        if mutation not in mutations:
            mutations.append(mutation)
    return MutationParse(text=text, mutations=tuple(mutations), notes=tuple(notes))


def check_mutation_syntax(text: str) -> None:
    """Raise the parser's error for a string that is not a mutation in any numbering.

    Wild types and positions are not checked (they depend on the reference sequence), so a batch
    over several kinases can refuse a typo once, before any structure is loaded.
    """
    if not isinstance(text, str):
        raise StructkitError(
            f"mutation {text!r}: expected a string such as 'G1202R', got {type(text).__name__}")
    if not text.strip():
        raise _error(text, "empty string")
    for part in _normalise(text).split("+"):
        items = [i for i in part.split("/") if i]
        if not items:
            raise _error(text, "empty component around '+'")
        for k, item in enumerate(items):
            if not _TOKEN.match(item) and not (k and re.fullmatch(r"[A-Z]", item)):
                raise _error(text, f"{item!r} is not of the form G1202R, F1174, 1151Tins or G1202del")


def ambiguous_slash(text: str) -> bool:
    """Whether a slash separates two different sites (``G1202R/L1196M``), not alternatives at one
    site (``I1171N/S/T``); :func:`parse_mutations` reads the former as a compound mutation, as the
    review's prose does."""
    for part in _from_hgvs(text).split("+"):
        sites = {m.group(1) for item in part.split("/") if (m := re.match(r"\s*[A-Za-z]?(\d+)", item))}
        if len(sites) > 1:
            return True
    return False


def requested_mutation(text: str) -> str:
    """A mutation a user asks for (command line or API); a slash between two sites is refused.

    In the review's prose ``G1202R/L1196M`` means the compound mutant, but in a request it reads
    as much like "either"; the user is asked to write ``+`` (or to list them separately). One rule
    for ``structkit ddg``/``advise``/``mutate`` and :func:`structkit.ddg`/``advise``.

    Raises
    ------
    StructkitError
        Not a string, or a slash between two sites.
    """
    check_text(text, "mutation", "G1202R")
    if ambiguous_slash(text):
        joined = "+".join(t.strip() for t in text.split("/"))
        raise StructkitError(
            f"{text}: a slash between two sites is ambiguous; write {joined} for one compound mutant, "
            "or give the mutations separately"
        )
    return text


def requested_mutations(value: object, name: str = "mutations") -> list[str]:
    """The mutations a user asks for: ``"G1202R,L1196M"`` or a list, each a :func:`requested_mutation`.

    Raises
    ------
    StructkitError
        ``None``, a number, an empty string or list, or an ambiguous slash.
    """
    checked = check_mutations(value, name)
    texts = checked.split(",") if isinstance(checked, str) else checked
    out = [requested_mutation(t.strip()) for t in texts if t.strip()]
    if not out:
        raise StructkitError(f"{name}={value!r}: no mutation given")
    return out


def parse_mutation(text: str, *, strict: bool = True, reference: Reference | None = None) -> Mutation:
    """Parse a string that denotes exactly one (single or compound) mutation (see :func:`parse_mutations`).

    Parameters
    ----------
    text : str
        The mutation (``G1202R``, ``L1196M+G1202R``, ``p.Gly1202Arg``).
    strict : bool
        A wild-type letter that disagrees with the reference is an error (default); otherwise the
        reference residue is used and the discrepancy becomes a note.
    reference : Reference, optional
        Check the wild-type letters against this sequence (ALK by default).

    Returns
    -------
    Mutation
        Its changes, ordered by position.

    Raises
    ------
    StructkitError
        As :func:`parse_mutations`, or if the string denotes alternatives.
    """
    parsed = parse_mutations(text, strict=strict, reference=reference)
    if len(parsed.mutations) != 1:
        listed = ", ".join(str(m) for m in parsed.mutations)
        raise _error(text, f"denotes {len(parsed.mutations)} alternatives ({listed}); give one")
    return parsed.mutations[0]
