"""Aggregation: turns grouped counts into the protected publication.

Pure Python: no I/O, no database, no Streamlit. Must not import
``data_access``, ``dashboard``, ``pages``, SQLAlchemy or Streamlit.
"""
