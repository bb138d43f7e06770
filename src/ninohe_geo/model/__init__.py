"""The plan and its data as typed values: the plan's structure (:mod:`.plan`), the feature
schema (:mod:`.schema`) and its checks (:mod:`.checks`, :mod:`.repair`), the catalogue
(:mod:`.catalog`), tours, the city boundary and districts.

The bottom layer: it imports only the top-level helpers (errors, paths, i18n), never a
subpackage above it (``store``, ``io``, ``maps``, ``query``, ``output``, ``ui``, ``commands``).
"""
