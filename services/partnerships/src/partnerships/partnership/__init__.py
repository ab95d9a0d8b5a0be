"""Partnerships between an employer and an institute."""
