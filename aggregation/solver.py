"""A quiet HiGHS instance for the protection engine and the audit.

Solver plumbing only: no protection or audit logic lives here, so sharing it does
not couple the two. Must not import pandas, the registry or the publication.
"""

from __future__ import annotations

import os
import sys
import threading

import highspy

_banner_lock = threading.Lock()
_banner_absorbed = False


def silent_highs() -> highspy.Highs:
    """Return a HiGHS instance with its output off.

    HiGHS's C++ constructor prints a licence banner on standard output once per process,
    before any option can be set; the first construction sends it to /dev/null so the
    commands' reports stay clean.
    """
    global _banner_absorbed
    with _banner_lock:
        if _banner_absorbed:
            h = highspy.Highs()
        else:
            sys.stdout.flush()
            saved = os.dup(1)
            try:
                with open(os.devnull, "w") as null:
                    os.dup2(null.fileno(), 1)
                    h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            _banner_absorbed = True
    h.setOptionValue("output_flag", False)
    return h
