"""Data access: the only layer that talks to a database.

It returns grouped counts, never row-level data. It must not import
``aggregation``, ``dashboard``, ``pages`` or Streamlit.
"""
