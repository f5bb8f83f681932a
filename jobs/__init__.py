"""Admin jobs over the whole store, never on a request path: reaping expired reservations,
importing seed 000's data, verifying a store, backfilling the pages' listings."""
