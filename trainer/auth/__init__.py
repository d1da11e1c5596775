"""Users, login and sessions, passwords and the admin's user management (pages in views/)."""
