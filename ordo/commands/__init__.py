"""The `ordo` commands that act on a store: users, promos, orders, verify, import-mongo."""
