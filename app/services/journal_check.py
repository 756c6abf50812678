"""Check the workspace's journal: the chain, and that the data equals what was journaled."""

from __future__ import annotations

from app.storage.journal import VerifyResult, verify
from app.storage.workspace import Workspace


def verify_journal(ws: Workspace) -> VerifyResult:
    with ws.read() as conn:
        return verify(conn)
