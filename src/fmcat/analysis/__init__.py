"""fmcat.analysis."""
