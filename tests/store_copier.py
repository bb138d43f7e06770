"""A copier process for the interrupted-copy test: copies A, B, A, B … into DST until killed.

``python tests/store_copier.py SRC_A SRC_B DST`` prints the number of each finished copy.
"""

from __future__ import annotations

import sys

from ninohe_geo.store import copy_store


def main() -> None:
    source_a, source_b, target = sys.argv[1:4]
    n = 0
    while True:
        copy_store(source_a if n % 2 == 0 else source_b, target)
        n += 1
        print(n, flush=True)


if __name__ == "__main__":
    main()
