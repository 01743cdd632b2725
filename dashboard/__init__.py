"""The Streamlit dashboard: entry script, settings, caching and shared components.

Renders published cells only. Must not import ``data_access`` or SQLAlchemy.
"""
