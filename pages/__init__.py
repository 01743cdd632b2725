"""One module per page, each a thin function: it picks the publication, reads the reader's choices and calls
the page's sections (``dashboard/sections/``) in order.

Pages never query, sum, join, filter or suppress anything, nor compute periods. Must not import
``data_access`` or SQLAlchemy.
"""
