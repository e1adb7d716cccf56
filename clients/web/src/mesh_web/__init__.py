"""mesh-web: the participant web app (a backend-for-frontend over the four services APIs)."""
