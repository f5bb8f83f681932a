"""ordo's GraphQL schema: Strawberry types built from domain objects, and the root operations."""
