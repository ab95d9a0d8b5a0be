"""The catalogue service."""
