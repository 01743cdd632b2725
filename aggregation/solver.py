"""A quiet HiGHS instance for the protection engine and the audit.

Solver plumbing only: no protection or audit logic lives here, so sharing it does
not couple the two. Must not import pandas, the registry or the publication.
"""

from __future__ import annotations

import highspy


def silent_highs() -> highspy._core._Highs:
    """Return a HiGHS instance with its output off before it can print anything.

    The Python wrapper ``highspy.Highs`` calls a solver method in its constructor, which prints HiGHS's
    banner on standard output before any option can be set. The core class it wraps (``highspy._core._Highs``,
    which highspy also exports as ``highspy._Highs`` but its type stubs do not) takes the option first; nothing
    here touches the process's file descriptors.
    """
    h = highspy._core._Highs()
    h.setOptionValue("output_flag", False)
    return h
