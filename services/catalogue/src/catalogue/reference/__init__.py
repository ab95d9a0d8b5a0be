"""Regions and sectors: the small reference lists other records point at."""
