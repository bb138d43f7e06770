"""What leaves the app as a document: the printout (:mod:`.printout`, PDF/PNG), the residents'
static site (:mod:`.site`) and its machine-readable dataset description (:mod:`.datasetmeta`).
"""
