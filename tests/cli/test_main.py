"""`fmcat.cli.main`: the one parser and entry point, and `python -m fmcat`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from fmcat import __version__
from fmcat.cli.main import build_parser, main

COMMANDS = ["validate", "init", "new", "review", "codeowners", "import", "export", "recommend",
            "assess", "drill", "link", "rules"]


def test_every_command_group_is_registered_in_help_order() -> None:
    assert "{" + ",".join(COMMANDS) + "}" in build_parser().format_usage()


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "the following arguments are required: command" in capsys.readouterr().err


def test_python_dash_m_fmcat_is_the_fmcat_command() -> None:
    result = subprocess.run([sys.executable, "-m", "fmcat", "--version"], capture_output=True,
                            text=True, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"fmcat {__version__}\n"
