"""Courses and their intakes."""
