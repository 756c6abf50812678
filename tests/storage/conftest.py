from tests.fixtures.workspaces import branch_ws  # noqa: F401
