from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("regulars")
except PackageNotFoundError:  # running from the Lambda layer, not an installed wheel
    __version__ = "0"
