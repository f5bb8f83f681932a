"""ordo's pure domain: orders, items, promos, events, errors and the fold. No I/O here."""
