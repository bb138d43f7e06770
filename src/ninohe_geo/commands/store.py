"""``ninohe-geo store``: copy a whole store between a data folder and PostgreSQL, or inspect it.

``ninohe-geo store copy --from geodata --to postgresql://user@host/db`` moves everything — plan,
layers, features (soft-deleted ones too), history and indicator values — in either direction.
The copy is all or nothing: into a folder it is built beside the target and swapped in with one
atomic rename; into a database it is one transaction. The target's previous content is replaced.
"""

from __future__ import annotations

import argparse

NAME = "store"
HELP = "copy a store between a folder and postgresql:// (both ways), or show its contents"


def run(args: argparse.Namespace) -> int:
    """Copy or describe; print a one-line summary."""
    from ninohe_geo.store import configured_location, copy_store, open_store

    if args.action == "copy":
        if not args.source or not args.target:
            print("error: 'store copy' needs --from SRC and --to DST", flush=True)
            return 2
        snap = copy_store(args.source, args.target)
        deleted = sum(1 for r in snap.records if r.deleted)
        print(
            f"copied {len(snap.records) - deleted} features (+{deleted} deleted), "
            f"{len(snap.layers)} layers, {len(snap.history)} changes, "
            f"{len(snap.indicators)} indicator values"
        )
        return 0
    store = open_store(args.source or configured_location())
    recs = store.records(include_deleted=True)
    live = [r for r in recs if not r.deleted]
    print(f"store: {store.location}")
    print(
        f"features: {len(live)} (+{len(recs) - len(live)} deleted) in {len(store.layers())} layers"
    )
    print(f"changes: {len(store.history())}; indicator values: {len(store.indicator_values())}")
    return 0


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``store``."""
    p.description = __doc__
    p.add_argument("action", choices=["copy", "info"])
    p.add_argument("--from", dest="source", help="a data folder or a postgresql:// URL")
    p.add_argument("--to", dest="target", help="a data folder or a postgresql:// URL")
    p.set_defaults(func=run)
