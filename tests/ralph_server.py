"""Serve Ralph's LRS API (``ralph.api:app``, what ``ralph runserver`` serves) on its
file-system backend, for tests/test_xapi_ralph.py. Run with the Ralph venv's Python:
``python tests/ralph_server.py PORT``; Ralph's settings come from the environment.

One change to Ralph, and only to its development backend: Ralph 5.1's LRS writes each POSTed
batch to the store's one file with the data backend's default operation, INDEX, which the
file-system backend refuses once the file exists ("already exists and overwrite is not
allowed"), so only the first POST to a store could ever succeed. Here it appends, as that
backend's APPEND operation does; validation, authentication, duplicate filtering and
queries are Ralph's own.
"""

import sys

import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

if __name__ == "__main__":
    uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="info")
