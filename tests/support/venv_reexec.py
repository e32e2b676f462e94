"""Re-run the calling test script inside the project's virtualenv for Python-side test tools
($YUQING_CACHE/chdb-venv, default ~/.cache/yuqing), installing what it lacks on first use."""
import os
import subprocess
import sys
import venv

CACHE = os.environ.get("YUQING_CACHE", os.path.expanduser("~/.cache/yuqing"))
VENV = os.path.join(CACHE, "chdb-venv")


def run_inside(module, requirement):
    """Returns when already inside the virtualenv; otherwise creates it if missing, pip-installs
    `requirement` unless `module` imports, and re-executes the script there (never returns)."""
    python = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        return
    if not os.path.exists(python):
        venv.create(VENV, with_pip=True)
    if subprocess.run([python, "-c", f"import {module}"], capture_output=True).returncode != 0:
        subprocess.run([python, "-m", "pip", "install", "-q", requirement], check=True)
    os.execv(python, [python] + sys.argv)
