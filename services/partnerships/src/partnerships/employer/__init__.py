"""Employers: sign-up (pending), verification, their profile."""
