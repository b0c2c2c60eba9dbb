from accounts.navigation import start_pages
from accounts.scoping import scope_for


def roles(request):
    """Lets templates show each role its way without querying in the template: the scope, and the
    start page of each role for the header."""
    user = getattr(request, "user", None)
    scope = scope_for(user)
    authenticated = user is not None and user.is_authenticated
    return {"scope": scope, "start_pages": start_pages(scope) if authenticated else []}
