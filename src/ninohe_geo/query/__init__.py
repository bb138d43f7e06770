"""What a view shows, without drawing it: filters (:mod:`.filters`, criteria with their
labels and options), search, the shareable view (:mod:`.view`: filters, base map, centre, tour
stop), a feature's details, the plan tree and the residents' cards.
"""
