"""ninohe-geo."""
