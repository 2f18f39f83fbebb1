"""Set before Django starts: tests run the job queue inline and use fast password hashing."""

import os

os.environ["PEERHAVEN_TESTING"] = "1"
