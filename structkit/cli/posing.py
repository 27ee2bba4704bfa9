"""The pose command: a new compound posed in a kinase's ATP site."""

from __future__ import annotations

import argparse
import json
import sys

from structkit.cli.common import add_json_option, add_source_options
from structkit.io.write import check_output_file, write_pdb


def _cmd_pose(args: argparse.Namespace) -> int:
    from structkit.io.compound import read_compound
    from structkit.posing.pose import pose
    from structkit.posing.templates import template_library

    if args.output:
        check_output_file(args.output, (".sdf",))
    if args.receptor_output:
        check_output_file(args.receptor_output, (".pdb",))
    compound = read_compound(args.compound)  # a bad compound is refused before the templates are read
    templates = template_library(args.mirror, cache=args.cache)
    result = pose(compound, kinase=args.kinase, structure=args.structure, mirrors=args.mirror,
                  templates=templates, exclude=args.exclude, method=args.method, cache=args.cache)
    summary = result.summary()
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        width = max(len(k) for k in summary)
        for key, value in summary.items():
            print(f"{key:<{width}}  {'-' if value in (None, '') else value}")
    if args.output:
        result.write_sdf(args.output)
        print(f"wrote {args.output}", file=sys.stderr)
    if args.receptor_output:
        write_pdb(result.receptor, args.receptor_output,
                  remarks=[f"receptor of {result.compound.name} ({result.receptor_label}, "
                           "its inhibitor removed)"])
        print(f"wrote {args.receptor_output}", file=sys.stderr)
    if not args.output and not args.receptor_output and not args.json:
        print("(give -o FILE.sdf to keep the pose)", file=sys.stderr)
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add the pose command."""
    p = sub.add_parser("pose", help="pose a new compound (SMILES or file) in a kinase's ATP site")
    p.add_argument("compound", metavar="SMILES|FILE",
                   help="a SMILES or a .sdf/.mol/.mol2/.pdb file (bonds, charges and stereo read; "
                        "coordinates not), optionally NAME=...")
    p.add_argument("--kinase", default="ALK",
                   help="the kinase whose structure is the receptor (default ALK)")
    p.add_argument("--structure", metavar="ID|FILE",
                   help="the receptor instead (its inhibitor is removed)")
    p.add_argument("--method", choices=("auto", "template", "dock"), default="auto",
                   help="auto: on the best co-crystal template where one covers 30%% of the compound, "
                        "else Vina docking")
    p.add_argument("--exclude", nargs="+", default=[], metavar="ID|CCD",
                   help="never use these entries or ligands as templates")
    p.add_argument("-o", "--output", metavar="FILE.sdf", help="write the pose (with hydrogens) as SDF")
    p.add_argument("--receptor-output", metavar="FILE.pdb",
                   help="write the receptor (its own inhibitor removed) as PDB")
    add_json_option(p, "one pose summary")
    add_source_options(p)
    p.set_defaults(func=_cmd_pose)
