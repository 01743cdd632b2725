"""Wiring between the layers: the ``lead-dashboard`` command line and building publications.

The only package that connects ``data_access`` to ``aggregation``. Must not
import Streamlit.
"""
