def register(router) -> None:
    """Registers this app's API viewsets on the /api/v1/ router."""
