"""One package per outside party that carries our messages (the Open Forms plugin shape).

Each package holds ``backend.py`` (the class, registered by name with
``notifications.registry.provider_register``) and, when the provider calls us back,
``webhook.py`` (signature check, parsing, the view), ``urls.py`` and ``checks.py`` (Django
system checks of its settings, reported when it is selected). ``base.py``, ``http.py`` and
``webhooks.py`` here are what they share. Nothing outside a package names it: the
packages are found by notifications.registry.provider_modules, so a new provider is a new
folder.
"""
