"""Load measurements of the staff pages and the admin: a real gunicorn, a signed-in session, and wrk."""
