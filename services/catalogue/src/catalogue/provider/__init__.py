"""Providers (colleges, universities, training providers), their institutes and campuses."""
