"""What tests/ and bench/ share: servers of their own (a Redis, a Cluster, ordo as a
subprocess), the race load, the audit of a Redis after it, and the GraphQL documents they send.

Neither imports the other for these; the product never imports this package.
"""
