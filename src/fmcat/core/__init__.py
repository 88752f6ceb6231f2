"""fmcat.core."""
