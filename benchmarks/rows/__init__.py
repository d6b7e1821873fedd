"""Extra rows for ``make bench``: each module here defines
``rows(ref_seconds) -> list[dict]`` with keys ``case``, ``seconds``,
``budget_seconds`` (or None) and ``note``. ``ref_seconds`` is the Keras
``fit`` reference measured in the same run."""
