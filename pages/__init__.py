"""One module per page, each a thin function: it picks published tables and lays them out.

Pages never query, sum or suppress anything. Must not import ``data_access``
or SQLAlchemy.
"""
