from accounts.scoping import scope_for


def roles(request):
    """Lets templates show each role its way without querying in the template."""
    user = getattr(request, "user", None)
    return {"scope": scope_for(user)}
