"""fmcat.exports."""
