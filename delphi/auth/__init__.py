"""Staff authentication and the access checks every console page uses."""
