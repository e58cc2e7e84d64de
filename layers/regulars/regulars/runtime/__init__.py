"""The mechanisms the features run on: due jobs, queues, work owed at a stream batch's end, observability."""
