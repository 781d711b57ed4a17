"""Small upload files for the imports tests."""

from __future__ import annotations

ROSTER_HEADER = "agent_id,name,team_id,program_id,program_name,client_name,time_zone\n"


def roster_csv(rows: int = 3) -> bytes:
    lines = [f"A{i},Agent {i},T1,P1,Claims,Atlas,Europe/Lisbon\n" for i in range(1, rows + 1)]
    return (ROSTER_HEADER + "".join(lines)).encode()
