"""ordo's GraphQL engine: documents already run once, run again from a plan of their fields.

The one door. Everything outside calls the engine through `Engine` (engine/door.py: `learn`
a document the generic path ran, then `execute` its later requests from its plan, None where
the generic path must answer); a document, a value or a field the engine cannot answer as
graphql-core would is given up with `GiveUp`. The engine imports nothing of ordo's; every
private name of a library it uses is in engine/compat, checked against the versions it was
written for at start. What it leaves to the generic path, and how it differs from
graphql-core: engine/DIFFERENCES.md.
"""

from engine.door import Engine
from engine.giveup import GiveUp

__all__ = ["Engine", "GiveUp"]
