"""Cases written once and run against every service that plays a role (as FastStream's shared broker
cases are mixed into one class per broker): each base class states the rule, each subclass in
``tests/integration/services/test_*.py`` only says how its service is started and fed."""
