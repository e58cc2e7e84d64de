"""What the local runtime answers besides the application's API: health, the application clock, the
phone view, draining the streams and queues, the local sign-in, the resources, the OpenAPI document."""
