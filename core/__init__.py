"""The bottom layer: the release file model, the domain's facts, the settings and the boundaries file.

Everything above may import it; it imports nothing of the project above it, nor Streamlit or SQLAlchemy.
"""
