"""`python -m fmcat`: the same as the `fmcat` command."""

from fmcat.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
