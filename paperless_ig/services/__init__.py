"""One module per job. Each public function is one unit of work: it checks the
role, writes its audit events in the same transaction, and returns plain data."""
