"""ordo: an order service with atomic promo codes. This package is the HTTP edge and the CLI."""
