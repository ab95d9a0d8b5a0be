"""Institutes of Technology: licence status and expiry, region, website."""
