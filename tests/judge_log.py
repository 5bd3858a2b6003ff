"""What a judge checked, appended to the log that `make test` sums up at the end."""

from __future__ import annotations

import json
import os
from typing import Any


def record_judge(judge: str, **figures: Any) -> None:
    path = os.environ.get("IKZ_JUDGE_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps({"judge": judge, **figures}) + "\n")
