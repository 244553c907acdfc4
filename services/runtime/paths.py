"""Where the files the code reads at run time live: `deploy/` beside the packages."""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    return Path(os.environ.get("FUYUAN_HOME") or Path(__file__).resolve().parents[2])


def deploy_dir() -> Path:
    return project_root() / "deploy"
