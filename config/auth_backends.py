"""django-axes' lockout check, tolerant of sign-ins made without a web request.

Every web sign-in passes the request, so it is checked for lockout. Code that authenticates
without one (the test client's `login()`, a shell) has no address to count failures against;
the stock backend refuses it with an exception, this one leaves it to the password check.
"""

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
