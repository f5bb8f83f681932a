"""The benchmark: ordo's operations under load next to floors measured in the same run."""
