threads 1, 1
bind "ssl://127.0.0.1:3443?key=config/ssl/localhost.key&cert=config/ssl/localhost.crt"
