"""fmcat.site."""
