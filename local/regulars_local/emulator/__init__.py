"""The AWS side of the local runtime, built from template.yaml: the resources (moto, DynamoDB Local),
the functions and their execution environments, the API gateway, the stream and queue pumps (the
event source mappings) and the schedules."""
