"""Moving in: clients and their visit history from another platform's CSV export, checked row by row
(a dry run), then applied in chunks by the job worker, idempotently and without a message to anyone."""
