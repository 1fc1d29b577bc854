"""docs/deployment.md is executed: roles, migrate, RLS checks and serve on a fresh cluster."""

from __future__ import annotations

import shutil

import pytest

from tests import pg
from tests.docs_runner import run_doc
from tests.support import ROOT, base_env, free_port


@pytest.fixture
def bare_cluster():
    if pg.bin_dir() is None:
        pytest.skip("PostgreSQL server binaries are not installed")
    cluster = pg.Cluster(bare=True)
    yield cluster
    cluster.stop()


def test_deployment_doc_runs(bare_cluster, tmp_path):
    env = base_env(tmp_path, PGHOST="127.0.0.1", PGPORT=bare_cluster.port, PGUSER="postgres",
                   PORT=free_port())
    env.pop("ALLOY_DATABASE_URL", None)
    env.pop("ALLOY_MIGRATION_DATABASE_URL", None)
    env["PATH"] = f"{bare_cluster.bin}:{env.get('PATH', '')}"
    shutil.copytree(ROOT / "deploy", tmp_path / "deploy")  # the doc runs from a checkout
    run_doc(ROOT / "docs" / "deployment.md", env, tmp_path)
