"""The feedback routes: the client's feedback link, and the salon's inbox and follow-up tasks."""
