"""notebooks/explore.ipynb runs top to bottom on the shipped build in a real Jupyter kernel (nbclient, python3),
with no network, so it never rots; and it is kept in git without outputs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib

import pytest

from tests.conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def test_notebook_is_stored_without_outputs():
    doc = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [cell for cell in doc["cells"] if cell["cell_type"] == "code"]
    assert code
    assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code)
    assert doc["metadata"]["kernelspec"]["name"] == "python3"


@pytest.fixture(scope="module")
def executed(shipped_build):
    import nbclient  # test dependencies: a missing one fails here instead of skipping the notebook
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KG_BUILD", str(shipped_build))
        patch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        client = nbclient.NotebookClient(
            notebook, kernel_name="python3", timeout=600, resources={"metadata": {"path": str(NOTEBOOK.parent)}}
        )
        client.execute()  # raises CellExecutionError, with the cell and the traceback, if any cell fails
    return notebook


def _outputs(notebook):
    return [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]


def test_notebook_runs_without_errors(executed):
    outputs = _outputs(executed)
    assert not [o for o in outputs if o.output_type == "error"]
    streams = "".join(o.text for o in outputs if o.output_type == "stream" and o.name == "stdout")
    assert "53 entities, 67 facts between them" in streams  # 52 entities + the article; 81 facts - 14 literal ones


def test_notebook_shows_dataframes_of_saved_questions(executed):
    tables = [o.data["text/html"] for o in _outputs(executed) if "text/html" in o.get("data", {})]
    html = "\n".join(tables)
    assert "Lingang Xinyefang" in html and "co-founded by" in html  # founders
    assert "Executive Meeting of the Shandong Provincial Government" in html  # policies by province
    assert "deputy director" in html  # people and posts
    assert "People&#x27;s Bank of China Shanghai headquarters" in html or "People's Bank of China Shanghai" in html
    per_province = [
        o.data["text/plain"]
        for o in _outputs(executed)
        if "text/plain" in o.get("data", {}) and "provinceLabel" in o.data["text/plain"] and "Length" not in o.data
    ]
    assert any("Shandong    2" in text for text in per_province)


def test_notebook_draws_the_graph_and_two_plots(executed):
    images = [o for o in _outputs(executed) if "image/png" in o.get("data", {})]
    assert len(images) == 3  # the graph, policies per province, the timeline
    assert all(len(o.data["image/png"]) > 10_000 for o in images)


def test_the_notebook_extra_opens_and_runs_the_notebook(shipped_build, tmp_path):
    """`pip install -e '.[notebook]'` installed pandas, matplotlib and a kernel, but nothing that opens or runs a
    notebook (issue 22, item 14): the extra must bring Jupyter (Notebook 7: `jupyter notebook`, JupyterLab and
    nbconvert), and the README's command must run explore.ipynb top to bottom."""
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    names = {re.match(r"[A-Za-z0-9_.-]+", requirement).group(0).lower() for requirement in extra["notebook"]}
    assert {"notebook", "pandas", "matplotlib", "ipykernel"} <= names
    env = {**os.environ, "KG_BUILD": str(shipped_build), "MPLBACKEND": "agg"}
    jupyter = [sys.executable, "-m", "jupyter"]
    version = subprocess.run([*jupyter, "notebook", "--version"], capture_output=True, text=True, env=env)
    assert version.returncode == 0 and version.stdout.strip().startswith("7."), version.stderr
    out = tmp_path / "explore.ipynb"
    ran = subprocess.run(
        [*jupyter, "nbconvert", "--to", "notebook", "--execute", str(NOTEBOOK), "--output", str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=NOTEBOOK.parent,
        timeout=900,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    cells = json.loads(out.read_text(encoding="utf-8"))["cells"]
    assert all(cell["execution_count"] for cell in cells if cell["cell_type"] == "code")
