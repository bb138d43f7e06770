"""A writer process for the crash tests: saves one feature over and over until killed.

``python tests/store_writer.py LOCATION FEATURE_ID LAYER`` saves the next revision of
the feature's ``name_en`` (``rev N``: N + 1 of what is stored) and prints ``N`` after
each save has returned (committed).
"""

from __future__ import annotations

import copy
import sys

from ninohe_geo.store import Identity, open_store


def main() -> None:
    location, fid, layer = sys.argv[1:4]
    store = open_store(location)
    who = Identity("crash-writer", "editor")
    while True:
        rec = store.record(fid)
        assert rec is not None
        name = str(rec.feature["properties"]["name_en"])
        n = int(name.removeprefix("rev ")) + 1 if name.startswith("rev ") else 1
        feature = copy.deepcopy(rec.feature)
        feature["properties"]["name_en"] = f"rev {n}"
        store.save(who, layer, feature, rec.version)
        print(n, flush=True)


if __name__ == "__main__":
    main()
