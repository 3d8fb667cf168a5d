"""Staff of an office: login, the admin pages, and linking an admin's LINE account."""
