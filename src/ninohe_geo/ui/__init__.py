"""The Streamlit glue: with ``dashboard/``, the only code that imports streamlit (a ruff rule,
TID251, keeps it so). Pages read widgets and call these; these call the library below.
:mod:`.forms` and :mod:`.server` hold what the pages and the launcher need without Streamlit.
"""
