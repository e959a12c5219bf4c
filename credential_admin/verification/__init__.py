"""Public verification: the verify page and PDF check, JSON and Open Badges 3.0 export, the status list."""
