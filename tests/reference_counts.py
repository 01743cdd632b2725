"""The independent recount, for the aggregate tests (it lives in ``data_access.recount``)."""

from data_access.recount import recount as reference_counts

__all__ = ["reference_counts"]
