"""The sections of the pages, one module per page: each function writes one section of figures, charts and
tables from a ``Publication``, and the page calls them in order.

Sections pick and lay out published cells, declared ratios and declared changes only: they never query,
sum, estimate or suppress. Must not import ``pages``, ``data_access``, ``aggregation``, ``publishing`` or
SQLAlchemy.
"""
