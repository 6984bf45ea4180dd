"""Reporting's domain rules: plain Python (no Nameko, no pymongo), unit-testable.

- ``events``: the events reporting consumes, normalised, each with the one read-model
  document it changes;
- ``projections``: ``apply(state, event)`` folds and ``derive_*`` views (idempotent and
  order-insensitive, so a replay gives the live figures);
- ``programme``, ``summary``, ``statistics``, ``divisions``: what the reports say;
- ``xlsx``, ``pdf``, ``charts``: how they are written;
- ``access``: who may see what.
"""
