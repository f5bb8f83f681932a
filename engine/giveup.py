"""The engine's one way to give up."""

from __future__ import annotations


class GiveUp(Exception):
    """What is asked is not the engine's to answer: whoever asked answers it another way.

    Raised where a document uses what plans leave to the generic path (engine/plans.py), where
    a query met an error and the generic path answers it again (engine/run.py), where a value
    is graphql-core's to coerce (engine/variables.py) or Strawberry's to convert
    (engine/arguments.py), and where a value is the Run's own to complete (engine/plain.py).
    Inside a mutation's Run, which cannot be run twice, it carries a failed non-null field's
    null up to the nearest nullable parent, as graphql-core does; its error is already kept.
    """
