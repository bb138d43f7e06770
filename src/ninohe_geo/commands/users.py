"""``ninohe-geo users``: manage the local editor accounts (see :mod:`ninohe_geo.store.accounts`).

Whoever runs this has the machine's shell, so they act as its admin. Passwords are asked for
twice without echo, or read from standard input with ``--password-stdin`` (one line), never
taken from the command line (it would land in the shell history and ``ps``).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

NAME = "users"
HELP = "manage local editor accounts (add, list, set-role, passwd, remove)"


def _admin() -> object:
    from ninohe_geo.store.base import Identity
    from ninohe_geo.store.registry import os_user

    return Identity(f"cli:{os_user()}", "admin")


def _password(args: argparse.Namespace) -> str:
    from ninohe_geo.store.accounts import AccountError

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(f"password for {args.name}: ")
    if first != getpass.getpass("again: "):
        raise AccountError("the two passwords differ; nothing was changed")
    return first


def run(args: argparse.Namespace) -> int:
    """Carry out one account action; print what was done."""
    from ninohe_geo.store.accounts import USERS_FILE, AccountStore

    file = args.file or (args.data / USERS_FILE if args.data is not None else None)
    accounts = AccountStore(file)
    admin = _admin()
    if args.action == "list":
        for acc in accounts.accounts():
            print(f"{acc.name}\t{acc.role}\t{acc.created}")
        return 0
    if not args.name:
        print(f"error: 'users {args.action}' needs a NAME", file=sys.stderr)
        return 2
    if args.action == "add":
        acc = accounts.add(admin, args.name, args.role, _password(args))  # type: ignore[arg-type]
        print(f"added {acc.name} ({acc.role}) to {accounts.path}")
    elif args.action == "set-role":
        accounts.set_role(admin, args.name, args.role)  # type: ignore[arg-type]
        print(f"{args.name} is now {args.role}")
    elif args.action == "passwd":
        accounts.set_password(admin, args.name, _password(args))  # type: ignore[arg-type]
        print(f"password of {args.name} changed")
    elif args.action == "remove":
        accounts.remove(admin, args.name)  # type: ignore[arg-type]
        print(f"removed {args.name}")
    return 0


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``users``."""
    p.description = (
        "Local accounts for signing in to the editing page on a single machine. The account "
        "file is users.json in the data folder (or $NINOHE_GEO_USERS); it is not committed."
    )
    p.add_argument("action", choices=["add", "list", "set-role", "passwd", "remove"])
    p.add_argument("name", nargs="?", help="account name (lower-case, e.g. sato)")
    p.add_argument("--role", choices=["viewer", "editor", "admin"], default="editor")
    p.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    p.add_argument("--file", type=Path, default=None, help="account file (default: see above)")
    p.add_argument(
        "--data", type=Path, default=None, help="data folder whose users.json to use (--file wins)"
    )
    p.set_defaults(func=run)
