"""The change feed: the partitions every order script appends to, read by one follower per
process, fanned out to subscriptions, followed by consumer groups (SPEC §10)."""
