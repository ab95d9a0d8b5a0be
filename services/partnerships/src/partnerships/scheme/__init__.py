"""Bursary schemes and their eligibility rules."""
